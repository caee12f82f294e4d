"""Every SHACL shape that has a message catches the invalid data it is written for.

``tests/fixtures/shapes/<Shape>.ttl`` holds, for each shape of ``ontology/shapes.ttl`` with an
``sh:message``, a few nodes that break that shape's rule and no other. Its first two lines name
the node that must be reported and the message it must be reported with::

    # node: kkr:fixture-poll-support
    # message: A poll result needs a percentage between 0 and 100 (kkg:percentage, xsd:decimal).

A fixture is validated together with the ontology only, not with ``graph/``, so every node it
refers to is described in the fixture itself.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import TESTS

from kosovo_kg import load_graph
from kosovo_kg.core import paths
from kosovo_kg.core.reading import parse_file
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.curation.validation import run_shacl

FIXTURES = TESTS / "fixtures" / "shapes"
FIXTURE_FILES = sorted(FIXTURES.glob("*.ttl"))
KKR = "https://w3id.org/kosovo-kg/resource/"
KKGSH = "https://w3id.org/kosovo-kg/shapes#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def read_header(path: Path) -> tuple[str, str]:
    """The IRI of the node the fixture must get reported, and the message it must be reported with."""
    lines = path.read_text(encoding="utf-8").splitlines()
    node = re.fullmatch(r"# node: kkr:(\S+)", lines[0]) if lines else None
    message = re.fullmatch(r"# message: (.+)", lines[1]) if len(lines) > 1 else None
    assert node and message, f"{path.name}: the first two lines must be '# node: kkr:…' and '# message: …'"
    return KKR + node[1], message[1]


@cache
def ontology_triples() -> tuple[ox.Triple, ...]:
    return tuple(parse_file(paths.ontology_file()))


def shape_messages() -> dict[str, str]:
    """Local name of each shape in shapes.ttl that has an sh:message, with that message."""
    shapes = rdflib.Graph().parse(paths.shapes_file(), format="turtle")
    found = {}
    for shape, message in shapes.subject_objects(SH.message):
        assert str(shape).startswith(KKGSH), f"a shape with a message needs a kkgsh: IRI of its own, not {shape}"
        found[str(shape).removeprefix(KKGSH)] = str(message)
    return found


def shapes_behind(report: rdflib.Graph, result) -> set[str]:
    """The shape that produced a validation result and the shapes of the results nested in it (sh:detail)."""
    found = {str(report.value(result, SH.sourceShape))}
    for detail in report.objects(result, SH.detail):
        found |= shapes_behind(report, detail)
    return found


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.stem)
def test_shape_reports_its_fixture(path: Path) -> None:
    node, message = read_header(path)
    kg = KnowledgeGraph([*ontology_triples(), *parse_file(path)], {})
    problems, _, report = run_shacl(kg)
    shown = "\n".join(f"  {p.line()}" for p in problems) or "  (none)"

    assert any(p.node == node and p.message == message for p in problems), (
        f"{path.name}: expected {node} to be reported with\n  {message}\nSHACL reported:\n{shown}"
    )

    # The fixture breaks its own shape's rule and nothing else: every result at the top of the
    # report comes from that shape, or has a result from it nested in it (a shape reached by sh:node).
    shape = KKGSH + path.stem
    top = [r for r in report.subjects(rdflib.RDF.type, SH.ValidationResult) if (None, SH.detail, r) not in report]
    stray = [r for r in top if shape not in shapes_behind(report, r)]
    assert not stray, f"{path.name} breaks more than kkgsh:{path.stem}; SHACL reported:\n{shown}"


def test_every_shape_with_a_message_has_a_fixture() -> None:
    messages = shape_messages()
    fixtures = {path.stem: path for path in FIXTURE_FILES}

    assert sorted(set(messages) - set(fixtures)) == [], (
        "shapes with an sh:message but no fixture in tests/fixtures/shapes"
    )
    assert sorted(set(fixtures) - set(messages)) == [], "fixtures named after no shape with an sh:message"
    misquoted = {
        stem: read_header(path)[1] for stem, path in fixtures.items() if read_header(path)[1] != messages[stem]
    }
    assert misquoted == {}, "fixtures whose '# message:' line is not their shape's sh:message"


def test_fixtures_describe_only_fixture_nodes() -> None:
    """Fixtures stay apart from the real data: each subject is a kkr:fixture-… node."""
    strays = {
        path.name: triple.subject.value
        for path in FIXTURE_FILES
        for triple in parse_file(path)
        if not (isinstance(triple.subject, ox.NamedNode) and triple.subject.value.startswith(KKR + "fixture-"))
    }
    assert strays == {}


def test_repository_graph_has_no_shacl_problems() -> None:
    problems, shape_count, _ = run_shacl(load_graph())
    assert shape_count > 0
    assert problems == [], "\n".join(p.line() for p in problems)
