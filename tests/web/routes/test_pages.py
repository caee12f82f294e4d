"""web/routes/pages.py: the pages people open, through Starlette's TestClient: the SPARQL editor on a
question about this graph, the charts as SVG (drawn once), the static files."""

from __future__ import annotations

import json
import re

import pytest
from conftest import serve_client

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


def test_the_sparql_editor_starts_on_a_question_about_this_graph(client):
    page = client.get("/editor").text
    start = json.loads(page.split('<script id="questions-data" type="application/json">')[1].split("</script>")[0])
    first = json.loads(page.split('<script id="first-question" type="application/json">')[1].split("</script>")[0])
    assert first == "non-recognizing-nato-members"
    assert any(q["name"] == first and "kkg:DoesNotRecognize" in q["query"] for q in start)
    form = next(q for q in start if q["name"] == "recognized-before")
    assert form["parameters"] == [{"name": "date", "type": "date", "required": False, "default": "2008-03-01"}]
    script = re.search(r'<script src="(/static/yasgui/yasgui\.min\.[0-9a-f]{12}\.js)" defer></script>', page)
    assert script, "the editor's script, by its content-addressed name, deferred"
    assert client.get(script.group(1)).status_code == 200
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert "MIT" in client.get("/static/yasgui/LICENSE").text


def test_a_chart_is_served_as_svg_and_drawn_once(client):
    first = client.get("/charts/kfor.svg")
    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml"
    assert first.headers["cache-control"] == "max-age=3600" and b"<svg" in first.content
    assert client.get("/charts/kfor.svg").content == first.content


@pytest.mark.parametrize("file", ["nope.svg", "polls.png", "polls", "sub/polls.svg"])
def test_a_chart_that_is_not_there_is_404_naming_the_charts(client, file):
    response = client.get(f"/charts/{file}")
    assert response.status_code == 404
    assert response.json()["error"].endswith("charts: polls.svg, timeline.svg, recognition.svg, kfor.svg")


def test_the_static_files_are_served_and_nothing_beside_them(client):
    assert client.get("/static/site.css").status_code == 200
    assert client.get("/static/../pages.py").status_code == 404


def test_the_home_page_answers_on_arrival_with_sources(client):
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "4 of the 32 members do not:" in page
    assert re.search(r'href="/resource/greece">Greece</a>.*href="/resource/spain">Spain</a>', page, re.DOTALL)
    assert "<time>2008-02-18</time>" in page  # since when the others recognize Kosovo
    assert "20,000" in page and "50,000 troops" in page  # KFOR's strength with its doubt beside it
    assert "Vučić: Serbia will not agree to Kosovo joining NATO" in page and "eighteen months earlier" in page
    assert 'href="https://doi.org/10.1080/09700160008455274"' in page  # a source opens where it is
    for question in ("statements-by-person", "recognition-status", "poll-trend", "timeline"):
        assert f'href="/queries/{question}"' in page  # the gallery, and each answer's own page
    assert "Joined with Wikidata" in page and "asks Wikidata: not on this server" in page
    assert '<meta name="description" content="' in page and '<meta property="og:title"' in page
    assert 'rel="icon" type="image/svg+xml"' in page


def test_the_home_page_is_light(client):
    page = client.get("/").text
    head = page.split("</head>")[0]
    assert "<script" not in head  # nothing blocks the first render
    scripts = re.findall(r'<script src="([^"]+)"([^>]*)>', page)
    assert scripts and all("defer" in attributes for _, attributes in scripts)
    assert "yasgui" not in page  # the editor's script loads on the editor's page only
    assert sum(len(client.get(src).content) for src, _ in scripts) < 50_000
    compressed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert int(compressed.headers["content-length"]) < 60_000  # the page itself, as transferred


def test_static_files_are_kept_a_year_under_their_content_addressed_names(client):
    page = client.get("/").text
    css = re.search(r'href="(/static/site\.[0-9a-f]{12}\.css)"', page).group(1)
    kept = client.get(css)
    assert kept.status_code == 200 and kept.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/site.css").headers["cache-control"] == "no-cache"
    assert client.get("/static/site.000000000000.css").status_code == 404  # another version's name
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
