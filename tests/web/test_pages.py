"""serve's pages through Starlette's TestClient: the home page's answers and weight, a page per stored
question and its downloads (the command line's own bytes), profiles, HTML errors for browsers and JSON
for everyone else, compression, content-addressed static files kept a year, and hostile data given
with --data written as text, never as a live link."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from conftest import TESTS, invoke, serve_client

from kosovo_kg import load_graph

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=5) as running:
        yield running


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


def test_a_question_page_has_choosers_an_answer_downloads_and_a_citation(client):
    page = client.get("/queries/recognized-before", params={"date": "2008-02-19"}).text
    assert "<h1>NATO members that had recognized Kosovo before a given date</h1>" in page
    assert 'id="p-date" name="date" value="2008-02-19"' in page and 'type="date"' in page
    assert page.count('data-label="state"') == 5
    for suffix in ("csv", "tsv", "json", "xml", "rq"):
        assert f'href="/queries/recognized-before.{suffix}?date=2008-02-19"' in page
    assert 'href="/editor?question=recognized-before&amp;date=2008-02-19"' in page
    assert "Cite this answer" in page and "@misc{kosovokg:recognized-before:" in page
    assert "&#34;type&#34;: &#34;dataset&#34;" in page or '"type": "dataset"' in page


def test_a_resource_parameter_is_chosen_by_name(client):
    page = client.get("/queries/statements-by-person", params={"speaker": "aleksandar-vucic"}).text
    assert '<option value="aleksandar-vucic" selected>Aleksandar Vučić</option>' in page
    assert "Vučić: Serbia will not agree to Kosovo joining NATO" in page and "opposes" in page


@pytest.mark.parametrize("name", ["kfor-strength", "recognized-before", "statements-on-nato"])
def test_the_downloads_are_the_answers_of_the_command_line(client, name):
    for fmt in ("csv", "tsv", "json"):
        download = client.get(f"/queries/{name}.{fmt}")
        assert download.status_code == 200, (name, fmt)
        assert download.headers["content-disposition"] == f'attachment; filename="{name}.{fmt}"'
        assert download.text == invoke(["query", name, "--format", fmt]).stdout, (name, fmt)
    xml = client.get(f"/queries/{name}.xml")
    assert xml.headers["content-type"] == "application/sparql-results+xml"
    rows = list(ox.parse_query_results(xml.content, ox.QueryResultsFormat.XML))
    assert len(rows) == invoke(["query", name, "--format", "csv"]).stdout.count("\n") - 1
    assert "SELECT" in client.get(f"/queries/{name}.rq").text


def test_a_bad_parameter_is_told_beside_the_form_to_a_browser_and_in_json_to_a_program(client):
    page = client.get("/queries/recognized-before?date=19/02/2008", headers=BROWSER)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "parameter &#39;date&#39; must be a date as YYYY-MM-DD, got &#39;19/02/2008&#39;" in page.text
    assert 'id="p-date"' in page.text  # the form, to correct it
    program = client.get("/queries/recognized-before?date=19/02/2008")
    assert program.status_code == 400 and program.json()["error"].startswith("parameter 'date' must be a date")
    assert client.get("/queries/recognized-before.csv?date=19/02/2008").status_code == 400


def test_a_question_this_server_cannot_run_says_why(client):
    page = client.get("/queries/heads-of-state-of-non-recognizing-members")
    assert page.status_code == 200 and "without <code>--allow-federation</code>" in page.text
    assert client.get("/queries/heads-of-state-of-non-recognizing-members.csv").status_code == 403


def test_a_missing_page_suggests_the_closest_ones_to_a_browser(client):
    page = client.get("/resource/Greece", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "no resource kkr:Greece in the graph" in page.text and 'href="/resource/greece"' in page.text
    # any spelling the name index knows: a typo, a surname, the words of a label
    for mistyped, meant in (
        ("Greec", "greece"),
        ("vucic", "aleksandar-vucic"),
        ("serbian-president", "president-of-serbia"),
    ):
        suggested = client.get(f"/resource/{mistyped}", headers=BROWSER).text
        assert f'href="/resource/{meant}"' in suggested, mistyped
    question = client.get("/queries/kfor-strenght", headers=BROWSER)
    assert question.status_code == 404 and 'href="/queries/kfor-strength"' in question.text
    elsewhere = client.get("/nowhere", headers=BROWSER)
    assert elsewhere.status_code == 404 and "<h1>Nothing here (404)</h1>" in elsewhere.text
    bad = client.get("/resource/a%20b", headers=BROWSER)
    assert bad.status_code == 400 and "is not a resource name" in bad.text
    assert client.get("/resource/Greece").json() == {"error": "no resource kkr:Greece in the graph", "status": 404}
    assert client.get("/resource/Greece", headers={"Accept": "application/json"}).json()["status"] == 404


def test_profiles_render_by_kind(client):
    serbia = client.get("/resource/serbia").text
    assert "What its leaders and bodies said" in serbia and "Vučić: Serbia will not agree" in serbia
    kfor = client.get("/resource/kfor").text
    assert "Strength over time" in kfor and "20,000" in kfor and "50,000 troops" in kfor
    vucic = client.get("/resource/aleksandar-vucic").text
    assert "Offices" in vucic and 'href="/resource/president-of-serbia">President of Serbia</a>' in vucic


def test_hostile_links_given_with_data_are_never_live(tmp_path):
    """serve --data hostile.ttl (the graph it loads: the packaged one and the file)."""
    hostile = load_graph([TESTS / "fixtures" / "hostile-links.ttl"])
    with serve_client(hostile, timeout=5) as running:
        for path in ("/resource/kosovo", "/resource/src-hostile", "/queries/sources-of-entity?entity=kosovo"):
            page = running.get(path).text
            assert not re.search(r"(href|src)=\"\s*((java|vb)script|data):", page, re.IGNORECASE), path
            assert "<script>alert" not in page and "<b>markup</b>" not in page
        assert "javascript:alert(1)" in running.get("/resource/kosovo").text  # shown as text, for what it is
