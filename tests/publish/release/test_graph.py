"""publish/release/graph.py: the graph as a release states it: blank nodes named by RDFC-1.0 (the
same graph, the same names), the release's description of itself, sorted triples, dump names."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kosovo_kg.core.entailment import ENTAILED_GRAPH, entailed_triples
from kosovo_kg.core.store import KnowledgeGraph, load_graph
from kosovo_kg.namespaces import DATASET, DCTERMS, KKG, KKR, LICENSE, OWL, RDF, VOID, XSD
from kosovo_kg.publish.release.graph import (
    ARTICLE,
    DUMPS,
    RELEASE_GRAPH,
    article_url,
    canonical_graph,
    dump_name,
    header_triples,
    literal,
    sorted_triples,
)


@pytest.mark.parametrize(
    ("rdf_format", "stated", "inferred"),
    [
        ("turtle", "kosovo-kg.ttl", "kosovo-kg.inferred.ttl"),
        ("nt", "kosovo-kg.nt", "kosovo-kg.inferred.nt"),
        ("jsonld", "kosovo-kg.jsonld", "kosovo-kg.inferred.jsonld"),
        ("xml", "kosovo-kg.rdf", "kosovo-kg.inferred.rdf"),
    ],
)
def test_each_dump_is_named_by_its_format(rdf_format, stated, inferred):
    assert (dump_name(rdf_format), dump_name(rdf_format, inferred=True)) == (stated, inferred)
    assert rdf_format in DUMPS


def test_two_loads_give_the_same_canonical_graph(tmp_path):
    poll = tmp_path / "poll.ttl"
    poll.write_text(
        f"<{KKR}poll> <{KKG}answer> [ <{KKG}share> 60 ] , [ <{KKG}share> 40 ] .\n"
        f"<{KKR}test-war> <{RDF}type> <{KKG}War> .\n"
        f"<{KKG}War> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{KKG}Event> .\n"
    )
    first, second = (canonical_graph(load_graph([poll], packaged=False)) for _ in range(2))
    assert sorted(map(str, first.triples)) == sorted(map(str, second.triples))
    assert {q.graph_name for q in first.store} == {RELEASE_GRAPH, ENTAILED_GRAPH}
    assert first.graph_files == {RELEASE_GRAPH.value: "the release"}
    blank = {t.subject.value for t in first.triples if isinstance(t.subject, ox.BlankNode)}
    assert len(blank) == 2 and all(re.fullmatch("k[0-9a-f]{24}", name) for name in blank)  # core/blanks
    # the entailments stay apart, in their own graph, as queries see them
    assert ox.Triple(ox.NamedNode(KKR + "test-war"), ox.NamedNode(RDF + "type"), ox.NamedNode(KKG + "Event")) in set(
        entailed_triples(first.store)
    )
    assert len(first.triples) == 6  # what the file states; the entailment is not among them


def test_the_articles_address_is_its_kkg_url(kg):
    assert article_url(kg) == "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations"
    assert article_url(KnowledgeGraph([])) is None


def test_the_release_describes_itself_its_version_date_licence_and_source(kg):
    about = {(t.predicate.value, t.object.value) for t in header_triples(kg, "2026.12.01", "2026-12-01", "2026.11.30")}
    assert about == {
        (RDF + "type", VOID + "Dataset"),
        (DCTERMS + "title", "kosovo-kg: Kosovo–NATO relations"),
        (OWL + "versionInfo", "2026.12.01"),
        (OWL + "versionIRI", f"{DATASET}/2026.12.01"),
        (DCTERMS + "modified", "2026-12-01"),
        (DCTERMS + "license", LICENSE),
        (OWL + "priorVersion", f"{DATASET}/2026.11.30"),
        (DCTERMS + "source", "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations"),
    }
    modified = next(
        t.object for t in header_triples(kg, "1", "2026-12-01", None) if t.predicate.value.endswith("modified")
    )
    assert modified == ox.Literal("2026-12-01", datatype=ox.NamedNode(XSD + "date"))
    # no previous release, no article: nothing said of them
    alone = header_triples(KnowledgeGraph([]), "1", "2026-12-01", None)
    assert {t.predicate.value for t in alone} == {
        RDF + "type",
        DCTERMS + "title",
        OWL + "versionInfo",
        OWL + "versionIRI",
        DCTERMS + "modified",
        DCTERMS + "license",
    }
    assert ARTICLE == KKR + "article"


def test_sorted_triples_are_distinct_and_in_subject_predicate_object_order():
    a, b, p, q = (ox.NamedNode(f"urn:x:{n}") for n in "abpq")
    triples = [ox.Triple(b, p, a), ox.Triple(a, q, b), ox.Triple(a, p, b), ox.Triple(b, p, a)]
    assert sorted_triples(triples) == [ox.Triple(a, p, b), ox.Triple(a, q, b), ox.Triple(b, p, a)]


def test_literals_are_plain_typed_or_tagged():
    assert literal("x") == ox.Literal("x")
    assert literal("2026", XSD + "gYear") == ox.Literal("2026", datatype=ox.NamedNode(XSD + "gYear"))
    assert literal("Kosova", language="sq") == ox.Literal("Kosova", language="sq")
