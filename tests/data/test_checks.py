"""Each quality check fires on a fixture made to trigger it, and on nothing else.

``tests/fixtures/checks/NAME.ttl`` is added to the repository's graph; its first line names the
node the check NAME must report. The test expects exactly that one new problem from all checks.
"""

from __future__ import annotations

import re

import pytest
from conftest import TESTS

from kosovo_kg import load_graph
from kosovo_kg.curation.validation import load_checks, run_checks

FIXTURES = TESTS / "fixtures" / "checks"
KKR = "https://w3id.org/kosovo-kg/resource/"
CHECKS = load_checks()


def _problems(kg) -> set[tuple[str, str | None]]:
    return {(p.check, p.node) for p in run_checks(kg, CHECKS)}


@pytest.fixture(scope="module")
def baseline(kg):
    return _problems(kg)


def test_every_check_opens_with_problem_solution_and_severity():
    for check in CHECKS:
        head = check.text.splitlines()[:3]
        assert [line.split(":")[0] for line in head] == ["# Problem", "# Solution", "# Severity"], check.name


def test_every_check_has_a_fixture():
    assert sorted(p.stem for p in FIXTURES.glob("*.ttl")) == sorted(c.name for c in CHECKS)


@pytest.mark.parametrize("check", sorted(c.name for c in CHECKS))
def test_check_reports_exactly_its_fixture(baseline, check):
    fixture = FIXTURES / f"{check}.ttl"
    node = KKR + re.match(r"# node: kkr:(\S+)", fixture.read_text(encoding="utf-8")).group(1)
    new = _problems(load_graph([fixture])) - baseline
    assert new == {(check, node)}


def test_on_the_repository_graph_only_the_recorded_doubts_fire(baseline):
    assert baseline == {
        ("duplicate-source", KKR + "ref-04"),
        ("fact-after-source", KKR + "statement-vucic-2024"),
        ("poll-answers-rounding", KKR + "poll-iri-2023-02"),
    }
