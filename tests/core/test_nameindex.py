"""The name index: every entity found by its names in any language, script or spelling.

``tests/fixtures/names.csv`` holds the cases: a query, the resource it must find first (empty:
nothing in the graph is meant, so nothing may be found), and what kind of case it is.
"""

from __future__ import annotations

import csv

import pytest
from conftest import TESTS

from kosovo_kg.core.folding import fold, initials
from kosovo_kg.core.nameindex import (
    ALTERNATIVE,
    FUZZY_HIGH,
    IDENTIFIER,
    INITIALS,
    LABEL,
    NameIndex,
)
from kosovo_kg.namespaces import KKR

CASES = list(csv.DictReader((TESTS / "fixtures" / "names.csv").open(encoding="utf-8")))


@pytest.fixture(scope="module")
def index(kg) -> NameIndex:
    return kg.name_index


def first(index: NameIndex, query: str) -> str:
    found = index.search(query, limit=1)
    return found[0].iri.removeprefix(KKR) if found else ""


def test_the_case_list_covers_every_class_of_name():
    kinds = {case["kind of case"].split(":")[0] for case in CASES}
    assert {"state", "person", "organization", "office", "event", "not in the graph"} <= kinds
    assert len(CASES) >= 60
    described = " ".join(case["kind of case"] for case in CASES)
    for needed in ("Cyrillic", "Greek", "without diacritics", "typo", "reordered", "abbreviation", "German"):
        assert needed in described


def test_top_1_accuracy_is_at_least_95_percent(index):
    misses = [
        (c["query"], c["expected"], first(index, c["query"]))
        for c in CASES
        if first(index, c["query"]) != c["expected"]
    ]
    accuracy = 1 - len(misses) / len(CASES)
    assert accuracy >= 0.95, misses


@pytest.mark.parametrize("query", [c["query"] for c in CASES if not c["expected"]])
def test_a_name_not_in_the_graph_finds_nothing(index, query):
    assert index.search(query) == []


def test_scores_follow_the_tiers(index):
    assert index.search("kosovo", limit=1)[0].score == LABEL
    assert index.search("Q1246", limit=1)[0].score == IDENTIFIER  # Kosovo's Wikidata identifier
    assert index.search("kfor", limit=1)[0].score == LABEL  # the resource name
    assert index.search("KFOR", limit=1)[0].score in (LABEL, ALTERNATIVE)
    assert index.search("FRY", limit=1)[0].score == INITIALS
    assert index.search("Vucik", limit=1)[0].score <= FUZZY_HIGH
    scores = [m.score for m in index.search("kosovo", limit=20)]
    assert scores == sorted(scores, reverse=True)


def test_a_match_says_which_name_matched_and_in_which_language(index):
    greece = index.search("Ελλάδα", limit=1)[0]
    assert (greece.label, greece.matched, greece.language, greece.type) == ("Greece", "Ελλάδα", "el", "state")
    assert greece.to_json() == {
        "iri": KKR + "greece",
        "label": "Greece",
        "type": "state",
        "score": 100,
        "matched": "Ελλάδα",
        "language": "el",
    }


def test_equal_scores_put_the_more_central_kind_first(index):
    """ "Vučić" is the person, a statement and a source alike: the person comes first."""
    found = index.search("Vucic", limit=3)
    assert found[0].type == "person"
    assert found[0].score >= found[1].score


def test_a_type_keeps_only_its_entities_and_their_subclasses(index):
    assert {m.type for m in index.search("Kosovo", type="State")} <= {"state", "state with limited recognition"}
    assert index.search("KFOR", type="Organization", limit=1)[0].iri == KKR + "kfor"  # a peacekeeping force
    assert index.search("KFOR", type="Person") == []
    full = "https://w3id.org/kosovo-kg/ontology#State"
    assert index.search("Greqia", type=full, limit=1)[0].iri == KKR + "greece"


def test_resolve_names_one_entity_only_when_unambiguous(index):
    match, candidates = index.resolve("Вучић")
    # the start of the person's name, of a statement's and of a source's: the one agent among them
    assert match is not None and match.iri == KKR + "aleksandar-vucic"
    assert len(candidates) >= 3
    match, _ = index.resolve("President")  # the start of several offices' names
    assert match is None
    match, _ = index.resolve("Александар Вучић")
    assert match is not None and match.iri == KKR + "aleksandar-vucic"
    match, candidates = index.resolve("Yugoslavia")  # the altLabel of both Yugoslavias
    assert match is None
    assert {KKR + "fr-yugoslavia", KKR + "sfr-yugoslavia"} <= {m.iri for m in candidates}
    match, candidates = index.resolve("Angela Merkel")
    assert match is None and candidates == []


def test_the_controlled_terms_are_found_by_their_labels(index):
    match, _ = index.resolve("opposes")
    assert match is not None and match.iri == "https://w3id.org/kosovo-kg/ontology#Opposes"


def test_folding():
    assert fold("Вучић") == fold("Vučić") == fold("VUCIC") == "vucic"
    assert fold("Ελλάδα") == "ellada"
    assert fold("  Kosovë,  Kosova! ") == "kosove kosova"
    assert fold("") == ""


def test_initials():
    assert initials("Socialist Federal Republic of Yugoslavia") == "SFRY"
    assert initials("NATO Parliamentary Assembly") == "NATOPA"
    assert initials("Kosovo") is None
    assert initials("Ethnic cleansing of Kosovo Albanians by Yugoslav forces") is None  # a sentence


def test_an_empty_or_blank_query_finds_nothing(index):
    assert index.search("") == index.search("   ") == index.search("!!!") == []


def test_the_export_holds_every_entity_and_name(index):
    exported = index.export()
    assert len(exported["entities"]) == len(index.entities)
    assert sum(len(e["names"]) for e in exported["entities"]) == len(index.names)
    greece = next(e for e in exported["entities"] if e["iri"] == KKR + "greece")
    assert ["Ελλάδα", "el", 1, "ellada"] in greece["names"]
