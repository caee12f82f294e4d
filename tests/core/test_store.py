"""core/store.py: the loaded graph (the KnowledgeGraph's triples, files, labels and rdflib view)
and load_graph with extra files. The cache of the packaged graph and its preload are
tests/core/test_loading.py's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kosovo_kg.core.entailment import ENTAILED_GRAPH
from kosovo_kg.core.store import KnowledgeGraph, load_graph
from kosovo_kg.errors import LoadError
from kosovo_kg.namespaces import KKR, RDF, RDFS_LABEL

EX = "https://w3id.org/kosovo-kg/test/"
LABEL = ox.NamedNode(RDFS_LABEL)


def labelled(*labels: ox.Literal, subject: str = KKR + "x") -> KnowledgeGraph:
    return KnowledgeGraph([ox.Triple(ox.NamedNode(subject), LABEL, label) for label in labels])


@pytest.mark.parametrize(
    ("labels", "chosen"),
    [
        ((ox.Literal("Kosova", language="sq"), ox.Literal("Kosovo", language="en")), "Kosovo"),
        ((ox.Literal("Kosova", language="sq"), ox.Literal("Kosovo (en-GB)", language="en-gb")), "Kosovo (en-GB)"),
        ((ox.Literal("Kosova", language="sq"), ox.Literal("Kosovo, plain")), "Kosovo, plain"),
        ((ox.Literal("Kosovo, plain"), ox.Literal("Kosovo", language="en")), "Kosovo"),
        ((ox.Literal("Kosova", language="sq"),), "Kosova"),
    ],
    ids=["english", "english-of-a-region", "no-language", "english-over-none", "any-other"],
)
def test_a_label_is_english_else_without_a_language_else_any(labels, chosen):
    kg = labelled(*labels)
    assert kg.label(KKR + "x") == chosen  # looked up one by one
    assert kg.labels == {KKR + "x": chosen}  # read all at once
    assert kg.label(KKR + "x") == chosen  # through the labels read


def test_without_a_label_a_resource_is_shown_by_its_prefixed_name():
    kg = labelled(ox.Literal("X", language="en"))
    assert kg.label(KKR + "unlabelled") == "kkr:unlabelled"
    assert kg.label("http://example.net/y") == "http://example.net/y"
    kg.labels  # noqa: B018 -- the same answer once every label is read
    assert kg.label(KKR + "unlabelled") == "kkr:unlabelled"


def test_a_graph_from_triples_keeps_each_distinct_triple_once():
    a, p = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p")
    triples = [ox.Triple(a, p, ox.Literal("1")), ox.Triple(a, p, ox.Literal("2")), ox.Triple(a, p, ox.Literal("1"))]
    kg = KnowledgeGraph(triples, {EX + "a": "mine.ttl"})
    assert len(kg) == 2 and kg.triples == triples[:2] and len(kg.store) == 2
    assert kg.describes(EX + "a") and not kg.describes(EX + "p")
    assert kg.file_of(EX + "a") == "mine.ttl" and kg.file_of(EX + "b") is None


def test_a_resource_is_filed_where_its_type_is_given(tmp_path):
    """graph/wikidata.ttl and graph/names.ttl add to nodes described elsewhere: a node is filed
    under the file that types it, though another file (first in name order) mentions it."""
    (tmp_path / "a-links.ttl").write_text(f'<{EX}kosovo> <{EX}wikidata> "Q1246" .\n<{EX}only-here> <{EX}p> 1 .\n')
    (tmp_path / "b-actors.ttl").write_text(f"<{EX}kosovo> <{RDF}type> <{EX}State> .\n")
    kg = load_graph([tmp_path / "a-links.ttl", tmp_path / "b-actors.ttl"], packaged=False)
    assert kg.file_of(EX + "kosovo").endswith("b-actors.ttl")
    assert kg.file_of(EX + "only-here").endswith("a-links.ttl")


def test_the_packaged_graph_files_every_resource_under_the_file_shown_to_users(kg):
    assert kg.file_of(KKR + "kosovo") == "graph/actors.ttl"
    assert kg.file_of(KKR + "poll-kcss-2014-10") == "graph/polls.ttl"
    assert set(kg.graph_files.values()) >= {"ontology/kosovo.ttl", "graph/actors.ttl", "graph/names.ttl"}
    assert all(file in kg.graph_files.values() for file in set(kg.files.values()))


def test_extra_files_are_loaded_beside_the_packaged_graph_each_once(tmp_path, kg):
    extra = tmp_path / "extra.ttl"
    extra.write_text(f'<{KKR}kosovo> <{RDFS_LABEL}> "Kosova"@sq-x-test .\n')
    more = load_graph([extra, str(extra), tmp_path / ".." / tmp_path.name / "extra.ttl"])
    assert len(more) == len(kg) + 1
    assert more.graph_files[extra.as_uri()] == str(extra)
    alone = load_graph([extra], packaged=False)
    assert len(alone) == 1 and alone.label(KKR + "kosovo") == "Kosova"
    with pytest.raises(LoadError, match=r"no-such\.ttl: no such file"):
        load_graph([tmp_path / "no-such.ttl"])


def test_what_an_extra_file_entails_is_added_and_queries_see_it(tmp_path):
    (tmp_path / "war.ttl").write_text(f"<{KKR}test-war> <{RDF}type> <https://w3id.org/kosovo-kg/ontology#War> .\n")
    kg = load_graph([tmp_path / "war.ttl"])
    entailed = {
        q.object.value for q in kg.store.quads_for_pattern(ox.NamedNode(KKR + "test-war"), None, None, ENTAILED_GRAPH)
    }
    assert "https://w3id.org/kosovo-kg/ontology#Event" in entailed
    # the triples are what the files state: the entailments stay out
    assert all(t.subject.value != KKR + "test-war" or t.object.value.endswith("#War") for t in kg.triples)


def test_the_rdflib_view_holds_the_triples_and_the_entailments_queries_see(tmp_path):
    (tmp_path / "war.ttl").write_text(f"<{KKR}test-war> <{RDF}type> <https://w3id.org/kosovo-kg/ontology#War> .\n")
    kg = load_graph([tmp_path / "war.ttl"], packaged=False)
    import rdflib

    graph = kg.rdflib_graph
    assert (
        rdflib.URIRef(KKR + "test-war"),
        rdflib.RDF.type,
        rdflib.URIRef("https://w3id.org/kosovo-kg/ontology#War"),
    ) in graph
    assert len(graph) == len(kg.triples) + len(list(kg.store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)))
    assert dict(graph.namespaces())["kkr"] == rdflib.URIRef(KKR)
