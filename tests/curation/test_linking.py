"""The Wikidata linking report."""

from __future__ import annotations

import json

from conftest import invoke

from kosovo_kg import KnowledgeGraph
from kosovo_kg.core.reading import parse_file
from kosovo_kg.curation.linking import link_report


def test_coverage_by_kind_on_the_repository_graph(kg):
    report = link_report(kg)
    assert report.coverage["state"] == (38, 38)  # the Federal Republic of Yugoslavia too, since issue 15 part 2
    assert report.coverage["person"] == (5, 11)
    assert report.linked == 58
    assert report.shared == []
    assert {m["label"] for m in report.missing} >= {"Kosovo Force", "NATO Parliamentary Assembly", "Slobodan Milošević"}
    assert "United Nations" not in {m["label"] for m in report.missing}
    assert "Hashim Thaçi" not in {m["label"] for m in report.missing}
    assert all(m["reason"] for m in report.missing)


def test_every_link_rests_on_pairings_from_two_repositories(kg):
    report = link_report(kg)
    assert report.evidenced == report.linked == 58
    assert report.weak == []
    candidates = {c["label"]: c["wikidata"] for c in report.candidates}
    assert candidates["Kosovo Force"] == "Q159470"  # one pairing (elevant): recorded, not linked
    assert "Kosovo Force" in {m["label"] for m in report.missing}


def test_a_link_with_one_pairing_is_reported_weak_and_fails_the_report(kg, tmp_path):
    extra = tmp_path / "weak.ttl"
    extra.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> . @prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "kkr:kfor owl:sameAs <http://www.wikidata.org/entity/Q159470> .\n"
    )
    report = link_report(KnowledgeGraph([*kg.triples, *parse_file(extra)], {}))
    assert [(w["label"], w["repositories"]) for w in report.weak] == [("Kosovo Force", "1")]
    assert not report.ok


def test_recorded_wikidata_labels_that_differ_from_ours(kg):
    differences = {(d["wikidata"], d["label"], d["wikidata_label"]) for d in link_report(kg).label_disagreements}
    assert differences == {
        ("Q30", "United States", "United States of America"),
        ("Q110999040", "Russian invasion of Ukraine", "full-scale Russo-Ukrainian war"),
        ("Q861510", "Kosovo declares independence from Serbia", "2008 Kosovo declaration of independence"),
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


def test_link_command_text_and_json():
    text = invoke(["link"])
    assert text.exit_code == 0
    assert "  state          38 / 38  100%" in text.stdout
    assert "Links with stored pairings from two repositories: 58 / 58 100%" in text.stdout
    data = json.loads(invoke(["link", "--format", "json"]).stdout)
    assert data["coverage"]["state"] == {"linked": 38, "total": 38}
    assert data["evidenced"] == 58 and data["weak"] == []
