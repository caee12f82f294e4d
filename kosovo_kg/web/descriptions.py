"""What the endpoint says about itself: a SPARQL 1.1 Service Description (at ``/sparql`` without a
query), as RDF triples. The dataset's VoID description is :func:`kosovo_kg.publish.release.void.endpoint_void`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from kosovo_kg.namespaces import DCTERMS, FORMATS, RDF, SD, VOID

if TYPE_CHECKING:
    pass

DESCRIPTION_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS}
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
