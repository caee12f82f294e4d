"""cli/link.py: ``kosovo-kg link``: the report of the graph's Wikidata links as text or JSON, exit 1
when an identifier is used by two entities."""

from __future__ import annotations

import json

from conftest import invoke

from kosovo_kg.core import store


def test_the_help_says_when_it_fails():
    result = invoke(["link", "--help"])
    assert result.exit_code == 0 and "usage: kosovo-kg link [-h] [--format {text,json}]" in result.stdout
    assert "Exit 1 when an identifier is used by two entities or a link does not meet its" in result.stdout


def test_an_identifier_used_twice_is_exit_1_with_the_entities_named(tmp_path, monkeypatch):
    extra = tmp_path / "copy.ttl"
    extra.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> . @prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kkr:kosova a kkg:State ; rdfs:label "Kosova"@en ; owl:sameAs <http://www.wikidata.org/entity/Q1246> .\n'
    )
    packaged = store.load_graph
    monkeypatch.setattr(store, "load_graph", lambda: packaged([extra]))
    result = invoke(["link", "--format", "json"])
    assert result.exit_code == 1
    assert {"wikidata": "Q1246", "entities": "Kosova, Kosovo"} in json.loads(result.stdout)["shared"]


def test_an_unknown_format_is_a_usage_error():
    result = invoke(["link", "--format", "csv"])
    assert result.exit_code == 2 and "argument --format: invalid choice: 'csv'" in result.stderr


def test_link_command_text_and_json():
    text = invoke(["link"])
    assert text.exit_code == 0
    assert "  state             38 / 38  100%" in text.stdout
    assert "  population group   0 / 2   0%" in text.stdout and "  all               69 / 95  73%" in text.stdout
    assert "Links whose evidence meets their grade: 69 / 69 100% (strong 62, single 7)" in text.stdout
    assert "  single  Fatmir Sejdiu (Q193148)" in text.stdout
    assert "  strong  Minister of Defence of Kosovo (Q107601182)" in text.stdout
    data = json.loads(invoke(["link", "--format", "json"]).stdout)
    assert data["coverage"]["state"] == {"linked": 38, "total": 38}
    assert data["evidenced"] == 69 and data["weak"] == []
    assert data["grades"] == {"strong": 62, "single": 7}
    assert {"entity", "label", "wikidata", "grade", "repositories"} <= set(data["links"][0])
