"""The Wikidata linking report."""

from __future__ import annotations

from kosovo_kg import KnowledgeGraph
from kosovo_kg.core.reading import parse_file
from kosovo_kg.curation.linking import link_report


def test_coverage_by_kind_on_the_repository_graph(kg):
    report = link_report(kg)
    assert report.coverage["state"] == (38, 38)  # the Federal Republic of Yugoslavia too, since issue 15 part 2
    assert report.coverage["person"] == (10, 11)  # all but Enver Hoxhaj since issue 25
    assert report.linked == 67
    assert report.shared == []
    assert {m["label"] for m in report.missing} >= {"Kosovo Force", "NATO Parliamentary Assembly", "Enver Hoxhaj"}
    assert "Slobodan Milošević" not in {m["label"] for m in report.missing}
    assert "United Nations" not in {m["label"] for m in report.missing}
    assert "Hashim Thaçi" not in {m["label"] for m in report.missing}
    assert all(m["reason"] for m in report.missing)


def test_every_link_carries_a_grade_and_meets_its_rule(kg):
    report = link_report(kg)
    assert report.evidenced == report.linked == 67
    assert report.weak == []
    assert report.grades == {"strong": 59, "single": 8}
    grades = {link["label"]: link["grade"] for link in report.links}
    assert len(grades) == 67
    assert grades["Minister of Defence of Kosovo"] == "strong"  # a second pairing (every-politician-scrapers/world)
    assert {label for label, grade in grades.items() if grade == "single"} == {
        "Armend Mehaj",
        "Assembly of the Republic of Kosovo",
        "Atifete Jahjaga",
        "Fatmir Sejdiu",
        "NATO bombing of Yugoslavia",  # a question-answering benchmark's gold subject, dated 1999
        "Ramush Haradinaj",
        "Slobodan Milošević",
        "UN Security Council Resolution 1244",
    }
    # One pairing each, from an entity-linking system's candidate list: neither rule is met.
    candidates = {c["label"]: c["wikidata"] for c in report.candidates}
    assert candidates == {
        "Kosovo Force": "Q159470",
        "Socialist Autonomous Province of Kosovo": "Q646035",
    }
    assert set(candidates) <= {m["label"] for m in report.missing}


def _with(kg, tmp_path, turtle: str) -> KnowledgeGraph:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> . @prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + turtle
    )
    return KnowledgeGraph([*kg.triples, *parse_file(extra)], {})


def test_a_link_without_a_grade_is_reported_weak_and_fails_the_report(kg, tmp_path):
    report = link_report(_with(kg, tmp_path, "kkr:kfor owl:sameAs <http://www.wikidata.org/entity/Q159470> .\n"))
    assert [(w["label"], w["repositories"], w["grade"]) for w in report.weak] == [("Kosovo Force", "1", "none")]
    assert not report.ok


def test_a_strong_grade_on_one_repository_is_weak(kg, tmp_path):
    turtle = "kkr:kfor owl:sameAs <http://www.wikidata.org/entity/Q159470> ; kkg:evidenceGrade kkg:StrongEvidence .\n"
    report = link_report(_with(kg, tmp_path, turtle))
    assert [(w["label"], w["grade"]) for w in report.weak] == [("Kosovo Force", "strong")]
    assert not report.ok


def test_a_single_grade_on_a_candidate_list_entry_is_weak(kg, tmp_path):
    # KFOR's one pairing records neither a curated file kind nor an agreeing attribute.
    turtle = "kkr:kfor owl:sameAs <http://www.wikidata.org/entity/Q159470> ; kkg:evidenceGrade kkg:SingleEvidence .\n"
    report = link_report(_with(kg, tmp_path, turtle))
    assert [(w["label"], w["grade"]) for w in report.weak] == [("Kosovo Force", "single")]
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
