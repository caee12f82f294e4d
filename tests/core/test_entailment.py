"""RDFS entailments and derived date bounds: what every query sees, and what exports keep."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import LOCAL_QUERIES

from kosovo_kg import query, sparql
from kosovo_kg.core.entailment import DATE_BOUNDS_GRAPH, ENTAILED_GRAPH, entailed_triples
from kosovo_kg.core.rdf import canonical_triples
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import KKR
from kosovo_kg.publish.export import serialize_graph

ENGINES = ("oxigraph", "rdflib")


def values(query: str, kg, engine: str) -> list:
    result = sparql(query, graph=kg, engine=engine)
    return [tuple(row.values()) if len(row) > 1 else next(iter(row.values())) for row in result]


@pytest.mark.parametrize("engine", ENGINES)
def test_subclass_entailment_finds_wars_and_campaigns_as_events(kg, engine):
    events = values("SELECT ?e WHERE { ?e a kkg:Event } ORDER BY ?e", kg, engine)
    assert KKR + "kosovo-war" in events and KKR + "nato-bombing-1999" in events
    # the classes a node is stated to have are not repeated: one row per event
    assert len(events) == len(set(events))
    stated = values(
        "SELECT DISTINCT ?e WHERE { ?e a ?c . ?c rdfs:subClassOf* kkg:Event } ORDER BY ?e",
        KnowledgeGraph(kg.triples),
        engine,
    )
    assert events == stated


@pytest.mark.parametrize("engine", ENGINES)
def test_subproperty_entailment_reaches_the_aligned_vocabularies(kg, engine):
    sources = values("SELECT (COUNT(*) AS ?n) WHERE { ?fact kkg:source ?s }", kg, engine)
    derived = values("SELECT (COUNT(*) AS ?n) WHERE { ?fact prov:wasDerivedFrom ?s }", kg, engine)
    assert sources == derived and sources[0] > 100
    # an agent of an event is one of its actors in the Simple Event Model
    actors = values(
        "SELECT ?actor WHERE { kkr:nato-bombing-1999 <http://semanticweb.cs.vu.nl/2009/11/sem/hasActor> ?actor } ORDER BY ?actor",
        kg,
        engine,
    )
    assert KKR + "nato" in actors and KKR + "fr-yugoslavia" in actors


def test_entailed_triples_repeat_nothing_stated_and_stay_out_of_exports(kg):
    entailed = entailed_triples(kg.store)
    assert entailed, "the loader added no RDFS entailments"
    stated = set(kg.triples)
    assert not stated & set(entailed)
    exported = {quad.triple for quad in ox.parse(serialize_graph(kg, "nt"), ox.RdfFormat.N_TRIPLES)}
    assert exported == set(canonical_triples(kg.triples))  # the stated triples, blank nodes named canonically
    assert len(exported) == len(kg.triples)
    assert kg.store.contains_named_graph(ENTAILED_GRAPH)


def test_date_bounds_are_derived_and_exported(kg):
    bounds = {
        (quad.subject.value.removeprefix(KKR), quad.predicate.value.rsplit("#")[-1]): quad.object.value
        for quad in kg.store.quads_for_pattern(None, None, None, DATE_BOUNDS_GRAPH)
    }
    # a year, a month and a day, each at the precision its source gives
    assert bounds["autonomy-1974", "earliestStart"] == "1974-01-01"
    assert bounds["autonomy-1974", "latestEnd"] == "1974-12-31"
    assert bounds["nato-bombing-1999", "earliestStart"] == "1999-03-01"
    assert bounds["nato-bombing-1999", "latestStart"] == "1999-03-31"
    assert bounds["nato-bombing-1999", "latestEnd"] == "1999-06-10"
    assert bounds["poll-iri-2023-02", "latestEnd"] == "2023-03-31"
    # an ongoing deployment has no end, so no bounds of one
    assert ("kfor-deployment", "earliestEnd") not in bounds
    exported = {quad.triple for quad in ox.parse(serialize_graph(kg, "nt"), ox.RdfFormat.N_TRIPLES)}
    assert {quad.triple for quad in kg.store.quads_for_pattern(None, None, None, DATE_BOUNDS_GRAPH)} <= exported


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_stored_query_gives_the_same_rows_without_the_entailments(kg, name):
    """What lets an endpoint loaded from a plain export (no RDFS entailments) answer like the
    embedded engines: no stored query depends on the entailments, nor repeats rows because of them."""
    plain = KnowledgeGraph(kg.triples)
    assert query(name, graph=plain).rows == query(name, graph=kg).rows


@pytest.mark.parametrize("engine", ENGINES)
def test_a_blank_nodes_entailed_types_are_said_of_that_node(tmp_path, engine):
    """The entailments are derived inside the store (SPARQL updates): an event given as a blank
    node is an event with its own label, not a new node (a CONSTRUCT loaded back renamed it)."""
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '[] a kkg:War ; rdfs:label "An unnamed war"@en ; kkg:date "1999-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .\n',
        encoding="utf-8",
    )
    from kosovo_kg.core.store import load_graph

    kg = load_graph([mine], cache=False)
    found = values(
        "SELECT ?label ?first WHERE { ?e a kkg:Event ; rdfs:label ?label ; kkg:earliestStart ?first . FILTER(ISBLANK(?e)) }",
        kg,
        engine,
    )
    assert [(str(label), str(first)) for label, first in found] == [("An unnamed war", "1999-03-01")]
