"""publish/reconciliation.py: the Entity Reconciliation service itself, without HTTP: each query of a
batch checked with a message naming its key, properties that agree or contradict a candidate, the
values data extension writes, suggestions paged, and the helpers the routes use. The service
through HTTP, held to the specification's shapes, is tests/web/routes/test_reconcile.py's."""

from __future__ import annotations

import pytest

from kosovo_kg.errors import RequestError
from kosovo_kg.namespaces import KKG, KKR
from kosovo_kg.publish.reconciliation import BATCH_SIZE, PROPERTIES, Reconciliation, id_to_name, parse_json


@pytest.fixture(scope="module")
def service(kg):
    return Reconciliation(kg)


def top(service, query: dict) -> dict:
    return service.reconcile({"q0": query})["q0"]["result"][0]


def test_a_year_the_entitys_dates_cover_agrees_and_one_they_do_not_caps_the_score(service):
    agreeing = top(service, {"query": "Kosovo War", "properties": [{"pid": "year", "v": "1998"}]})
    assert agreeing["id"] == KKR + "kosovo-war" and {"id": "year", "value": True} in agreeing["features"]
    contradicted = top(service, {"query": "Kosovo War", "properties": [{"pid": "year", "v": 2015}]})
    assert {"id": "year", "value": False} in contradicted["features"]
    assert contradicted["score"] <= 50 and contradicted["match"] is False


def test_a_property_the_service_does_not_compare_is_left_out_of_the_features(service):
    candidate = top(service, {"query": "Vjosa Osmani", "properties": [{"pid": "colour", "v": "red"}]})
    assert [feature["id"] for feature in candidate["features"]] == ["name"]
    assert candidate["match"] is True


def test_a_type_narrows_the_candidates_and_a_limit_cuts_them(service):
    answer = service.reconcile({"q0": {"query": "Kosovo", "type": ["State"], "limit": 2}, "q1": {"query": "Kosovo"}})
    assert 1 <= len(answer["q0"]["result"]) <= 2
    assert all(
        c["type"] == [{"id": KKG + "State", "name": "state"}] or KKG in c["type"][0]["id"]
        for c in answer["q0"]["result"]
    )
    assert len(answer["q1"]["result"]) <= 5  # the default limit
    scores = [c["score"] for c in answer["q1"]["result"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"query": "a", "type": 7}, "query 'q0': type must be a class (its IRI or local name, such as State) or a list of them"),
        ({"query": "a", "type": [""]}, "query 'q0': type must be a class"),
        ({"query": "a", "limit": True}, "query 'q0': limit must be a whole number from 1 to 100"),
        ({"query": "a", "limit": 101}, "query 'q0': limit must be a whole number from 1 to 100"),
        ({"query": "a", "type_strict": "never"}, "query 'q0': type_strict must be any, should or all"),
        ({"query": "a", "properties": {"pid": "wikidata"}}, "query 'q0': properties must be a list of"),
        ({"query": "a", "properties": [{"pid": "wikidata"}]}, 'query \'q0\': each property must be {"pid": "...", "v": value}'),
        ({"query": "a", "properties": [{"pid": "year", "v": [True]}]}, "query 'q0': property 'year': a value must be a string, a number or"),
        ({"query": 5}, "query 'q0': query must be a string"),
        ({"type": "State"}, "query 'q0': give the name to look for as query (or a wikidata property)"),
    ],
)  # fmt: skip
def test_a_query_that_cannot_be_answered_is_refused_naming_its_key(service, query, message):
    with pytest.raises(RequestError) as caught:
        service.reconcile({"q0": query})
    assert caught.value.http_status == 400 and str(caught.value).startswith(message)


def test_a_batch_must_be_an_object_of_at_most_the_batch_size(service):
    with pytest.raises(RequestError, match="queries must be a JSON object of queries"):
        service.reconcile([{"query": "Kosovo"}])
    with pytest.raises(RequestError) as caught:
        service.reconcile({f"q{n}": {"query": "a"} for n in range(BATCH_SIZE + 1)})
    assert caught.value.http_status == 413
    assert service.reconcile({}) == {}


def test_the_values_data_extension_writes(service):
    greece = KKR + "greece"
    assert service.values(greece, "type") == [{"str": "state"}]
    assert service.values(greece, "wikidata") == [{"str": "Q41"}]
    # at the precision the source gives
    assert service.values(KKR + "kosovo-war", "start") == [{"str": "1998"}]
    assert service.values(KKR + "kosovo-war", "end") == [{"str": "1999-06"}]
    sources = service.values(greece, "source")
    assert sources and all(s["id"].startswith(KKR) and s["name"] for s in sources)
    assert [s["id"] for s in sources] == sorted(s["id"] for s in sources)
    assert service.values(greece, "name-sr-Latn") == [{"str": "Grčka"}]
    assert service.values(KKR + "no-such-thing", "wikidata") == []
    assert service.values(greece, "start") == []  # a state has no dates of its own


def test_extension_takes_known_properties_and_string_ids(service):
    answer = service.extend({"ids": [KKR + "greece"], "properties": [{"id": "wikidata"}, {"id": "type"}]})
    assert answer == {
        "meta": [{"id": "wikidata", "name": "Wikidata identifier"}, {"id": "type", "name": "Type"}],
        "rows": {KKR + "greece": {"wikidata": [{"str": "Q41"}], "type": [{"str": "state"}]}},
    }
    with pytest.raises(RequestError, match="every id of extend must be a string"):
        service.extend({"ids": [7], "properties": []})
    with pytest.raises(RequestError) as caught:
        service.extend({"ids": ["x"] * (10 * BATCH_SIZE + 1), "properties": []})
    assert caught.value.http_status == 413


def test_suggestions_are_paged_by_the_cursor(service):
    first = service.suggest_entities("Kos")["result"]
    second = service.suggest_entities("Kos", cursor=1)["result"]
    assert len(first) == 10 and second[:9] == first[1:]
    assert all(s["id"].startswith(KKR) for s in first)
    assert service.suggest_properties("")["result"] == [
        {"id": pid, "name": name, "description": description} for pid, (name, description) in PROPERTIES.items()
    ]
    assert [t["id"] for t in service.suggest_types("Stat")["result"]][:1] == [KKG + "State"]
    with pytest.raises(RequestError, match="prefix must be a string"):
        service.suggest_entities(None)  # type: ignore[arg-type]


def test_properties_are_proposed_up_to_the_limit(service):
    assert service.propose_properties(KKG + "State", 2) == {
        "properties": [
            {"id": "wikidata", "name": "Wikidata identifier", "description": PROPERTIES["wikidata"][1]},
            {"id": "grade", "name": "Wikidata link evidence", "description": PROPERTIES["grade"][1]},
        ],
        "type": KKG + "State",
        "limit": 2,
    }
    assert len(service.propose_properties(None, None)["properties"]) == len(PROPERTIES)


def test_a_preview_is_only_of_an_entity_with_a_page(service):
    assert service.preview(KKR + "greece") == {
        "iri": KKR + "greece",
        "name": "greece",
        "label": "Greece",
        "type": "state",
        "description": service.index.entity(KKR + "greece").description,
        "wikidata": "Q41",
    }
    assert service.preview(KKG + "State") is None and service.preview(KKR + "no-such-thing") is None


def test_a_type_is_named_by_its_label_or_its_local_name(service):
    assert service.type_entry("State") == {"id": KKG + "State", "name": "state"}
    assert service.type_entry(KKG + "NoSuchClass") == {"id": KKG + "NoSuchClass", "name": "NoSuchClass"}


@pytest.mark.parametrize(
    ("iri", "name"),
    [(KKR + "greece", "greece"), (KKR + "a.b~c", "a.b~c"), (KKR + "", None), (KKR + "a b", None), (KKG + "State", None), ("javascript:alert(1)", None)],
)  # fmt: skip
def test_only_an_entity_iri_has_a_resource_name(iri, name):
    assert id_to_name(iri) == name


def test_json_that_cannot_be_read_is_a_400_saying_why():
    assert parse_json(b'{"q0": {"query": "Kosova"}}', "queries") == {"q0": {"query": "Kosova"}}
    with pytest.raises(RequestError, match=r"^queries is not JSON: Expecting"):
        parse_json("{", "queries")
    with pytest.raises(RequestError, match=r"^extend is not JSON: nested too deeply$"):
        parse_json("[" * 100_000 + "]" * 100_000, "extend")
