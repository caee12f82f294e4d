"""web/descriptions.py: the endpoint's SPARQL 1.1 Service Description: its endpoint, language,
result formats, features (federation only when allowed) and the default dataset's VoID."""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.namespaces import DCTERMS, FORMATS, RDF, SD, VOID
from kosovo_kg.web.descriptions import DESCRIPTION_PREFIXES, service_description

BASE = "http://127.0.0.1:8000"
SERVICE = ox.NamedNode(BASE + "/sparql#service")


def objects(triples: list[ox.Triple], subject: ox.NamedNode | ox.BlankNode, predicate: str) -> set[str]:
    return {t.object.value for t in triples if t.subject == subject and t.predicate.value == predicate}


def test_the_service_says_where_it_is_what_it_speaks_and_what_it_answers_with():
    triples = service_description(BASE, allow_federation=False)
    assert objects(triples, SERVICE, RDF + "type") == {SD + "Service"}
    assert objects(triples, SERVICE, SD + "endpoint") == {BASE + "/sparql"}
    assert objects(triples, SERVICE, SD + "supportedLanguage") == {SD + "SPARQL11Query"}
    assert objects(triples, SERVICE, SD + "defaultEntailmentRegime") == {"http://www.w3.org/ns/entailment/Simple"}
    assert objects(triples, SERVICE, DCTERMS + "description") == {BASE + "/.well-known/void"}
    assert objects(triples, SERVICE, SD + "resultFormat") == {
        FORMATS + name
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    }


def test_federation_is_a_feature_only_when_the_server_allows_it():
    assert objects(service_description(BASE, False), SERVICE, SD + "feature") == {SD + "UnionDefaultGraph"}
    assert objects(service_description(BASE, True), SERVICE, SD + "feature") == {
        SD + "UnionDefaultGraph",
        SD + "BasicFederatedQuery",
    }


def test_the_default_graph_is_the_dataset_voids_describes():
    triples = service_description("https://kosovo-kg.example.net", False)
    service = ox.NamedNode("https://kosovo-kg.example.net/sparql#service")
    [dataset] = [t.object for t in triples if t.subject == service and t.predicate.value == SD + "defaultDataset"]
    [graph] = [t.object for t in triples if t.subject == dataset and t.predicate.value == SD + "defaultGraph"]
    assert objects(triples, dataset, RDF + "type") == {SD + "Dataset"}
    assert objects(triples, graph, VOID + "inDataset") == {"https://kosovo-kg.example.net/.well-known/void#dataset"}


def test_the_description_serializes_with_its_prefixes():
    data = ox.serialize(service_description(BASE, False), format=ox.RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES)
    assert data is not None and b"@prefix sd: <http://www.w3.org/ns/sparql-service-description#> ." in data
    assert b"sd:Service" in data
    assert len(list(ox.parse(data, ox.RdfFormat.TURTLE))) == len(service_description(BASE, False))
