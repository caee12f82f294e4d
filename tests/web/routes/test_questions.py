"""web/routes/questions.py: the stored questions as an API through Starlette's TestClient: the
catalogue, each answer (JSON or CSV, as on the command line), the prepared text, the labels the
query UI asks for, and the OpenAPI description."""

from __future__ import annotations

import pytest
from conftest import LOCAL_QUERIES, serve_client

from kosovo_kg.querying.catalogue import catalogue
from kosovo_kg.web.openapi import describe_query, openapi_description

FOUR = ["Greece", "Romania", "Slovakia", "Spain"]


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


def test_stored_query_api_negotiates_json_and_csv(client):
    rows = client.get("/api/queries/non-recognizing-nato-members").json()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == FOUR
    csv = client.get("/api/queries/non-recognizing-nato-members", headers={"Accept": "text/csv"})
    assert (
        csv.headers["content-type"] == "text/csv; charset=utf-8" and csv.text.splitlines()[0] == "state,label,wikidata"
    )
    assert client.get("/api/queries/recognized-before?date=2008-02-19&format=csv").text.count("\n") == 6


def test_prepared_text_binds_parameters_as_terms(client):
    response = client.get("/api/queries/recognized-before", params={"date": "2008-02-19"})
    assert response.status_code == 200
    text = client.get("/api/queries/recognized-before/prepared", params={"date": "2008-02-19"}).json()["query"]
    assert 'VALUES (?_date_date) { ("2008-02-19"^^<http://www.w3.org/2001/XMLSchema#date>) }' in text
    bad = client.get("/api/queries/recognized-before/prepared", params={"date": "19/02/2008"})
    assert bad.status_code == 400 and "must be a date as YYYY-MM-DD" in bad.json()["error"]
    injected = client.get("/api/queries/statements-by-person/prepared", params={"speaker": "x> } ; DROP ALL #"})
    assert injected.status_code == 400


def test_labels_for_the_results_view(client):
    response = client.post("/api/labels", json=["https://w3id.org/kosovo-kg/resource/spain", "urn:x:unknown"])
    assert response.json() == {"https://w3id.org/kosovo-kg/resource/spain": "Spain", "urn:x:unknown": None}
    assert client.post("/api/labels", content=b"{nope").status_code == 400
    assert client.post("/api/labels", json={"a": 1}).status_code == 400


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_stored_question_answers_as_on_the_command_line(client, kg, name):
    """serve writes answers with pyoxigraph's serializer, the CLI with output.to_csv: the same rows."""
    from kosovo_kg.querying.pipeline import QueryOptions, evaluate, get_stored_query, prepare, render

    options = QueryOptions()
    expected = render(evaluate(prepare(get_stored_query(name), {}, options, kg), kg, options), "csv", kg)
    response = client.get(f"/api/queries/{name}?format=csv")
    assert response.status_code == 200
    assert response.text == expected


def test_the_catalogue_lists_every_question_as_described(client):
    response = client.get("/api/queries")
    assert response.status_code == 200
    assert response.json() == {"queries": [describe_query(query) for query in catalogue().values()]}


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/queries/nato-membrs", 404, "did you mean nato-members"),
        ("/api/queries/nato-membrs/prepared", 404, "did you mean nato-members"),
        ("/api/queries/other-memberships-of-kosovo", 403, "other-memberships-of-kosovo asks Wikidata's query service; the server was started without --allow-federation"),
        ("/api/queries/nato-members?format=xml", 400, "format must be json or csv, not 'xml'"),
        ("/api/queries/recognized-before?date=2008-02-19&date=2008-02-20", 400, "parameter 'date' given more than once"),
        ("/api/queries/nato-members?date=2008-02-19", 400, "nato-members takes no parameters"),
    ],
)  # fmt: skip
def test_a_question_that_cannot_be_answered_is_a_json_error(client, path, status, message):
    response = client.get(path)
    assert response.status_code == status and response.json()["status"] == status
    assert message in response.json()["error"]


def test_the_labels_asked_for_are_at_most_5000_strings(client):
    assert client.post("/api/labels", json=["x"] * 5001).status_code == 400
    refused = client.post("/api/labels", json=["https://w3id.org/kosovo-kg/resource/spain", 7])
    assert refused.status_code == 400 and refused.json()["error"] == "post a JSON list of at most 5000 IRIs (strings)"
    assert client.post("/api/labels", json=[]).json() == {}


def test_the_openapi_description_is_the_apis(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.json() == openapi_description()
