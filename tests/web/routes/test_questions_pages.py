"""web/routes/questions_pages.py: a page per stored question through Starlette's TestClient: its
parameter choosers, the answer, downloads that are the command line's own bytes, a citation; a bad
parameter told beside the form to a browser and in JSON to a program; a question the server cannot run."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import invoke, serve_client

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=5) as running:
        yield running


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
