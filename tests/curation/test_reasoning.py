"""curation/reasoning.py: HermiT over a view of the graph it accepts (reasoner_view), its answers
cached by their exact input, Java required with a clear message (require_java), and what it entails
(inferred_triples). That the repository's graph is consistent is tests/data/test_ontology.py's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import TESTS

from kosovo_kg.core import paths
from kosovo_kg.core.reading import parse_file
from kosovo_kg.core.store import KnowledgeGraph, load_graph
from kosovo_kg.curation.reasoning import (
    NON_OWL_DATATYPES,
    ReasoningResult,
    check_consistency,
    inferred_triples,
    reasoner_view,
    require_java,
)
from kosovo_kg.errors import MissingTool, ReasoningError
from kosovo_kg.namespaces import OWL, RDF, RDFS, XSD

FIXTURES = TESTS / "fixtures" / "invalid"
EX = "https://w3id.org/kosovo-kg/test/"


def turtle_graph(text: str) -> KnowledgeGraph:
    prefixes = f"@prefix ex: <{EX}> . @prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> . @prefix xsd: <{XSD}> .\n"
    return KnowledgeGraph([q.triple for q in ox.parse((prefixes + text).encode(), ox.RdfFormat.TURTLE)])


SMALL = """
ex:Person a owl:Class . ex:State a owl:Class ; owl:disjointWith ex:Person .
ex:Leader a owl:Class ; rdfs:subClassOf ex:Person .
ex:leads a owl:ObjectProperty ; rdfs:range ex:State . ex:speaks a owl:ObjectProperty ; rdfs:domain ex:Person .
ex:albin-kurti ex:speaks ex:albanian .
ex:vjosa-osmani a ex:Leader ; ex:leads ex:kosovo ; ex:born "1982-05-17"^^xsd:date ; ex:share 88.7 .
"""


@pytest.mark.parametrize("local", ["date", "gYear", "gYearMonth", "time", "duration"])
def test_the_view_leaves_out_literals_of_datatypes_owl2_does_not_have(local):
    assert XSD + local in NON_OWL_DATATYPES
    kg = turtle_graph(f'ex:a ex:on "x"^^xsd:{local} ; ex:share 88.7 ; ex:at "2025-03-01T12:00:00Z"^^xsd:dateTime .')
    view = reasoner_view(kg.triples).decode()
    assert f"XMLSchema#{local}>" not in view
    assert "XMLSchema#decimal>" in view and "XMLSchema#dateTime>" in view and len(view.splitlines()) == 2


def test_the_view_leaves_out_owl_imports_so_the_reasoner_fetches_nothing():
    kg = turtle_graph("ex:ontology a owl:Ontology ; owl:imports <http://127.0.0.1:9/other.owl> .")
    assert reasoner_view(kg.triples) == f"<{EX}ontology> <{RDF}type> <{OWL}Ontology> .\n".encode()


def test_the_same_graph_always_gives_the_same_view():
    """Blank nodes get canonical labels and the lines are sorted: the view is the cache's key."""
    text = "ex:poll ex:answer [ ex:share 60 ] , [ ex:share 40 ] . ex:a ex:b ex:c ."
    first, second = turtle_graph(text), turtle_graph(text)
    assert {str(t) for t in first.triples} != {str(t) for t in second.triples}
    view = reasoner_view(first.triples)
    assert view == reasoner_view(second.triples) == reasoner_view(list(reversed(second.triples)))
    assert view.splitlines() == sorted(view.splitlines())


def test_without_java_the_reasoner_cannot_start_and_says_so(monkeypatch, tmp_path):
    require_java()  # Java is installed here
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingTool) as caught:
        require_java()
    assert str(caught.value) == (
        "Java is not installed: HermiT, the OWL reasoner, needs a Java runtime (apt-get install default-jre-headless)"
    )
    assert caught.value.exit_code == 3
    with pytest.raises(MissingTool):
        check_consistency(turtle_graph(SMALL))


def test_a_consistent_graph_is_told_so():
    assert check_consistency(turtle_graph(SMALL)) == ReasoningResult(True, "consistent")


def test_hermit_entails_class_memberships_and_property_values_the_graph_does_not_state():
    kg = turtle_graph(SMALL)
    inferred = set(inferred_triples(kg))
    a = ox.NamedNode(RDF + "type")
    assert ox.Triple(ox.NamedNode(EX + "albin-kurti"), a, ox.NamedNode(EX + "Person")) in inferred  # the domain
    assert ox.Triple(ox.NamedNode(EX + "kosovo"), a, ox.NamedNode(EX + "State")) in inferred  # the range
    assert not inferred & set(kg.triples)
    # only IRIs: nothing about literals or blank nodes comes back
    assert all(isinstance(term, ox.NamedNode) for t in inferred for term in (t.subject, t.predicate, t.object))


def test_what_an_inconsistent_graph_entails_is_an_error_not_an_answer():
    kg = turtle_graph(SMALL + "ex:vjosa-osmani a ex:State .")
    with pytest.raises(ReasoningError, match="inconsistent") as caught:
        inferred_triples(kg)
    assert caught.value.exit_code == 1


def test_a_reasoner_that_fails_to_decide_is_reported_and_not_cached(monkeypatch, tmp_path):
    from kosovo_kg.curation import reasoning

    monkeypatch.setenv("KOSOVO_KG_CACHE", str(tmp_path))

    def fails(view: bytes) -> ReasoningResult:
        raise ReasoningError("HermiT failed: java.lang.OutOfMemoryError")

    monkeypatch.setattr(reasoning, "_hermit_consistency", fails)
    outcome = check_consistency(turtle_graph(SMALL))
    assert outcome == ReasoningResult(False, "HermiT failed: java.lang.OutOfMemoryError")
    assert list(tmp_path.glob("hermit-consistency-*")) == []


def test_reasoner_view_leaves_out_dates_owl2_rejects(kg):
    view = reasoner_view(kg.triples).decode()
    assert "XMLSchema#gYear>" not in view and "XMLSchema#date>" not in view
    assert "XMLSchema#decimal>" in view


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
