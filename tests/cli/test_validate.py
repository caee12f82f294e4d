"""cli/validate.py: ``kosovo-kg validate [FILE ...]``: the report as text or JSON, exit 0 when the
graph conforms, 1 when it has errors, 2 when a file cannot be loaded. (The whole run with HermiT,
as a user meets it, is tests/system/test_cli.py's.)"""

from __future__ import annotations

import json

from conftest import TESTS, invoke

INVALID = TESTS / "fixtures" / "invalid" / "poll-percentage-120.ttl"


def test_the_help_gives_the_exit_codes():
    result = invoke(["validate", "--help"])
    assert result.exit_code == 0 and "usage: kosovo-kg validate [-h] [--data FILE ...]" in result.stdout
    assert (
        "Exit 0 when it conforms, 1 when it has errors, 2 when a file cannot be loaded, 3 without Java" in result.stdout
    )


def test_an_extra_file_that_conforms_passes_given_as_a_file_or_with_data(tmp_path):
    extra = tmp_path / "comment.ttl"
    extra.write_text(
        '<https://w3id.org/kosovo-kg/resource/kosovo> <http://www.w3.org/2000/01/rdf-schema#comment> "A test comment."@en .\n'
    )
    for args in ([extra], ["--data", extra]):
        result = invoke(["validate", "--no-reasoning", "--format", "json", *args])
        assert result.exit_code == 0, result.stdout
        report = json.loads(result.stdout)
        assert report["conforms"] is True and report["reasoning"] == "skipped"
    assert result.stderr == ""  # without reasoning nothing is announced


def test_a_violation_is_exit_1_with_the_problem_in_the_json_report():
    result = invoke(["validate", "--no-reasoning", "--format", "json", INVALID])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    [problem] = [
        p for p in report["problems"] if p["node"] == "https://w3id.org/kosovo-kg/resource/fixture-poll-2025-support"
    ]
    assert problem["layer"] == "shacl" and problem["severity"] == "error"
    assert problem["file"] == "tests/fixtures/invalid/poll-percentage-120.ttl"
    assert problem["property"] == "https://w3id.org/kosovo-kg/ontology#percentage"


def test_a_file_of_an_unknown_type_is_exit_2_naming_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not RDF")
    result = invoke(["validate", "--no-reasoning", "notes.txt"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: notes.txt: unknown file type '.txt'; expected one of .jsonld, .nt, .owl, .rdf, .ttl, .xml\n"
    )


def test_a_line_break_in_a_value_cannot_forge_a_line_of_the_report(tmp_path):
    # regression: a label's LF reached the report raw, and "Graph conforms: 0 errors" stood on a line of its own
    data = tmp_path / "forged.ttl"
    data.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> . @prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kkr:forged a kkg:Organisation ; rdfs:label "Forged\\nGraph conforms: 0 errors"@en .\n',
        encoding="utf-8",
    )
    result = invoke(["validate", "--no-reasoning", str(data)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("Graph ")] == [lines[-1]]
    assert "Forged\\nGraph conforms: 0 errors (kkr:forged)" in result.stdout
