"""Exports round-trip: each format parsed back is the same graph as the source."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kosovo_kg.publish.export import serialize_graph, write_export

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def canonical_nt(triples) -> list[str]:
    """Canonical N-Triples lines: compares graphs without blank-node labels or literal typing quirks getting in the way."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad.triple) for quad in dataset)


@pytest.mark.parametrize("rdf_format", sorted(FORMATS))
def test_export_parses_back_to_the_same_graph(kg, rdf_format):
    data = serialize_graph(kg, rdf_format)
    parsed = [quad.triple for quad in ox.parse(data, FORMATS[rdf_format])]
    assert canonical_nt(parsed) == canonical_nt(kg.triples)


def test_turtle_export_is_stable(kg):
    assert serialize_graph(kg, "turtle") == serialize_graph(kg, "turtle")


def test_jsonld_embeds_its_context_and_is_read_by_pyld(kg):
    from pyld import jsonld

    document = json.loads(serialize_graph(kg, "jsonld"))
    assert (
        isinstance(document["@context"], dict) and document["@context"]["kkr"] == "https://w3id.org/kosovo-kg/resource/"
    )

    def no_remote_documents(url, options=None):
        raise AssertionError(f"pyld tried to fetch {url}")

    jsonld.set_document_loader(no_remote_documents)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    parsed = [quad.triple for quad in ox.parse(nquads, ox.RdfFormat.N_QUADS)]
    assert canonical_nt(parsed) == canonical_nt(kg.triples)


def test_an_iri_whose_scheme_is_a_prefix_of_the_context_reads_back_as_itself():
    """<wd:Q1> in Turtle (a typo for wd:Q1) is the IRI "wd:Q1"; written as it is under a context
    that defines wd, it read back as the Wikidata item, and <kkg:fake> as the ontology's kkg:fake."""
    from pyld import jsonld

    from kosovo_kg.core.store import KnowledgeGraph

    turtle = """@prefix kkr: <https://w3id.org/kosovo-kg/resource/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    kkr:a rdfs:seeAlso <wd:Q1> , <kkr:b> , <http://www.wikidata.org/entity/Q2> , kkr:c ;
        <kkg:fake> "x"^^<xsd:odd> , "y"^^<http://www.w3.org/2001/XMLSchema#token> ."""
    triples = [quad.triple for quad in ox.parse(turtle.encode(), ox.RdfFormat.TURTLE)]
    document = json.loads(serialize_graph(KnowledgeGraph(triples), "jsonld"))
    for read in (
        [quad.triple for quad in ox.parse(json.dumps(document).encode(), ox.RdfFormat.JSON_LD)],
        [
            quad.triple
            for quad in ox.parse(jsonld.to_rdf(document, {"format": "application/n-quads"}), ox.RdfFormat.N_QUADS)
        ],
    ):
        assert sorted(map(str, read)) == sorted(map(str, triples))
    assert not {"wd", "kkr", "kkg", "xsd"} & set(document["@context"]) and document["@context"]["rdfs"]


def test_write_export_leaves_no_temporary_file(kg, tmp_path):
    target = tmp_path / "graph.nt"
    write_export(kg, "turtle", target)  # a previous export, which the next replaces
    size = write_export(kg, "nt", target)
    assert size == target.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kosovo-kg-manifest.json", "graph.nt"]


def test_inferred_export_adds_what_hermit_entails(kg):
    from kosovo_kg.curation.reasoning import with_inferences

    inferred = with_inferences(kg)
    added = set(inferred.triples) - set(kg.triples)
    assert set(kg.triples) <= set(inferred.triples)
    # owl:sameAs makes the Wikidata item an instance of what kkr:kosovo is typed as.
    assert (
        ox.Triple(
            ox.NamedNode("http://www.wikidata.org/entity/Q1246"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/kosovo-kg/ontology#StateWithLimitedRecognition"),
        )
        in added
    )
    # and the RDFS entailments that queries see: a war is an event
    assert (
        ox.Triple(
            ox.NamedNode("https://w3id.org/kosovo-kg/resource/kosovo-war"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/kosovo-kg/ontology#Event"),
        )
        in added
    )
    parsed = [quad.triple for quad in ox.parse(serialize_graph(inferred, "turtle"), ox.RdfFormat.TURTLE)]
    assert len(set(parsed)) == len(set(inferred.triples))


def test_an_export_gets_ordinary_permissions_and_keeps_an_existing_files(tmp_path):
    """Regression: the temporary file the atomic writer renames into place is made 0600 by
    mkstemp, so every export, chart and docs page came out readable by its owner only."""
    import os

    from kosovo_kg.core.writing import atomic_writer

    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.ttl"
        with atomic_writer(fresh) as stream:
            stream.write("# new\n")
        assert fresh.stat().st_mode & 0o777 == 0o644

        shared = tmp_path / "shared.ttl"
        shared.write_text("# before\n")
        shared.chmod(0o640)
        with atomic_writer(shared) as stream:
            stream.write("# after\n")
        assert shared.stat().st_mode & 0o777 == 0o640 and shared.read_text() == "# after\n"
    finally:
        os.umask(umask)


@pytest.mark.parametrize("rdf_format", ["turtle", "nt", "xml", "jsonld"])
def test_two_loads_of_the_same_graph_export_the_same_bytes(rdf_format):
    """A parse names blank nodes at random; the exports name them canonically (core/blanks.py), so
    an unchanged graph always exports the same bytes and diffs stay small."""
    import re

    from kosovo_kg import load_graph

    first, second = (serialize_graph(load_graph(), rdf_format) for _ in range(2))
    assert first == second
    assert re.search(rb"\bk[0-9a-f]{24}\b", first)  # the graph has blank nodes, with their canonical names
