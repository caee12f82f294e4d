"""publish/profiles.py: what an entity's profile is made of: the panels of its kind, its triples as a
reader reads them (what the graph derived left out, blank nodes inline), what points at it, its names
in other languages, its key dates, its Wikidata link or the reason it has none, its timeline; and the
profiles as pages (no internal IRI above the folded triples, the panels of their kind, hostile
addresses never links). Through serve: tests/web/routes/test_resources.py."""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from conftest import TESTS

from kosovo_kg import load_graph
from kosovo_kg.namespaces import KKG, KKR, RDFS_LABEL, SKOS
from kosovo_kg.publish.answers import Reader, answer_table
from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.links import Links, safe_url
from kosovo_kg.publish.lookup import Lookup
from kosovo_kg.publish.pages import Pages
from kosovo_kg.publish.profiles import (
    Nested,
    describe,
    english_names,
    is_fact,
    key_dates,
    language_name,
    names_in_languages,
    panels_for,
    profile_page,
    profile_queries,
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
    assert wikidata_of(lookup, KKR + "sapk", outgoing(kg, "sapk")) == ("Q646035", "strong", None)
    qid, grade, reason = wikidata_of(lookup, KKR + "enver-hoxhaj", outgoing(kg, "enver-hoxhaj"))
    assert (qid, grade) == (None, "") and reason is not None and "could not be confirmed" in reason
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


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False, release=Release("2026.11.30", "2026-11-30"))


def visible_above_the_triples(page: str) -> str:
    top = page.split('<section class="raw"')[0].split('<main id="main">')[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", top))


@pytest.mark.parametrize("name", ["greece", "aleksandar-vucic", "kfor", "ref-22", "nato-bombing-1999", "kosovo"])
def test_a_profile_shows_no_internal_iri_above_its_folded_triples(kg, pages, name):
    page = render_profile(kg, pages, name)
    visible = visible_above_the_triples(page)
    for internal in ("w3id.org", "kkr:", "kkg:", "_:", "semanticweb"):
        assert internal not in visible, (name, internal)


def render_profile(kg, pages, name):
    iri = KKR + name
    outgoing, incoming = describe(kg, iri)
    answers = {spec.query: execute(prepared.text, kg=kg) for spec, prepared in profile_queries(pages, iri)}
    return profile_page(pages, iri, outgoing, incoming, answers)


def test_profiles_have_the_panels_of_their_kind(kg, pages):
    kfor = render_profile(kg, pages, "kfor")
    assert "Strength over time" in kfor and "20,000" in kfor and "50,000 troops" in kfor
    assert "Mandate: where it was deployed and what for" in kfor and "UN Security Council Resolution 1244" in kfor
    vucic = render_profile(kg, pages, "aleksandar-vucic")
    assert "<h2" in vucic and "Offices" in vucic and "President of Serbia" in vucic and "opposes" in vucic
    serbia = render_profile(kg, pages, "serbia")
    assert (
        "What its leaders and bodies said" in serbia and "Vučić: Serbia will not agree to Kosovo joining NATO" in serbia
    )
    source = render_profile(kg, pages, "ref-01")
    assert "What it supports, and what it disputes" in source and "Open the source" in source
    kosovo = render_profile(kg, pages, "kosovo")
    assert "NATO and the recognition of Kosovo" not in kosovo  # an answer with nothing but the entity's name
    assert "What its leaders and bodies said" in kosovo and "Memberships" in kosovo
    poll = render_profile(kg, pages, "poll-iri-2023-02")
    assert "Figures" in poll and "add up to 101%" in poll


def test_the_folded_triples_drop_what_the_graph_derived_and_show_blank_nodes_inline(kg, pages):
    page = render_profile(kg, pages, "greece")
    raw = page.split('<section class="raw"')[1]
    assert "earliest start" not in raw.lower() and "latestStart" not in raw
    classes = re.findall(r"<dt>is a</dt>\s*<dd>(.*?)</dd>", raw, re.DOTALL)
    assert re.sub(r"<[^>]+>", "", classes[0]) == "state"  # its own class, not its superclass agent
    assert "ad-freiburg/elevant" in raw or "every-politician" in raw  # a Wikidata pairing, a blank node, inline
    statement = render_profile(kg, pages, "statement-vucic-2024")
    folded = statement.split('<section class="raw"')[1]
    assert "was derived from" not in folded.lower()  # prov:wasDerivedFrom, implied by kkg:source


def test_hostile_addresses_never_become_links(tmp_path):
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text((TESTS / "fixtures" / "hostile-links.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    graph = load_graph([hostile])
    pages = Pages(graph, allow_federation=False)
    for name in ("kosovo", "src-hostile"):
        page = render_profile(graph, pages, name)
        assert not re.search(r"(href|src)=\"\s*((java|vb)script|data):", page, re.IGNORECASE), name
        assert "<script>alert" not in page and "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert safe_url("javascript:alert(1)") is None


def test_describe_gives_the_triples_out_of_and_into_a_resource_each_once(kg):
    outgoing, incoming = describe(kg, KKR + "kosovo")
    assert outgoing and incoming
    assert all(t.subject == ox.NamedNode(KKR + "kosovo") for t in outgoing)
    assert all(t.object == ox.NamedNode(KKR + "kosovo") for t in incoming)
    assert len(outgoing) == len(set(outgoing)) and len(incoming) == len(set(incoming))
    # with the RDFS entailments, as queries see them: Kosovo is a state, hence an agent
    assert ox.NamedNode(KKG + "Agent") in {t.object for t in outgoing}
    assert describe(kg, KKR + "no-such-resource") is None
    assert describe(kg, KKG + "Recognition") is not None  # a class is a resource too
