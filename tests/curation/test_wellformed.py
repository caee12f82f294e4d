"""The validator's checks of what maintainers get wrong: literals of the wrong form and
classes or properties that nothing declares. Each check has fixtures that must fail, with the
file, line, node and a did-you-mean, and fixtures that must pass."""

from __future__ import annotations

import json

import pytest
from conftest import TESTS, invoke

from kosovo_kg.curation.validation import run_validation

WELLFORMED = TESTS / "fixtures" / "wellformed"

MUST_FAIL = {
    "gyearmonth-month-13.ttl": (
        9,
        "literal",
        'kkg:published: "2025-13" is not a valid xsd:gYearMonth: the month must be 01 to 12',
    ),
    "gyearmonth-in-words.ttl": (
        9,
        "literal",
        "\"March 2025\" is not a valid xsd:gYearMonth: a gYearMonth is written YYYY-MM (e.g. '2025-03')",
    ),
    "date-february-30.ttl": (9, "literal", '"2025-02-30" is not a valid xsd:date: February 2025 has no day 30'),
    "misspelled-datatype.ttl": (
        9,
        "literal",
        "xsd:gYearMonht is not an XML Schema datatype; did you mean xsd:gYearMonth?",
    ),
    "misspelled-class.ttl": (
        6,
        "vocabulary",
        "the class kkg:OpinionPol is not declared in the ontology; did you mean kkg:OpinionPoll?",
    ),
    "misspelled-property.ttl": (
        6,
        "vocabulary",
        "the property kkg:percentag is not declared in the ontology; did you mean kkg:percentage?",
    ),
    "misspelled-standard-term.ttl": (
        5,
        "vocabulary",
        "the property rdfs:lable is not a term of the rdfs: vocabulary; did you mean rdfs:label?",
    ),
    "undeclared-namespace.ttl": (
        5,
        "vocabulary",
        "the property https://w3id.org/kosovo-kg/test/nickname is not declared in the ontology",
    ),
}
MUST_PASS = ["dates-well-formed.ttl", "declared-and-standard-terms.ttl"]


@pytest.mark.parametrize("name", sorted(MUST_FAIL))
def test_a_mistake_is_one_error_with_file_line_and_fix(name):
    line, layer, message = MUST_FAIL[name]
    result = invoke(["validate", "--no-reasoning", WELLFORMED / name])
    assert result.exit_code == 1, result.output
    told = [text for text in result.stdout.splitlines() if message in text]
    assert len(told) == 1, result.stdout  # told once, by one layer
    assert told[0].strip().startswith(f"tests/fixtures/wellformed/{name}:{line}: ")
    assert told[0].endswith(f"[{layer}]")


@pytest.mark.parametrize("name", MUST_PASS)
def test_well_formed_data_gets_no_such_error(name):
    report = run_validation([WELLFORMED / name], reasoning=False)
    assert [p.line() for p in report.problems if p.layer in ("literal", "vocabulary")] == []


def test_the_repository_graph_is_well_formed():
    report = run_validation(reasoning=False, checks=False)
    assert [p.line() for p in report.problems if p.layer in ("literal", "vocabulary")] == []


def test_json_report_carries_the_line_and_layer():
    result = invoke(["validate", "--no-reasoning", "--format", "json", WELLFORMED / "misspelled-property.ttl"])
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    [problem] = [p for p in report["problems"] if p["layer"] == "vocabulary"]
    assert problem["line_number"] == 6 and problem["property"].endswith("#percentag")
    assert problem["file"] == "tests/fixtures/wellformed/misspelled-property.ttl"
