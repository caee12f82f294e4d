"""publish/lookup.py: the graph's labels, kinds, sources and doubts as the pages use them: where each
source opens (its address, a resolver for its DOI or ISBN, the article's reference list), sources in
reference order, the doubts on a node with the sources that dispute it, Wikidata links and grades."""

from __future__ import annotations

import pytest

from kosovo_kg.namespaces import KKG, KKR
from kosovo_kg.publish.answers import answer_table
from kosovo_kg.publish.links import Links
from kosovo_kg.publish.lookup import MENTION, Lookup, Source

ARTICLE = "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations"


@pytest.fixture(scope="module")
def lookup(kg):
    return Lookup(kg)


@pytest.mark.parametrize(
    ("details", "number", "target", "how"),
    [
        ({"url": "https://x.test/a", "doi": "10.1/x"}, 3, "https://x.test/a", "the source itself"),
        ({"doi": "10.1/x", "isbn": "978-9951-679-23-7"}, 3, "https://doi.org/10.1/x", "DOI 10.1/x"),
        ({"isbn": "978-9951-679-23-7"}, None, "https://en.wikipedia.org/wiki/Special:BookSources/9789951679237", "ISBN 978-9951-679-23-7"),
        ({}, 22, ARTICLE + "#References", "the article's list of references, where it is reference 22"),
        ({}, None, None, "the graph's record of the source"),
    ],
)  # fmt: skip
def test_a_source_opens_at_its_address_else_a_resolver_else_the_reference_list(details, number, target, how):
    source = Source(KKR + "s", "S", details, None, number, ARTICLE)
    assert (source.target, source.how) == (target, how)
    assert Source(KKR + "s", "S", {"published": "2000-09"}).year == "2000"


def test_kinds_are_the_most_specific_class_by_label(lookup):
    assert lookup.kind(KKR + "greece") == "state" and lookup.kind(KKR + "kfor") == "peacekeeping force"
    assert lookup.kind(KKR + "no-such-thing") == "resource"
    assert lookup.is_a(KKR + "greece", KKG + "Agent") and not lookup.is_a(KKR + "greece", KKG + "Person")
    assert KKG + "Agent" in lookup.superclasses[KKG + "State"]
    assert lookup.specific_types({KKG + "State", KKG + "Agent"}) == [KKG + "State"]


def test_sources_are_in_reference_order_the_article_after_its_references(lookup):
    ordered = lookup.in_reference_order({KKR + "src-cldr", KKR + "article", KKR + "ref-10", KKR + "ref-02"})
    assert ordered == [KKR + "ref-02", KKR + "ref-10", KKR + "article", KKR + "src-cldr"]
    assert lookup.sources_of[KKR + "kfor-strength-2024"] == [KKR + "ref-02"]
    assert lookup.article_url == ARTICLE


def test_the_doubts_on_a_node_with_the_sources_that_dispute_it(lookup):
    [doubt] = lookup.doubts[KKR + "kfor-strength-1999"]
    assert doubt.about == KKR + "kfor-strength-1999" and "50,000 troops" in doubt.text
    assert doubt.disputed_by == [KKR + "src-gov-pl-kfor"]
    assert KKR + "greece" not in lookup.doubts


def test_names_given_as_text_find_the_one_resource_or_source_they_name(lookup):
    assert lookup.entity_by_label["Greece"] == KKR + "greece"
    assert lookup.source_by_label["Wikipedia: Kosovo–NATO relations"] == KKR + "article"
    assert all(iri not in lookup.sources for iri in lookup.entity_by_label.values())


def test_wikidata_links_carry_their_grade(lookup):
    assert lookup.wikidata[KKR + "greece"] == ("Q41", "strong")
    assert lookup.wikidata[KKR + "fatmir-sejdiu"] == ("Q193148", "single")


def test_a_mention_of_a_resource_in_a_curators_text():
    text = "The figure is disputed (kkr:src-gov-pl-kfor). See kkr:ref-01."
    assert MENTION.findall(text) == ["src-gov-pl-kfor", "ref-01"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("ref-01", "https://doi.org/10.1080/09700160008455274"),  # a DOI
        ("ref-17", "https://en.wikipedia.org/wiki/Special:BookSources/9789951679237"),  # an ISBN
        ("ref-22", ARTICLE + "#References"),  # a reference without an address: the article's list
        ("src-gov-pl-kfor", "https://gov.pl/web/national-defence/kfor"),  # its own address
        ("article", ARTICLE),
    ],
)
def test_every_source_opens_where_it_can(lookup, source, target):
    assert lookup.sources[KKR + source].target == target


def test_a_source_without_address_or_reference_number_links_to_its_record(lookup):
    iri = KKR + "src-recognition-norwegian-ministry-of-foreign-affairs-press-release-038-08-2"
    assert lookup.sources[iri].target is None
    value = answer_table.__globals__["Reader"](lookup, Links()).resource(iri)
    assert value.href == "/resource/src-recognition-norwegian-ministry-of-foreign-affairs-press-release-038-08-2"


def test_a_reference_number_in_other_digits_is_no_number(kg):
    """str.isdigit is true of "²", which int() refuses: a --data file saying so made every page a 500."""
    import pyoxigraph as ox

    from kosovo_kg.core.store import KnowledgeGraph

    given = ox.Triple(ox.NamedNode(KKR + "ref-04"), ox.NamedNode(KKG + "referenceNumber"), ox.Literal("²"))
    hostile = KnowledgeGraph([*(t for t in kg.triples if "referenceNumber" not in t.predicate.value), given])
    assert Lookup(hostile).sources[KKR + "ref-04"].number is None
    assert Lookup(kg).sources[KKR + "ref-04"].number == 4
