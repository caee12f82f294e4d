"""web/routes/pages.py: the pages people open, through Starlette's TestClient: the home page on a
question about this graph, the charts as SVG (drawn once), the static files."""

from __future__ import annotations

import json

import pytest
from conftest import serve_client


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


def test_home_page_starts_on_a_question_about_this_graph(client):
    page = client.get("/").text
    start = json.loads(page.split('<script id="questions-data" type="application/json">')[1].split("</script>")[0])
    first = json.loads(page.split('<script id="first-question" type="application/json">')[1].split("</script>")[0])
    assert first == "non-recognizing-nato-members"
    assert any(q["name"] == first and "kkg:DoesNotRecognize" in q["query"] for q in start)
    form = next(q for q in start if q["name"] == "recognized-before")
    assert (
        form["parameters"] == [{"name": "date", "type": "date", "required": False, "default": "2008-02-20"}]
        or form["parameters"][0]["name"] == "date"
    )
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in page
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
