"""web/routes/sparql.py: /sparql through Starlette's TestClient (in process, no socket): the SPARQL
1.1 Protocol's ways of sending a query, content negotiation for every format, the service
description; /update and /store refused. The refusals of requests that cannot be taken, route by
route, are tests/web/test_app.py's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import FOUR, NON_RECOGNIZING, labels_in, serve_client, sparql_path

from kosovo_kg.web.state import SCREEN_INLINE

CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kkg:MilitaryAlliance ; rdfs:label ?l . FILTER(LANG(?l) IN ('', 'en')) }"


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


@pytest.mark.parametrize(
    "media",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
@pytest.mark.parametrize("how", ["GET", "POST form", "POST direct"])
def test_select_in_every_results_format_and_every_way_of_sending(client, media, how):
    headers = {"Accept": media}
    if how == "GET":
        response = client.get(sparql_path(NON_RECOGNIZING), headers=headers)
    elif how == "POST form":
        response = client.post("/sparql", data={"query": NON_RECOGNIZING}, headers=headers)
    else:
        response = client.post(
            "/sparql", content=NON_RECOGNIZING.encode(), headers={**headers, "Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "Accept" in response.headers["vary"]
    assert labels_in(response.content, media) == FOUR


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        (None, ox.RdfFormat.TURTLE),
        ("application/json", ox.RdfFormat.JSON_LD),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_and_describe_are_negotiated(client, accept, media):
    headers = {"Accept": accept} if accept else {}
    response = client.get(sparql_path(CONSTRUCT), headers=headers)
    assert response.status_code == 200
    objects = [t.object.value for t in (q.triple for q in ox.parse(response.content, media))]
    assert objects == ["North Atlantic Treaty Organization"]
    described = client.get(sparql_path("DESCRIBE kkr:nato"), headers=headers)
    assert described.status_code == 200
    assert len(list(ox.parse(described.content, media))) >= 3


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/tab-separated-values, text/csv;q=0.9", "text/tab-separated-values"),
    ],
)
def test_accept_quality_values_are_followed(client, accept, expected):
    response = client.get(sparql_path("ASK { kkr:spain ?p ?o }"), headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == expected
    assert b"true" in response.content


def test_a_format_nobody_offers_is_406_with_the_choices(client):
    response = client.get(sparql_path(NON_RECOGNIZING), headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["error"]


def test_service_description_is_rdf_and_negotiated(client):
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    graph = {
        (t.predicate.value, t.object.value)
        for t in (q.triple for q in ox.parse(response.content, ox.RdfFormat.JSON_LD))
    }
    sd = "http://www.w3.org/ns/sparql-service-description#"
    # the public base URL (here the listening address), never the client's Host ("testserver")
    assert (sd + "endpoint", "http://127.0.0.1:8000/sparql") in graph
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in graph
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_CSV") in graph
    assert (sd + "feature", sd + "BasicFederatedQuery") not in graph
    turtle = client.get("/sparql").text
    assert "sd:Service" in turtle and "@prefix sd:" in turtle


def test_ask_answers_a_boolean_in_the_results_format(client):
    response = client.get(
        sparql_path("ASK { kkr:spain rdfs:label ?label }"), headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200 and response.json() == {"head": {}, "boolean": True}
    assert client.get(sparql_path("ASK { kkr:nowhere ?p ?o }"), headers={"Accept": "text/csv"}).text.strip() == "false"


def test_a_long_query_is_screened_aside_and_answered_alike(client):
    long = NON_RECOGNIZING + "\n#" + "x" * SCREEN_INLINE
    response = client.post(
        "/sparql", content=long.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"}
    )
    assert response.status_code == 200 and labels_in(response.content, "text/csv") == FOUR


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/update", "/store"])
def test_update_and_the_graph_store_protocol_are_refused_by_every_method(client, path, method):
    response = client.request(method, path, content=b"<urn:x:a> <urn:x:b> <urn:x:c> .")
    assert response.status_code == 403
    assert response.json() == {
        "error": "the graph is read-only: SPARQL Update and the Graph Store protocol are refused",
        "status": 403,
    }


def test_a_server_that_allows_federation_says_so_in_its_description(kg):
    with serve_client(kg, timeout=3, allow_federation=True) as federating:
        turtle = federating.get("/sparql", headers={"Accept": "application/n-triples"}).text
    assert "<http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery>" in turtle
