"""curation/validation.py: the four layers' problems as one report: each problem in one line a
maintainer can act on, told once, warnings the data answers with a doubt as notes, quality checks
read from their headers, and the summary. The layers' own rules are tested by tests/data/
(shapes, checks) and tests/curation/test_wellformed.py."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import TESTS

from kosovo_kg.core import paths
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.curation.validation import (
    Problem,
    QualityCheck,
    ValidationReport,
    load_checks,
    once_each,
    run_checks,
    run_shacl,
    run_validation,
    run_wellformed,
)
from kosovo_kg.errors import QueryError
from kosovo_kg.namespaces import KKG, KKR

WELLFORMED = TESTS / "fixtures" / "wellformed"
PREFIXES = f"@prefix kkg: <{KKG}> . @prefix kkr: <{KKR}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


def graph(turtle: str) -> KnowledgeGraph:
    return KnowledgeGraph([q.triple for q in ox.parse((PREFIXES + turtle).encode(), ox.RdfFormat.TURTLE)])


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        (Problem("reasoning", "error", "the ontology is inconsistent"), "the ontology is inconsistent [reasoning]"),
        (
            Problem("shacl", "error", "A poll needs a date.", node=KKR + "poll-x", file="graph/polls.ttl"),
            "graph/polls.ttl: kkr:poll-x: A poll needs a date. [shacl]",
        ),
        (
            Problem(
                "literal",
                "error",
                '"2025-13" is not a valid xsd:gYearMonth',
                node=KKR + "poll-x",
                node_label="Poll X",
                file="graph/polls.ttl",
                property=KKG + "published",
                value="value '2025-13'",
                line_number=12,
            ),
            'graph/polls.ttl:12: Poll X (kkr:poll-x) kkg:published: "2025-13" is not a valid xsd:gYearMonth'
            " (value '2025-13') [literal]",
        ),
        # a node whose label is its prefixed name is not named twice
        (
            Problem("check", "warning", "Orphan.", node=KKR + "x", node_label="kkr:x", check="orphan-node"),
            "kkr:x: Orphan. [orphan-node]",
        ),
    ],
    ids=["bare", "node-and-file", "everything", "unlabelled-node"],
)
def test_a_problem_is_one_line_with_where_what_and_how_to_fix(problem, line):
    assert problem.line() == line


def report(*problems: Problem, conforms: bool = False) -> ValidationReport:
    return ValidationReport(conforms, list(problems), triples=10, files=2, shapes=3, checks_run=1, reasoning="skipped")


def test_the_report_groups_problems_by_severity_then_sums_up():
    text = report(
        Problem("check", "note", "Answered.", check="a"),
        Problem("shacl", "error", "Wrong."),
        Problem("check", "warning", "Odd.", check="b"),
        Problem("check", "warning", "Odder.", check="c"),
    ).text
    assert text.splitlines() == [
        "ERRORS (1)",
        "  Wrong. [shacl]",
        "WARNINGS (2)",
        "  Odd. [b]",
        "  Odder. [c]",
        "NOTES (1)",
        "  Answered. [a]",
        "Graph does not conform: 10 triples from 2 files; SHACL 3 shapes; reasoning skipped; 1 quality checks; "
        "1 error, 2 warnings, 1 note (warnings the data already answers with a kkg:doubt)",
    ]
    assert report(conforms=True).text == (
        "Graph conforms: 10 triples from 2 files; SHACL 3 shapes; reasoning skipped; 1 quality checks; "
        "0 errors, 0 warnings, 0 notes (warnings the data already answers with a kkg:doubt)"
    )


def test_the_report_as_json_has_every_field_of_every_problem():
    data = report(Problem("check", "error", "Wrong.", node=KKR + "x", check="poll-lead", line_number=3)).to_json()
    assert {k: v for k, v in data.items() if k != "problems"} == {
        "conforms": False,
        "triples": 10,
        "files": 2,
        "shapes": 3,
        "checks_run": 1,
        "reasoning": "skipped",
    }
    [problem] = data["problems"]
    assert problem["node"] == KKR + "x" and problem["check"] == "poll-lead" and problem["line_number"] == 3
    assert set(problem) >= {"layer", "severity", "message", "file", "property", "value", "solution"}


CHECK = "# Problem: {problem}\n# Solution: Fix it.\n# Severity: {severity}\nSELECT ?node WHERE {{ ?node kkg:flagged true }}\n"


def test_quality_checks_are_read_from_their_headers_in_name_order(tmp_path):
    (tmp_path / "b-second.rq").write_text(CHECK.format(problem="Second.", severity="Warning"))
    (tmp_path / "a-first.rq").write_text(CHECK.format(problem="First.", severity="error"))
    (tmp_path / "notes.txt").write_text("not a check")
    checks = load_checks(tmp_path)
    assert [(c.name, c.problem, c.solution, c.severity) for c in checks] == [
        ("a-first", "First.", "Fix it.", "error"),
        ("b-second", "Second.", "Fix it.", "warning"),
    ]
    assert [c.name for c in load_checks()] == sorted(p.stem for p in paths.checks_dir().glob("*.rq"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Problem: X.\n# Severity: error\nASK {}\n", r"x\.rq: the check needs '# Solution:' at its top"),
        ("ASK {}\n", r"x\.rq: the check needs '# Problem:' at its top"),
        (CHECK.format(problem="X.", severity="fatal"), r"x\.rq: severity must be error, warning or info, not 'fatal'"),
    ],
)
def test_a_check_without_its_header_is_refused_naming_the_file(tmp_path, text, message):
    (tmp_path / "x.rq").write_text(text)
    with pytest.raises(QueryError, match=message):
        load_checks(tmp_path)


def check(severity: str) -> QualityCheck:
    text = "SELECT ?node ?value WHERE { ?node kkg:flagged ?value } ORDER BY ?node"
    return QualityCheck(f"flag-{severity}", paths.checks_dir() / "x.rq", text, "Flagged.", "Unflag it.", severity)


def test_every_row_of_a_check_is_a_problem_naming_its_node_and_values():
    kg = graph(
        'kkr:a rdfs:label "Node A"@en ; kkg:flagged kkr:b . kkr:b rdfs:label "Node B"@en . kkr:c kkg:flagged 7 .'
    )
    problems = run_checks(kg, [check("error")])
    assert [(p.node, p.node_label, p.value, p.severity, p.solution) for p in problems] == [
        (KKR + "a", "Node A", "value=Node B", "error", "Unflag it."),  # an IRI by its label
        (KKR + "c", "kkr:c", "value=7", "error", "Unflag it."),
    ]


def test_a_warning_the_data_answers_with_a_doubt_is_a_note_and_an_error_stays_an_error():
    kg = graph('kkr:a kkg:flagged kkr:b . kkr:b kkg:doubt "The source gives two dates."@en .')
    [warning] = run_checks(kg, [check("warning")])
    assert (warning.severity, warning.solution) == ("note", "Recorded as a doubt: The source gives two dates.")
    [error] = run_checks(kg, [check("error")])
    assert (error.severity, error.solution) == ("error", "Unflag it.")


def test_a_literal_of_the_wrong_form_is_told_once_not_again_by_a_shape_or_a_check():
    literal = Problem("literal", "error", "bad date", node=KKR + "a", property=KKG + "date", value="value '2025-13'")
    shape = Problem("shacl", "error", "needs a date", node=KKR + "a", property=KKG + "date")
    other_shape = Problem("shacl", "error", "needs a source", node=KKR + "a", property=KKG + "source")
    order = Problem("check", "error", "out of order", node=KKR + "a", value="start=2025-13, end=2025-01")
    twice = Problem("check", "warning", "orphan", node=KKR + "z", check="orphan-node")
    kg = graph('kkr:a rdfs:label "A"@en .')
    assert once_each([literal, shape, other_shape, order, twice, twice], kg) == [literal, other_shape, twice]
    assert literal.also == ["shacl", "check"]  # named on the literal's line instead


def test_shacl_problems_name_the_node_property_and_value_sorted_by_file_and_node(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PREFIXES
        + "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        + "kkr:PollShape a sh:NodeShape ; sh:targetClass kkg:OpinionPoll ;\n"
        + '  sh:property [ sh:path kkg:percentage ; sh:maxInclusive 100 ; sh:message "At most 100."@en ] ;\n'
        + '  sh:property [ sh:path kkg:pollster ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "Who polled?"@en ] .\n'
    )
    kg = graph(
        'kkr:poll-b a kkg:OpinionPoll ; rdfs:label "Poll B"@en ; kkg:percentage 120 ; kkg:pollster kkr:x .'
        "kkr:poll-a a kkg:OpinionPoll ; kkg:percentage 50 ."
    )
    problems, shape_count, report_graph = run_shacl(kg, shapes)
    assert shape_count == 1 and len(report_graph) > 0
    assert [(p.node, p.severity, p.message, p.property, p.value, p.node_label) for p in problems] == [
        (KKR + "poll-a", "warning", "Who polled?", KKG + "pollster", None, "kkr:poll-a"),
        (KKR + "poll-b", "error", "At most 100.", KKG + "percentage", "value 120", "Poll B"),
    ]


def test_well_formedness_findings_become_errors_with_file_and_line():
    from kosovo_kg.core.store import load_graph

    kg = load_graph([WELLFORMED / "gyearmonth-month-13.ttl"], packaged=False)
    [problem] = [p for p in run_wellformed(kg) if p.layer == "literal"]
    assert (problem.severity, problem.line_number, problem.value) == ("error", 9, "value '2025-13'")
    assert problem.file == "tests/fixtures/wellformed/gyearmonth-month-13.ttl"
    assert problem.node == KKR + "wellformed-test-source" and problem.property == KKG + "published"


def test_a_validation_counts_the_extra_files_and_what_it_skipped(tmp_path):
    (tmp_path / "comment.ttl").write_text(PREFIXES + 'kkr:kosovo rdfs:comment "A comment of the test."@en .\n')
    report = run_validation([tmp_path / "comment.ttl"], reasoning=False, checks=False)
    assert report.conforms and report.reasoning == "skipped" and report.checks_run == 0
    assert report.files == len(paths.data_files()) + 1
    assert report.shapes > 50 and report.triples > 2000 and report.report_graph is not None


def test_a_bad_date_is_not_also_told_as_a_shape_or_order_problem():
    """A date of the wrong form used to be reported by sh:datatype and again by date-order checks."""
    report = run_validation([WELLFORMED / "gyearmonth-in-words.ttl"], reasoning=False)
    about_the_date = [p for p in report.problems if p.node and p.node.endswith("wellformed-test-source")]
    mentions = [
        p for p in about_the_date if "March 2025" in p.line() or (p.property and p.property.endswith("published"))
    ]
    assert [p.layer for p in mentions] == ["literal"]


def test_no_line_is_printed_twice():
    report = run_validation(sorted(WELLFORMED.glob("*.ttl")), reasoning=False)  # every mistake at once
    lines = [p.line() for p in report.problems]
    assert len(lines) == len(set(lines))


def test_warnings_the_data_answers_with_a_doubt_are_notes():
    report = run_validation(reasoning=False)
    notes = [p for p in report.problems if p.severity == "note"]
    assert {p.check for p in notes} >= {"duplicate-source", "fact-after-source", "poll-answers-rounding"}
    assert all(p.solution and p.solution.startswith("Recorded as a doubt: ") for p in notes)
    assert report.count("warning") == 0


MISSPELT_SPEAKER = """@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> .
@prefix kkr: <https://w3id.org/kosovo-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kkr:statement-test a kkg:Statement ;
    rdfs:label "A statement of the test"@en ;
    kkg:speaker kkr:vjosa-osmanii ;
    kkg:speakerOffice kkr:president-of-kosovo ;
    kkg:topic kkr:nato ;
    kkg:stance kkg:Supports ;
    kkg:date "2022-03"^^xsd:gYearMonth ;
    kkg:source kkr:ref-11 .
"""


def test_a_misspelt_resource_name_is_told_once_at_its_line_with_the_name_meant(tmp_path):
    # it was two errors, the shape's and the check's, at no line, and neither named Vjosa Osmani
    (tmp_path / "mine.ttl").write_text(MISSPELT_SPEAKER)
    report = run_validation([tmp_path / "mine.ttl"], reasoning=False)
    [error] = [p for p in report.problems if p.severity == "error"]
    assert (error.check, error.line_number, error.also) == ("dangling-reference", 8, ["shacl"])
    assert error.line().startswith(f"{paths.display_path(tmp_path / 'mine.ttl')}:8: A statement of the test (kkr:")
    assert "Did you mean kkr:vjosa-osmani? Correct the name" in error.line()
    assert "missing" not in report.to_json()["problems"][0]


def test_every_finding_about_a_node_of_a_turtle_file_has_its_line(tmp_path):
    (tmp_path / "mine.ttl").write_text(MISSPELT_SPEAKER.replace("    kkg:date", "    kkg:dat"))
    report = run_validation([tmp_path / "mine.ttl"], reasoning=False)
    about = [p for p in report.problems if p.node == KKR + "statement-test"]
    assert about and all(p.line_number for p in about)
    assert all(p.line_number for p in report.problems if p.node and p.file and p.file.startswith("graph/"))
