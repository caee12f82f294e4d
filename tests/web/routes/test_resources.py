"""web/routes/resources.py: Linked Data through Starlette's TestClient: /resource/NAME as an HTML page
or RDF by content negotiation (or ?format=), in every language the graph has; a name that is not
one is a client error; the dataset's VoID at /.well-known/void; the ontology at /ontology."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import serve_client

from kosovo_kg.core.paths import ontology_file
from kosovo_kg.publish.release.void import counts


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


def test_void_describes_the_dataset(client, kg):
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    void = "http://rdfs.org/ns/void#"
    triples = [q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)]
    found = {t.predicate.value.removeprefix(void): t.object.value for t in triples}
    # the public base URL (here the listening address), never the client's Host ("testserver")
    assert found["sparqlEndpoint"] == "http://127.0.0.1:8000/sparql"
    assert found["uriSpace"] == "https://w3id.org/kosovo-kg/resource/"
    assert int(found["triples"]) == len(kg.triples)
    assert int(found["entities"]) > 300 and int(found["classes"]) > 10


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("text/turtle", None, ox.RdfFormat.TURTLE),
        ("application/ld+json", None, ox.RdfFormat.JSON_LD),
        ("application/n-triples", None, ox.RdfFormat.N_TRIPLES),
        (None, "turtle", ox.RdfFormat.TURTLE),
        (None, "jsonld", ox.RdfFormat.JSON_LD),
        (None, "nt", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_resource_dereferences_as_rdf(client, accept, fmt, media):
    response = client.get(
        "/resource/kosovo" + (f"?format={fmt}" if fmt else ""), headers={"Accept": accept} if accept else {}
    )
    assert response.status_code == 200
    triples = [q.triple for q in ox.parse(response.content, media)]
    kosovo = ox.NamedNode("https://w3id.org/kosovo-kg/resource/kosovo")
    assert any(
        t.subject == kosovo and t.object == ox.NamedNode("http://www.wikidata.org/entity/Q1246") for t in triples
    )
    assert any(t.object == kosovo for t in triples)  # and what points at it


def test_resource_is_html_for_a_browser(client):
    response = client.get("/resource/kosovo", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Kosovo</h1>" in response.text and 'href="https://www.wikidata.org/wiki/Q1246"' in response.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/resource/a%20b", 400),
        ("/resource/%3Cscript%3E", 400),
        ("/resource/kosovo%3E%20%3Fp%20%3Fo", 400),
        ("/resource/..%2F..%2Fetc%2Fpasswd", 400),
        ("/resource/", 400),
        ("/resource/a%00b", 400),
        ("/resource/%C3%A9", 400),
        ("/resource/kosovo?format=pdf", 400),
        ("/resource/nowhere", 404),
        ("/resource/Kosovo", 404),
    ],
)
def test_a_bad_or_unknown_resource_name_is_a_client_error(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["status"] == status


@pytest.fixture(scope="module")
def multilingual(multilingual_kg):
    """serve over the graph plus labels in Albanian and Serbian, the way the data will carry them."""
    with serve_client(multilingual_kg, timeout=3) as running:
        yield running


def test_entity_page_shows_labels_in_every_language_of_the_graph(multilingual):
    page = multilingual.get("/resource/kosovo").text
    assert "<h1>Kosovo</h1>" in page  # the English label names the page
    names = page.split('<ul class="names">')[1].split("</ul>")[0]
    for text in ("Kosova", "Republika e Kosovës", "Косово", "Albanian", "Serbian (Cyrillic)", "Serbian (Latin)"):
        assert text in names, text
    assert '<span lang="sr">Косово</span>' in names and '<span lang="sr-Latn">Kosovo</span>' in names
    assert multilingual.post("/api/labels", json=["https://w3id.org/kosovo-kg/resource/kosovo"]).json() == {
        "https://w3id.org/kosovo-kg/resource/kosovo": "Kosovo"
    }


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("html", "text/html"), ("ttl", "text/turtle"), ("xml", "application/rdf+xml"), ("jsonld", "application/ld+json")],
)
def test_the_format_parameter_wins_over_the_accept_header(client, fmt, media):
    response = client.get(f"/resource/spain?format={fmt}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    assert "Accept" in response.headers["vary"]


def test_an_unknown_format_names_the_formats_there_are(client):
    response = client.get("/resource/spain?format=pdf")
    assert response.status_code == 400
    assert response.json()["error"] == "format must be one of html, turtle, ttl, jsonld, nt, xml, not 'pdf'"
    assert client.get("/resource/nowhere").json()["error"] == "no resource kkr:nowhere in the graph"


def test_voids_counts_are_the_graphs(client, kg):
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    void = "http://rdfs.org/ns/void#"
    found = {
        t.predicate.value.removeprefix(void): int(t.object.value)
        for t in (q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES))
        if t.predicate.value.removeprefix(void) in counts([])
    }
    assert found == counts(kg.triples)


def test_the_ontology_is_served_as_its_turtle_file(client):
    response = client.get("/ontology")
    assert response.status_code == 200 and response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.content == ontology_file().read_bytes()


def test_profiles_render_by_kind(client):
    serbia = client.get("/resource/serbia").text
    assert "What its leaders and bodies said" in serbia and "Vučić: Serbia will not agree" in serbia
    kfor = client.get("/resource/kfor").text
    assert "Strength over time" in kfor and "20,000" in kfor and "50,000 troops" in kfor
    vucic = client.get("/resource/aleksandar-vucic").text
    assert "Offices" in vucic and 'href="/resource/president-of-serbia">President of Serbia</a>' in vucic
