"""/search: an HTML page for people, JSON for programs, from the one name index."""

from __future__ import annotations

import pytest
from conftest import serve_client

from kosovo_kg.namespaces import KKR


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg) as running:
        yield running


def test_json_by_format_or_accept(client):
    for answer in (
        client.get("/search", params={"q": "Ελλάδα", "format": "json"}),
        client.get("/search", params={"q": "Ελλάδα"}, headers={"Accept": "application/json"}),
    ):
        assert answer.status_code == 200
        body = answer.json()
        assert body["query"] == "Ελλάδα"
        assert body["results"][0] == {
            "iri": KKR + "greece",
            "label": "Greece",
            "type": "state",
            "score": 100,
            "matched": "Ελλάδα",
            "language": "el",
        }


def test_html_for_a_browser(client):
    page = client.get("/search", params={"q": "serbian president"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<a href="/resource/president-of-serbia">President of Serbia</a>' in page.text
    greek = client.get("/search", params={"q": "Ελλάδα"}).text
    assert 'as <span lang="el">Ελλάδα</span> (el)' in greek


def test_nothing_found_says_so(client):
    page = client.get("/search", params={"q": "Angela Merkel"})
    assert page.status_code == 200 and "Nothing in the graph is named like" in page.text
    assert client.get("/search", params={"q": "Angela Merkel", "format": "json"}).json()["results"] == []


def test_a_type_filters(client):
    results = client.get("/search", params={"q": "KFOR", "type": "Person", "format": "json"}).json()["results"]
    assert results == []
    results = client.get("/search", params={"q": "KFOR", "type": "Organization", "format": "json"}).json()["results"]
    assert results[0]["iri"] == KKR + "kfor"


def test_only_resources_with_pages_are_results(client):
    results = client.get("/search", params={"q": "opposes", "format": "json"}).json()["results"]
    assert all(r["iri"].startswith(KKR) for r in results)


def test_markup_in_the_query_is_escaped(client):
    page = client.get("/search", params={"q": '<script>alert("x")</script>'}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 10_000}, "at most 200"),
        ({"q": "a\x01b"}, "control characters"),
        ({"q": "a", "limit": "0"}, "limit must be"),
        ({"q": "a", "format": "xml"}, "format must be"),
        ({"q": "a", "type": "<x>"}, "type must be a class"),
        ({"q": "", "format": "json"}, "give the text to look for"),
    ],
)
def test_bad_requests_are_400_with_a_message(client, params, message):
    answer = client.get("/search", params=params, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and message in answer.json()["error"]
