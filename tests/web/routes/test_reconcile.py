"""/reconcile: the W3C Entity Reconciliation API 0.2, every answer held to the specification's shapes
(tests/reconciliation_spec.py) and to what OpenRefine 3.x sends and reads."""

from __future__ import annotations

import json

import pytest
from conftest import serve_client
from reconciliation_spec import (
    candidate_problems,
    extend_problems,
    manifest_problems,
    query_result_problems,
    suggest_problems,
)

from kosovo_kg.namespaces import KKG, KKR
from kosovo_kg.publish.reconciliation import BATCH_SIZE, PROPERTIES


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg) as running:
        yield running


def test_the_checks_reject_what_the_specification_forbids():
    """The checks themselves: answers the schemas reject are rejected."""
    assert manifest_problems({"versions": ["0.2"], "name": "x", "schemaSpace": "y"})  # no identifierSpace
    assert query_result_problems({"q0": {}}, {"q0": {"result": [{"name": "x", "score": 1}]}})  # no id
    assert query_result_problems({"q0": {}}, {"q0": {}})  # no result
    assert query_result_problems({"q0": {}}, [{"result": []}])  # not an object
    assert candidate_problems({"id": "a", "name": "b", "score": 1, "match": "yes"})
    assert extend_problems(
        {"ids": ["a"], "properties": [{"id": "p"}]},
        {"meta": [{"id": "p", "name": "P"}], "rows": {"a": {"p": [{"date": "2008-02-17"}]}}},
    )


def test_the_manifest(client):
    manifest = client.get("/reconcile").json()
    assert manifest_problems(manifest) == []
    assert manifest["identifierSpace"] == KKR and manifest["schemaSpace"] == KKG
    assert {t["id"] for t in manifest["defaultTypes"]} >= {KKG + "State", KKG + "Person", KKG + "Organization"}
    assert manifest["batchSize"] == BATCH_SIZE
    assert manifest["preview"]["url"].endswith("/reconcile/preview?id={{id}}")


def batch_as_openrefine_sends_it(client, batch: dict) -> dict:
    """OpenRefine posts the batch as the form field queries (StandardReconConfig)."""
    answer = client.post("/reconcile", data={"queries": json.dumps(batch)}, headers={"Origin": "http://localhost:3333"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == "*"  # the specification's MUST
    return answer.json()


def test_a_batch_as_openrefine_sends_it(client):
    batch = {
        "q0": {"query": "Vjosa Osmani", "type": KKG + "Person", "type_strict": "should"},
        "q1": {"query": "Ελλάδα", "type": "State", "type_strict": "should"},
        "q2": {"query": "Greqia"},
        "q3": {"query": "Angela Merkel"},
        "q4": {"query": "KFOR", "limit": 3},
        "q5": {"query": "Yugoslavia"},
    }
    answer = batch_as_openrefine_sends_it(client, batch)
    assert query_result_problems(batch, answer) == []
    top = {key: value["result"][0] if value["result"] else None for key, value in answer.items()}
    assert top["q0"]["id"] == KKR + "vjosa-osmani" and top["q0"]["match"] is True
    assert top["q0"]["type"] == [{"id": KKG + "Person", "name": "person"}]
    assert top["q1"]["id"] == KKR + "greece" and top["q1"]["match"] is True
    assert top["q2"]["id"] == KKR + "greece" and top["q2"]["match"] is False  # a near name is no sure match
    assert top["q3"] is None  # not in the graph: no candidate, so nothing can be matched
    assert top["q4"]["id"] == KKR + "kfor" and len(answer["q4"]["result"]) <= 3
    assert not any(c["match"] for c in answer["q5"]["result"])  # two Yugoslavias: no automatic match


def test_the_same_batch_by_get(client):
    batch = {"q0": {"query": "Kosova"}}
    answer = client.get("/reconcile", params={"queries": json.dumps(batch)}).json()
    assert answer["q0"]["result"][0]["id"] == KKR + "kosovo"


def test_a_wikidata_column_decides(client):
    batch = {
        "q0": {"query": "Kosovo", "properties": [{"pid": "wikidata", "v": "Q1246"}]},
        "q1": {"query": "Kosovo", "properties": [{"pid": "wikidata", "v": "Q41"}]},  # Greece's identifier
        "q2": {"properties": [{"pid": "wikidata", "v": "Q41"}]},  # the identifier alone
    }
    answer = batch_as_openrefine_sends_it(client, batch)
    assert query_result_problems(batch, answer) == []
    assert answer["q0"]["result"][0]["match"] is True
    assert {"id": "wikidata", "value": True} in answer["q0"]["result"][0]["features"]
    assert not any(c["match"] for c in answer["q1"]["result"])  # the column contradicts the name
    assert answer["q2"]["result"][0]["id"] == KKR + "greece"


def test_no_name_that_is_not_in_the_graph_is_matched(client):
    names = ["Angela Merkel", "Brazil", "Warsaw Pact", "Serb", "President", "Kosovo Albanian Party", "xyzzy"]
    batch = {f"q{i}": {"query": name} for i, name in enumerate(names)}
    answer = batch_as_openrefine_sends_it(client, batch)
    assert [key for key, value in answer.items() if any(c["match"] for c in value["result"])] == []


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"queries": "{"}, 400, "queries is not JSON"),
        ({"queries": "[1, 2]"}, 400, "must be a JSON object"),
        ({"queries": json.dumps({"q0": "Kosovo"})}, 400, "query 'q0': each query must be a JSON object"),
        ({"queries": json.dumps({"q0": {"query": ""}})}, 400, "give the name to look for"),
        ({"queries": json.dumps({"q0": {"query": "x" * 10_000}})}, 400, "at most 500"),
        ({"queries": json.dumps({"q0": {"query": "a\u0007b"}})}, 400, "control characters"),
        ({"queries": json.dumps({"q0": {"query": "a", "limit": 0}})}, 400, "limit must be"),
        ({"queries": json.dumps({"q0": {"query": "a", "colour": "red"}})}, 400, "unknown field 'colour'"),
        ({"queries": json.dumps({f"q{i}": {"query": "a"} for i in range(10_000)})}, 413, f"at most {BATCH_SIZE}"),
        ({"queries": "[" * 100_000}, 400, "not JSON"),
        ({"extend": "{}"}, 400, "extend must be"),
        ({"extend": json.dumps({"ids": [], "properties": [{"id": "colour"}]})}, 400, "unknown property 'colour'"),
        ({"queries": "{}", "extend": "{}"}, 400, "either queries or extend"),
    ],
)
def test_bad_requests_are_4xx_with_a_message(client, form, status, message):
    answer = client.post("/reconcile", data=form)
    assert answer.status_code == status, answer.text
    assert message in answer.json()["error"]


def test_a_body_that_is_not_a_form_is_refused(client):
    answer = client.post("/reconcile", content=b'{"q0": {}}', headers={"content-type": "application/json"})
    assert answer.status_code == 415


def test_suggest(client):
    entities = client.get("/reconcile/suggest/entity", params={"prefix": "Kos"}).json()
    assert suggest_problems(entities, "entity") == []
    assert entities["result"][0]["id"] == KKR + "kosovo"
    types = client.get("/reconcile/suggest/type", params={"prefix": "sta"}).json()
    assert suggest_problems(types, "type") == [] and KKG + "State" in {t["id"] for t in types["result"]}
    properties = client.get("/reconcile/suggest/property", params={"prefix": "wiki"}).json()
    assert suggest_problems(properties, "property") == [] and properties["result"][0]["id"] == "wikidata"
    assert client.get("/reconcile/suggest/entity").status_code == 400  # no prefix
    assert client.get("/reconcile/suggest/entity", params={"prefix": "Kos", "cursor": "x"}).status_code == 400


def test_data_extension(client):
    proposal = client.get("/reconcile/properties", params={"type": KKG + "State"}).json()
    assert proposal["type"] == KKG + "State" and {p["id"] for p in proposal["properties"]} == set(PROPERTIES)
    request = {
        "ids": [KKR + "greece", KKR + "vjosa-osmani", KKR + "no-such-thing"],
        "properties": [{"id": "wikidata"}, {"id": "grade"}, {"id": "name-sq"}, {"id": "name-sr"}],
    }
    answer = client.post("/reconcile", data={"extend": json.dumps(request)}).json()
    assert extend_problems(request, answer) == []
    greece = answer["rows"][KKR + "greece"]
    assert greece["wikidata"] == [{"str": "Q41"}] and greece["grade"] == [{"str": "strong"}]
    assert greece["name-sq"] == [{"str": "Greqi"}] and greece["name-sr"] == [{"str": "Грчка"}]
    assert answer["rows"][KKR + "no-such-thing"] == {"wikidata": [], "grade": [], "name-sq": [], "name-sr": []}


def test_preview_and_view(client):
    preview = client.get("/reconcile/preview", params={"id": KKR + "kfor"})
    assert preview.status_code == 200 and "Kosovo Force" in preview.text and "peacekeeping force" in preview.text
    view = client.get("/reconcile/view", params={"id": KKR + "kfor"}, follow_redirects=False)
    assert view.status_code == 303 and view.headers["location"] == "/resource/kfor"
    assert client.get("/reconcile/preview", params={"id": "javascript:alert(1)"}).status_code == 404
    assert client.get("/reconcile/preview", params={"id": KKR + "no-such-thing"}).status_code == 404
    for route in ("/reconcile/preview", "/reconcile/view"):  # regression: no id at all was a 404
        missing = client.get(route, follow_redirects=False)
        assert missing.status_code == 400 and "give the entity's id" in missing.text
