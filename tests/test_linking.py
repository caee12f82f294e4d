"""The Wikidata linking report."""

from __future__ import annotations

import json

from conftest import invoke

from kosovo_kg import KnowledgeGraph
from kosovo_kg.fileio import parse_file
from kosovo_kg.linking import link_report


def test_coverage_by_kind_on_the_repository_graph(kg):
    report = link_report(kg)
    assert report.coverage["state"] == (38, 38)
    assert report.coverage["person"] == (4, 11)
    assert sum(linked for linked, _ in report.coverage.values()) == 56
    assert report.shared == []
    assert {m["label"] for m in report.missing} >= {"Hashim Thaçi", "Kosovo Force", "NATO Parliamentary Assembly"}
    assert all(m["reason"] for m in report.missing)


def test_recorded_wikidata_labels_that_differ_from_ours(kg):
    differences = {(d["wikidata"], d["label"], d["wikidata_label"]) for d in link_report(kg).label_disagreements}
    assert differences == {
        ("Q30", "United States", "United States of America"),
        ("Q1255", "Autonomous Province of Kosovo and Metohija", "Kosovo and Metohija"),
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
    data = json.loads(invoke(["link", "--format", "json"]).stdout)
    assert data["coverage"]["state"] == {"linked": 38, "total": 38}
