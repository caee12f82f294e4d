"""publish/links.py: where serve's pages link (its routes), static files by their content's address,
query strings, and the one allow-list every link the templates write goes through (safe_url)."""

from __future__ import annotations

import re

import pytest

from kosovo_kg.publish.links import HASHED_NAME, STATIC, Links, asset, query_string, safe_url, unhashed
from kosovo_kg.publish.pages import TEMPLATES


def test_serves_links_are_its_routes():
    links = Links()
    assert (links.home(), links.resource("kosovo"), links.turtle("kosovo")) == (
        "/",
        "/resource/kosovo",
        "/resource/kosovo",
    )
    assert links.resource_format("kosovo", "jsonld") == "/resource/kosovo?format=jsonld"
    assert links.resource_pattern() == ("/resource/", "")
    assert (links.chart("polls"), links.questions(), links.search(), links.api()) == (
        "/charts/polls.svg",
        "/#questions",
        "/search",
        "/openapi.json",
    )
    assert links.question("recognized-before", {"date": "2008-02-19"}) == "/queries/recognized-before?date=2008-02-19"
    assert links.download("kfor-strength", "csv") == "/queries/kfor-strength.csv"
    assert links.editor("kfor-strength") == "/editor?question=kfor-strength" and links.editor() == "/editor"
    assert Links.live


def test_a_query_string_leaves_out_empty_values_and_encodes_the_rest():
    assert query_string({"speaker": "Vučić & co", "date": "", "x": None}) == "?speaker=Vu%C4%8Di%C4%87+%26+co"  # type: ignore[dict-item]
    assert query_string(None) == query_string({}) == ""


def test_a_static_file_is_addressed_by_its_content():
    name = asset("site.css")
    match = HASHED_NAME.fullmatch(name)
    assert match is not None and match["stem"] == "site" and match["suffix"] == ".css"
    assert Links().static("site.css") == "/static/" + name
    assert unhashed(name) == "site.css"
    assert unhashed("site.000000000000.css") is None  # another version of the file
    assert unhashed("nothing.0123456789ab.css") is None and unhashed("site.css") is None
    assert (STATIC / "site.css").is_file()


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nato.int/cps/en/natohq/topics_48818.htm",
        "HTTPS://EXAMPLE.TEST/",
        "mailto:someone@example.test",
        "../resource/greece.html",
        "#References",
        "//cdn.example.test/x.js",  # a network-path reference: the page's own scheme
    ],
)
def test_web_and_relative_addresses_are_links(url):
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "\x01javascript:alert(1)",  # what a browser strips before reading the scheme
        "jav\nascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://example.test/",
        "http://[::1",  # what cannot be split is not written as a link
        " ",
    ],
)
def test_any_other_address_is_not(url):
    assert safe_url(url) is None


def test_every_link_a_template_writes_goes_through_the_allow_list():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attribute in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            assert re.fullmatch(r"\{\{ .+ \| url \}\}", attribute), (template.name, attribute)
