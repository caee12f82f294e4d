"""What the endpoint says about itself: a SPARQL 1.1 Service Description (at ``/sparql`` without a
query) and a VoID description of the dataset (at ``/.well-known/void``), both as RDF triples."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from kosovo_kg.namespaces import KKR, PREFIXES, RDF

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
FORMATS = "http://www.w3.org/ns/formats/"
DESCRIPTION_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS}
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
A = ox.NamedNode(RDF + "type")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def service_description(base: str, allow_federation: bool) -> list[ox.Triple]:
    """The service at ``base + /sparql``: its language, result formats and features."""
    service = _n(f"{base}/sparql#service")
    triples = [
        ox.Triple(service, A, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), _n(f"{base}/sparql")),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "defaultEntailmentRegime"), _n("http://www.w3.org/ns/entailment/Simple")),
        # the default graph is the union of the named graphs (one per source file)
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(service, _n(DCTERMS + "description"), _n(f"{base}/.well-known/void")),
    ]
    if allow_federation:
        triples.append(ox.Triple(service, _n(SD + "feature"), _n(SD + "BasicFederatedQuery")))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        triples.append(ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS + name)))
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    triples += [
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, A, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default),
        ox.Triple(default, A, _n(SD + "Graph")),
        ox.Triple(default, _n(VOID + "inDataset"), _n(f"{base}/.well-known/void#dataset")),
    ]
    return triples


def void_description(base: str, kg: KnowledgeGraph) -> list[ox.Triple]:
    """The dataset: its size, its vocabularies, where to query it and how its IRIs dereference."""
    dataset = _n(f"{base}/.well-known/void#dataset")
    triples_count = len(kg.triples)
    subjects = {t.subject for t in kg.triples if isinstance(t.subject, ox.NamedNode)}
    classes = {t.object for t in kg.triples if t.predicate == A}
    properties = {t.predicate for t in kg.triples}

    def count(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=XSD_INTEGER)

    triples = [
        ox.Triple(dataset, A, _n(VOID + "Dataset")),
        ox.Triple(dataset, _n(DCTERMS + "title"), ox.Literal("kosovo-kg: Kosovo–NATO relations", language="en")),
        ox.Triple(
            dataset,
            _n(DCTERMS + "description"),
            ox.Literal(
                "A knowledge graph of Kosovo–NATO relations: every statement, poll, membership, recognition and "
                "event dated and sourced, linked to Wikidata.",
                language="en",
            ),
        ),
        ox.Triple(dataset, _n(DCTERMS + "license"), _n("https://creativecommons.org/licenses/by-sa/4.0/")),
        ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), _n(f"{base}/sparql")),
        ox.Triple(dataset, _n(VOID + "uriSpace"), ox.Literal(KKR)),
        ox.Triple(dataset, _n(VOID + "exampleResource"), _n(KKR + "kosovo")),
        ox.Triple(dataset, _n(VOID + "triples"), count(triples_count)),
        ox.Triple(dataset, _n(VOID + "entities"), count(len(subjects))),
        ox.Triple(dataset, _n(VOID + "classes"), count(len(classes))),
        ox.Triple(dataset, _n(VOID + "properties"), count(len(properties))),
        ox.Triple(dataset, _n(VOID + "feature"), _n(FORMATS + "Turtle")),
        ox.Triple(dataset, _n(VOID + "feature"), _n(FORMATS + "JSON-LD")),
        ox.Triple(dataset, _n(VOID + "feature"), _n(FORMATS + "N-Triples")),
    ]
    for prefix in ("kkg", "org", "prov", "qb", "schema", "skos", "dcterms"):
        triples.append(ox.Triple(dataset, _n(VOID + "vocabulary"), _n(PREFIXES[prefix])))
    # a resource's IRI under kkr: dereferences here, at /resource/NAME
    triples.append(ox.Triple(dataset, _n(VOID + "rootResource"), _n(KKR + "kosovo")))
    return triples
