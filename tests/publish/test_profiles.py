"""publish/profiles.py: what an entity's profile is made of: the panels of its kind, its triples as a
reader reads them (what the graph derived left out, blank nodes inline), what points at it, its names
in other languages, its key dates, its Wikidata link or the reason it has none, its timeline. The
profiles as pages are tests/publish/test_pages.py's; through serve, tests/web/routes/test_resources.py's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kosovo_kg.namespaces import KKG, KKR, RDFS_LABEL, SKOS
from kosovo_kg.publish.answers import Reader, answer_table
from kosovo_kg.publish.links import Links
from kosovo_kg.publish.lookup import Lookup
from kosovo_kg.publish.pages import describe
from kosovo_kg.publish.profiles import (
    Nested,
    english_names,
    is_fact,
    key_dates,
    language_name,
    names_in_languages,
    panels_for,
    readable_statements,
    referring,
    resource_name,
    same_as_elsewhere,
    timeline,
    wikidata_of,
)
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import execute


@pytest.fixture(scope="module")
def lookup(kg):
    return Lookup(kg)


def outgoing(kg, name: str) -> list[ox.Triple]:
    found = describe(kg, KKR + name)
    assert found is not None
    return found[0]


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("greece", ["state-profile", "statements-from-state", "memberships-of"]),
        ("aleksandar-vucic", ["offices-of", "statements-by-person"]),
        ("kfor", ["troop-strength", "deployments-of", "members-of", "memberships-of", "statements-by-person"]),
        ("ref-01", ["facts-citing"]),
        ("kosovo-war", ["event-participants", "causes-and-outcomes-of"]),
    ],
)
def test_each_kind_of_node_has_its_panels_each_once(lookup, name, queries):
    assert [spec.query for spec in panels_for(lookup, KKR + name)] == queries


def test_a_fact_is_a_fact_unless_it_is_a_source(lookup):
    assert is_fact(lookup, KKR + "recognition-greece-kosovo") and not is_fact(lookup, KKR + "greece")
    assert not is_fact(lookup, KKR + "ref-01")


def test_a_nodes_triples_leave_out_what_the_graph_derived_and_show_blank_nodes_inline(kg, lookup):
    statements = readable_statements(outgoing(kg, "greece"), lookup, Reader(lookup, Links()), kg.store)
    by_name = {s.property: s.values for s in statements}
    assert [v.text for v in by_name["is a"]] == ["state"]  # not its superclasses
    assert list(by_name)[:2] == ["is a", "name"]
    assert not any("earliest" in name.lower() or "latest" in name.lower() for name in by_name)
    assert any(isinstance(v, Nested) for values in by_name.values() for v in values)  # the Wikidata evidence


def test_what_points_at_a_node_by_property(kg, lookup):
    found = describe(kg, KKR + "greece")
    assert found is not None
    statements = {s.property: [v.text for v in s.values] for s in referring(found[1], lookup, Reader(lookup, Links()))}
    assert any("Greece does not recognize Kosovo" in texts for texts in statements.values())
    assert all(texts == sorted(texts) for texts in statements.values())


def test_names_in_other_languages_and_the_english_names_beside_the_title():
    node, sq = ox.NamedNode(KKR + "kfor"), "sq"
    triples = [
        ox.Triple(node, ox.NamedNode(RDFS_LABEL), ox.Literal("Kosovo Force", language="en")),
        ox.Triple(node, ox.NamedNode(SKOS + "altLabel"), ox.Literal("KFOR", language="en")),
        ox.Triple(node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Forca e Kosovës", language=sq)),
        ox.Triple(node, ox.NamedNode(SKOS + "altLabel"), ox.Literal("Кфор", language="sr-latn")),
        ox.Triple(node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Kosovo Force", language="en-gb")),
    ]
    assert names_in_languages(triples) == [
        ("sq", "Albanian", "name", "Forca e Kosovës"),
        ("sr-Latn", "Serbian (Latin)", "also called", "Кфор"),
    ]
    assert english_names(triples, "Kosovo Force") == ["KFOR"]


@pytest.mark.parametrize(
    ("tag", "name"),
    [("sq", "Albanian"), ("sr-Latn", "Serbian (Latin)"), ("el", "Greek"), ("xx-nonsense", "xx-nonsense")],
)
def test_a_language_is_named_in_english(tag, name):
    assert language_name(tag) == name


def test_key_dates_in_the_order_a_summary_gives_them(kg):
    assert key_dates(outgoing(kg, "kosovo-war")) == [("from", "1998"), ("until", "1999-06")]
    assert key_dates(outgoing(kg, "greece")) == []


def test_a_wikidata_link_with_its_grade_or_the_reason_there_is_none(kg, lookup):
    assert wikidata_of(lookup, KKR + "greece", outgoing(kg, "greece")) == ("Q41", "strong", None)
    qid, grade, reason = wikidata_of(lookup, KKR + "sapk", outgoing(kg, "sapk"))
    assert (qid, grade) == (None, "") and reason is not None and reason.startswith("Not linked")
    assert "http://www.wikidata.org/entity/Q41" in same_as_elsewhere(outgoing(kg, "greece"))


def test_a_timeline_has_one_entry_per_fact_up_to_its_length(kg, lookup):
    table = answer_table(execute(get_stored_query("facts-about"), {"entity": "kosovo"}, kg=kg), lookup, Links())
    entries, count = timeline(table)
    assert count == 53 and len(entries) == 40  # the profile lists 40; the question page has them all
    assert len({e.fact.node for e in entries}) == len(entries)
    assert all(e.sources and e.date for e in entries)
    assert timeline(table, limit=1) == (entries[:1], count)


def test_a_resources_name_is_its_iris_local_part():
    assert resource_name(KKR + "greece") == "greece" and resource_name(KKG + "State") == KKG + "State"
