"""The ontology documents itself, and HermiT catches what contradicts it."""

from __future__ import annotations

import pytest
from conftest import TESTS

from kosovo_kg import sparql
from kosovo_kg.core import paths
from kosovo_kg.core.reading import parse_file
from kosovo_kg.core.store import KnowledgeGraph, load_graph
from kosovo_kg.curation.reasoning import check_consistency, reasoner_view

FIXTURES = TESTS / "fixtures" / "invalid"


def test_every_class_and_property_has_an_english_label_and_a_definition(kg):
    result = sparql(
        """SELECT ?term WHERE {
             ?term a ?kind . VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
             FILTER(STRSTARTS(STR(?term), STR(kkg:)))
             MINUS { ?term rdfs:label ?label ; skos:definition ?definition . FILTER(LANG(?label) = "en") }
           }""",
        graph=kg,
    )
    assert result.rows == []


def test_every_object_and_datatype_property_has_a_domain_and_a_range(kg):
    result = sparql(
        """SELECT ?property WHERE {
             ?property a ?kind . VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty }
             FILTER(STRSTARTS(STR(?property), STR(kkg:)))
             MINUS { ?property rdfs:domain ?domain ; rdfs:range ?range }
           }""",
        graph=kg,
    )
    assert sorted(row["property"].rsplit("#", 1)[-1] for row in result) == []


def test_ontology_metadata(kg):
    result = sparql(
        """SELECT ?title ?version ?licence ?creator WHERE {
             <https://w3id.org/kosovo-kg/ontology> dcterms:title ?title ; owl:versionInfo ?version ;
               dcterms:license ?licence ; dcterms:creator ?creator }""",
        graph=kg,
    )
    assert len(result.rows) == 1


def test_reasoner_view_leaves_out_dates_owl2_rejects(kg):
    view = reasoner_view(kg.triples).decode()
    assert "XMLSchema#gYear>" not in view and "XMLSchema#date>" not in view
    assert "XMLSchema#decimal>" in view


def test_repository_graph_is_consistent(kg):
    assert check_consistency(kg).consistent


@pytest.mark.parametrize(
    "fixture",
    [
        "person-and-state.ttl",  # an individual in two disjoint classes
        "person-subclass-of-state.ttl",  # a TBox axiom that empties kkg:Person, which has members
    ],
)
def test_hermit_catches_an_inconsistent_ontology(fixture):
    kg = load_graph([FIXTURES / fixture])
    outcome = check_consistency(kg)
    assert not outcome.consistent
    assert "inconsistent" in outcome.message


def test_ontology_alone_is_consistent():
    kg = KnowledgeGraph(parse_file(paths.ontology_file()), {})
    assert check_consistency(kg).consistent


def test_reasoner_answers_are_cached_by_content(monkeypatch, tmp_path):
    """A second run over the same input takes HermiT's answer from the cache; a changed input
    (an inconsistent extra file) is reasoned over afresh, so the cache cannot answer stale."""
    from kosovo_kg.curation import reasoning

    monkeypatch.setenv("KOSOVO_KG_CACHE", str(tmp_path))
    runs = []
    real = reasoning._hermit_consistency
    monkeypatch.setattr(reasoning, "_hermit_consistency", lambda view: runs.append(1) or real(view))

    consistent = load_graph()
    assert check_consistency(consistent).consistent
    assert check_consistency(load_graph()).consistent
    assert len(runs) == 1
    assert len(list(tmp_path.glob("hermit-consistency-*"))) == 1

    outcome = check_consistency(load_graph([FIXTURES / "person-and-state.ttl"]))
    assert not outcome.consistent and len(runs) == 2


def test_cache_can_be_turned_off(monkeypatch, tmp_path):
    from kosovo_kg.curation import reasoning

    monkeypatch.setenv("KOSOVO_KG_CACHE", "off")
    runs = []
    real = reasoning._hermit_consistency
    monkeypatch.setattr(reasoning, "_hermit_consistency", lambda view: runs.append(1) or real(view))
    kg = KnowledgeGraph(parse_file(paths.ontology_file()), {})
    check_consistency(kg), check_consistency(kg)
    assert len(runs) == 2
