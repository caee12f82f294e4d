"""The validator's checks of what maintainers get wrong: literals of the wrong form and
classes or properties that nothing declares. Each check has fixtures that must fail, with the
file, line, node and a did-you-mean, and fixtures that must pass."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, TESTS, invoke

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
    assert re.search(rf"\[{layer}(; also [^\]]+ until it is fixed)?\]$", told[0])


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


def test_a_misspelt_property_is_one_error_with_what_follows_from_it_on_its_line():
    """kkg:percentag once: the vocabulary layer tells it, at its line; the shape that wants
    kkg:percentage on the node and the check whose shares no longer add up are named on that
    line, not told as errors of their own (they were three errors for one mistake)."""
    report = run_validation([ROOT / "examples" / "poll-with-a-mistake.ttl"], reasoning=False)
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(p.layer, p.line_number, p.also) for p in errors] == [("vocabulary", 41, ["shacl", "poll-answers-sum"])]
    assert errors[0].node == "https://w3id.org/kosovo-kg/example/example-poll-2026-06-support"
    assert (
        errors[0]
        .line()
        .endswith("did you mean kkg:percentage? [vocabulary; also shacl, poll-answers-sum until it is fixed]")
    )
    # what does not follow from it is still told: the poll's only source is of unknown standing
    assert [p.check for p in report.problems if p.severity == "warning"] == ["fact-only-on-copies"]


def test_the_same_typo_on_three_nodes_is_told_at_each_node_and_its_line():
    """It was told once, at the first line that held the term, labelled with another node."""
    name = "misspelled-property-on-three-nodes.ttl"
    report = run_validation([WELLFORMED / name], reasoning=False)
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(p.layer, p.line_number, p.node.rsplit("-", 1)[-1]) for p in errors] == [
        ("vocabulary", 38, "support"),
        ("vocabulary", 43, "opposed"),
        ("vocabulary", 48, "neutral"),
    ]
    lines = (WELLFORMED / name).read_text(encoding="utf-8").splitlines()
    assert all("kkg:percentag " in lines[p.line_number - 1] for p in errors)
    assert all(p.also == ["shacl"] for p in errors)


def test_a_misspelt_class_takes_the_shapes_that_want_the_node_along(tmp_path):
    """A pollster typed kkg:Organisation falls out of its shapes, and the poll's shape then finds
    a pollster that is not an Organization: one mistake, told once, at the class."""
    text = (ROOT / "examples" / "example-poll.ttl").read_text(encoding="utf-8")
    mistaken = tmp_path / "poll.ttl"
    mistaken.write_text(text.replace("a kkg:Organization", "a kkg:Organisation"), encoding="utf-8")
    report = run_validation([mistaken], reasoning=False)
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(p.layer, p.also) for p in errors] == [("vocabulary", ["shacl"])]
    assert (
        "the class kkg:Organisation is not declared in the ontology; did you mean kkg:Organization?" in errors[0].line()
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("one.jsonld", '{"@id": "https://w3id.org/kosovo-kg/test/a", "https://w3id.org/kosovo-kg/test/nickname": "v"}'),
        ("one-line.ttl", "@base <https://w3id.org/kosovo-kg/test/> . <a> <nickname> <c> ."),
    ],
)
def test_a_file_where_no_line_starts_a_subject_still_gets_its_findings(tmp_path, name, text):
    # regression: JSON-LD, or Turtle on one line, ended validate with an internal error (exit 70)
    (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_validation([tmp_path / name], reasoning=False)
    [error] = [p for p in report.problems if p.severity == "error"]
    assert error.layer == "vocabulary" and "nickname is not declared in the ontology" in error.line()
