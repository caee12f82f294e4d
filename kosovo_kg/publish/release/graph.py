"""The graph as a release states it: blank nodes named by RDFC-1.0, the release's description of
itself (version, date, licence), sorted, and the names of its dump files."""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.core.rdf import canonical_quads
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import DATASET, DCTERMS, KKG, KKR, LICENSE, OWL, RDF, VOID, XSD

INFERRED_DATASET = DATASET + "/inferred"
ARTICLE = KKR + "article"
#: Where the stated triples sit in the release's store (named by no file).
RELEASE_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/release")
#: export format -> (file suffix, media type, W3C format IRI's name)
DUMPS = {
    "turtle": ("ttl", "text/turtle", "Turtle"),
    "nt": ("nt", "application/n-triples", "N-Triples"),
    "jsonld": ("jsonld", "application/ld+json", "JSON-LD"),
    "xml": ("rdf", "application/rdf+xml", "RDF_XML"),
}


def dump_name(rdf_format: str, inferred: bool = False) -> str:
    return f"kosovo-kg{'.inferred' if inferred else ''}.{DUMPS[rdf_format][0]}"


def canonical_graph(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The graph with its blank nodes renamed by RDFC-1.0 (the same graph always gets the same
    names; a parse gives them random ones), stated triples and RDFS entailments alike."""
    from kosovo_kg.core.entailment import ENTAILED_GRAPH, entailed_triples

    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in kg.triples]
    quads += [ox.Quad(t.subject, t.predicate, t.object, ENTAILED_GRAPH) for t in entailed_triples(kg.store)]
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ENTAILED_GRAPH if q.graph_name == ENTAILED_GRAPH else RELEASE_GRAPH)
        for q in canonical_quads(quads)
    )
    return KnowledgeGraph(store=store, graph_files={RELEASE_GRAPH.value: "the release"})


def iri(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def literal(text: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(text, language=language)
    return ox.Literal(text, datatype=iri(datatype)) if datatype else ox.Literal(text)


def article_url(kg: KnowledgeGraph) -> str | None:
    for quad in kg.store.quads_for_pattern(iri(ARTICLE), iri(KKG + "url"), None):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def header_triples(kg: KnowledgeGraph, version: str, date: str, previous: str | None) -> list[ox.Triple]:
    """The release's description inside its own graph: which version this is and of when."""
    node = iri(DATASET)
    triples = [
        ox.Triple(node, iri(RDF + "type"), iri(VOID + "Dataset")),
        ox.Triple(node, iri(DCTERMS + "title"), literal("kosovo-kg: Kosovo–NATO relations", language="en")),
        ox.Triple(node, iri(OWL + "versionInfo"), literal(version)),
        ox.Triple(node, iri(OWL + "versionIRI"), iri(f"{DATASET}/{version}")),
        ox.Triple(node, iri(DCTERMS + "modified"), literal(date, XSD + "date")),
        ox.Triple(node, iri(DCTERMS + "license"), iri(LICENSE)),
    ]
    if previous:
        triples.append(ox.Triple(node, iri(OWL + "priorVersion"), iri(f"{DATASET}/{previous}")))
    article = article_url(kg)
    if article:
        triples.append(ox.Triple(node, iri(DCTERMS + "source"), iri(article)))
    return triples


def sorted_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    return sorted(dict.fromkeys(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
