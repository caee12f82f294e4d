"""The Wikidata linking report."""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg import KnowledgeGraph
from kosovo_kg.core.reading import parse_file
from kosovo_kg.curation.linking import link_report
from kosovo_kg.namespaces import KKG, KKR


def test_coverage_by_kind_on_the_repository_graph(kg):
    report = link_report(kg)
    assert report.coverage["state"] == (38, 38)  # the Federal Republic of Yugoslavia too, since issue 15 part 2
    assert report.coverage["person"] == (10, 11)  # all but Enver Hoxhaj since issue 25
    # every entity listed without a link is counted in some kind (the population groups were not: 69 / 93, 26 listed)
    assert sum(total for _, total in report.coverage.values()) - report.linked == len(report.missing)
    assert report.linked == 69
    assert report.shared == []
    assert {m["label"] for m in report.missing} >= {"NATO Parliamentary Assembly", "Enver Hoxhaj"}
    assert not {"Kosovo Force", "Socialist Autonomous Province of Kosovo"} & {m["label"] for m in report.missing}
    assert "Slobodan Milošević" not in {m["label"] for m in report.missing}
    assert "United Nations" not in {m["label"] for m in report.missing}
    assert "Hashim Thaçi" not in {m["label"] for m in report.missing}
    assert all(m["reason"] for m in report.missing)


def test_every_link_carries_a_grade_and_meets_its_rule(kg):
    report = link_report(kg)
    assert report.evidenced == report.linked == 69
    assert report.weak == []
    assert report.grades == {"strong": 62, "single": 7}
    grades = {link["label"]: link["grade"] for link in report.links}
    assert len(grades) == 69
    assert grades["Minister of Defence of Kosovo"] == "strong"  # a second pairing (every-politician-scrapers/world)
    assert {label for label, grade in grades.items() if grade == "single"} == {
        "Armend Mehaj",
        "Assembly of the Republic of Kosovo",
        "Atifete Jahjaga",
        "Fatmir Sejdiu",
        "Ramush Haradinaj",
        "Slobodan Milošević",
        "UN Security Council Resolution 1244",
    }
    # An entity-linking system's candidate entry beside a pairing from another repository: strong.
    repositories = {link["label"]: link["repositories"] for link in report.links if link["grade"] == "strong"}
    for label in ("Kosovo Force", "NATO bombing of Yugoslavia", "Socialist Autonomous Province of Kosovo"):
        assert repositories[label] == "2"
    assert report.candidates == []


def _without(kg, subject: str, predicate: str) -> KnowledgeGraph:
    """The graph without the ``predicate`` triples of ``subject`` (a name in kkr:), nor those of its pairings."""
    node, dropped = ox.NamedNode(KKR + subject), ox.NamedNode(KKG + predicate)
    evidence = ox.NamedNode(KKG + "wikidataEvidence")
    pairings = {t.object for t in kg.triples if t.subject == node and t.predicate == evidence}
    return KnowledgeGraph(
        [t for t in kg.triples if not (t.subject in {node, *pairings} and t.predicate == dropped)], {}
    )


def test_a_link_without_a_grade_is_reported_weak_and_fails_the_report(kg):
    report = link_report(_without(kg, "sapk", "evidenceGrade"))
    weak = [(w["label"], w["repositories"], w["grade"]) for w in report.weak]
    assert weak == [("Socialist Autonomous Province of Kosovo", "2", "none")]
    assert not report.ok


def test_a_strong_grade_on_one_repository_is_weak(kg):
    # The Assembly's one pairing comes from SpocWiki/_Standards; graded strong instead of single, it is weak.
    assembly, grade = ox.NamedNode(KKR + "assembly-of-kosovo"), ox.NamedNode(KKG + "evidenceGrade")
    regraded = [t for t in kg.triples if not (t.subject == assembly and t.predicate == grade)]
    regraded.append(ox.Triple(assembly, grade, ox.NamedNode(KKG + "StrongEvidence")))
    report = link_report(KnowledgeGraph(regraded, {}))
    assert [(w["label"], w["repositories"], w["grade"]) for w in report.weak] == [
        ("Assembly of the Republic of Kosovo", "1", "strong")
    ]
    assert not report.ok


def test_a_single_grade_without_an_agreeing_attribute_is_weak(kg):
    # Sejdiu's one pairing, from a curated file, without the attribute that agrees with the graph
    report = link_report(_without(kg, "fatmir-sejdiu", "agreeingAttribute"))
    assert [(w["label"], w["grade"]) for w in report.weak] == [("Fatmir Sejdiu", "single")]
    assert not report.ok


def test_recorded_wikidata_labels_that_differ_from_ours(kg):
    differences = {(d["wikidata"], d["label"], d["wikidata_label"]) for d in link_report(kg).label_disagreements}
    assert differences == {
        ("Q30", "United States", "United States of America"),
        ("Q110999040", "Russian invasion of Ukraine", "full-scale Russo-Ukrainian war"),
        ("Q861510", "Kosovo declares independence from Serbia", "2008 Kosovo declaration of independence"),
        ("Q107601182", "Minister of Defence of Kosovo", "Minister of the Ministry of Defense"),
        ("Q178139", "UN Security Council Resolution 1244", "United Nations Security Council Resolution 1244"),
    }


def test_an_identifier_used_twice_fails_the_link_command(kg, tmp_path):
    extra = tmp_path / "copy.ttl"
    extra.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> . @prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kkr:kosova a kkg:State ; rdfs:label "Kosova"@en ; owl:sameAs <http://www.wikidata.org/entity/Q1246> .\n'
    )
    report = link_report(KnowledgeGraph([*kg.triples, *parse_file(extra)], {}))
    assert report.shared == [{"wikidata": "Q1246", "entities": "Kosova, Kosovo"}]
    assert not report.ok
