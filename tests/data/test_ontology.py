"""The ontology documents itself, and the repository's graph and the ontology alone are consistent (HermiT)."""

from __future__ import annotations

from conftest import TESTS

from kosovo_kg import sparql
from kosovo_kg.core import paths
from kosovo_kg.core.reading import parse_file
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.curation.reasoning import check_consistency

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


def test_repository_graph_is_consistent(kg):
    assert check_consistency(kg).consistent


def test_ontology_alone_is_consistent():
    kg = KnowledgeGraph(parse_file(paths.ontology_file()), {})
    assert check_consistency(kg).consistent
