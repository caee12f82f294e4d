"""Validation in four layers: well-formedness (every literal's lexical form, a closed vocabulary; see
:mod:`kosovo_kg.curation.wellformed`), SHACL shapes, OWL reasoning, and SPARQL quality checks.

:func:`run_validation` returns a :class:`ValidationReport` with both the machine result
(``conforms``, ``problems``, the SHACL report graph) and readable ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.reading import parse_file
from kosovo_kg.core.store import KnowledgeGraph, load_graph
from kosovo_kg.namespaces import KKR, RDF, SH, shorten

if TYPE_CHECKING:
    import rdflib

RDF_TYPE = RDF + "type"
#: "note": a warning the data already answers, with a kkg:doubt on the node at fault
SEVERITIES = ("error", "warning", "note", "info")


@dataclass
class Problem:
    """One thing wrong, in words a maintainer can act on."""

    layer: str  # "literal", "vocabulary", "shacl", "reasoning" or "check"
    severity: str  # "error", "warning", "note" or "info"
    message: str
    node: str | None = None
    node_label: str | None = None
    file: str | None = None
    property: str | None = None
    value: str | None = None
    check: str | None = None
    solution: str | None = None
    line_number: int | None = None
    #: the other layers' findings that follow from this mistake, told here rather than apart
    also: list[str] = field(default_factory=list)
    #: a misspelt term's closest declared term (an IRI): what the node lacks because of it
    suggestion: str | None = field(default=None, repr=False)
    #: a resource the node points to and the graph does not describe (a misspelt name, an IRI)
    missing: str | None = field(default=None, repr=False)

    def line(self) -> str:
        """One line: where, which node and property, what is wrong (with the values), how to fix it.

        >>> Problem("check", "error", "A poll's lead is not its support minus its opposed share.",
        ...         node="https://w3id.org/kosovo-kg/resource/poll-x", node_label="Poll X", file="graph/polls.ttl",
        ...         value="lead=50.0, support=60.0", check="poll-lead", solution="Check the figures.").line()
        "graph/polls.ttl: Poll X (kkr:poll-x): A poll's lead is not its support minus its opposed share. (lead=50.0, support=60.0) Check the figures. [poll-lead]"
        """
        parts = []
        if self.node:
            shown = shorten(self.node)
            subject = f"{self.node_label} ({shown})" if self.node_label and self.node_label != shown else shown
            parts.append(subject + (f" {shorten(self.property)}" if self.property else ""))
        where = f"{self.file}:{self.line_number}" if self.file and self.line_number else self.file
        head = ": ".join(filter(None, [where, *parts]))
        text = f"{head}: {self.message}" if head else self.message
        if self.value:
            text += f" ({self.value})"
        if self.solution:
            text += f" {self.solution}"
        also = f"; also {', '.join(self.also)} until it is fixed" if self.also else ""
        return text + f" [{self.check or self.layer}{also}]"


@dataclass
class QualityCheck:
    name: str
    path: Path
    text: str
    problem: str
    solution: str
    severity: str


@dataclass
class ValidationReport:
    conforms: bool
    problems: list[Problem]
    triples: int
    files: int
    shapes: int
    checks_run: int
    reasoning: str
    report_graph: rdflib.Graph | None = field(default=None, repr=False)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def text_lines(self) -> list[str]:
        """The report as lines, one a finding, each one line whatever the values in it hold (see
        :func:`kosovo_kg.cli.options.write_report`)."""
        lines = []
        for severity in SEVERITIES:
            group = [p for p in self.problems if p.severity == severity]
            if group:
                lines.append(f"{severity.upper()}S ({len(group)})")
                lines.extend(f"  {p.line()}" for p in group)
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(
            f"Graph {verdict}: {self.triples} triples from {self.files} files; "
            f"SHACL {self.shapes} shapes; reasoning {self.reasoning}; "
            f"{self.checks_run} quality checks; {_plural(self.count('error'), 'error')}, "
            f"{_plural(self.count('warning'), 'warning')}, {_plural(self.count('note'), 'note')} "
            "(warnings the data already answers with a kkg:doubt)"
        )
        return lines

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)

    def to_json(self) -> dict:
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "files": self.files,
            "shapes": self.shapes,
            "checks_run": self.checks_run,
            "reasoning": self.reasoning,
            "problems": [
                {k: v for k, v in p.__dict__.items() if k not in ("suggestion", "missing")} for p in self.problems
            ],
        }


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def load_checks(folder: Path | None = None) -> list[QualityCheck]:
    """Quality-check queries: each opens with ``# Problem:``, ``# Solution:`` and ``# Severity:`` lines."""
    from kosovo_kg.errors import QueryError

    checks = []
    for path in sorted((folder or paths.checks_dir()).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        fields = dict(re.findall(r"^#\s*(Problem|Solution|Severity):\s*(.+?)\s*$", text, re.MULTILINE))
        missing = [k for k in ("Problem", "Solution", "Severity") if k not in fields]
        if missing:
            raise QueryError(f"{paths.display_path(path)}: the check needs '# {missing[0]}:' at its top")
        severity = fields["Severity"].lower()
        if severity not in SEVERITIES:
            raise QueryError(f"{paths.display_path(path)}: severity must be error, warning or info, not {severity!r}")
        checks.append(QualityCheck(path.stem, path, text, fields["Problem"], fields["Solution"], severity))
    return checks


def run_checks(kg: KnowledgeGraph, checks: Iterable[QualityCheck]) -> list[Problem]:
    """Run each check on the embedded Oxigraph engine; every row it returns is a problem.

    The first column names the node at fault; the other columns are the values involved. A
    warning about a node that already records the matter with ``kkg:doubt`` is a note: the
    data has answered it, and a reader of the node sees the doubt.
    """
    from kosovo_kg.querying.pipeline import execute

    doubts: dict[str, str] = {}
    for doubt in execute("SELECT ?node ?doubt WHERE { ?node kkg:doubt ?doubt } ORDER BY ?node ?doubt", kg=kg):
        doubts.setdefault(doubt["node"], doubt["doubt"])
    problems = []
    for check in checks:
        result = execute(check.text, kg=kg)
        for row in result.rows:
            node = row[0].value if row and row[0] is not None else None
            # the doubt may sit on any node of the row: a duplicate reference's twin, say
            recorded = [doubts[t.value] for t in row if isinstance(t, ox.NamedNode) and t.value in doubts]
            acknowledged = check.severity == "warning" and bool(recorded)
            severity = "note" if acknowledged else check.severity
            solution = f"Recorded as a doubt: {recorded[0]}" if acknowledged else check.solution
            missing = next(
                (
                    t.value
                    for t in row[1:]
                    if isinstance(t, ox.NamedNode) and t.value.startswith(KKR) and not kg.describes(t.value)
                ),
                None,
            )
            if missing is not None:
                solution = _did_you_mean(missing, kg) + solution
            values = ", ".join(
                f"{name}={_show(term, kg)}"
                for name, term in zip(result.variables[1:], row[1:], strict=True)
                if term is not None
            )
            problems.append(
                Problem(
                    "check",
                    severity,
                    check.problem,
                    node=node,
                    node_label=kg.label(node) if node else None,
                    file=kg.file_of(node) if node else None,
                    value=values or None,
                    check=check.name,
                    solution=solution,
                    missing=missing,
                )
            )
    return problems


def _did_you_mean(iri: str, kg: KnowledgeGraph) -> str:
    """``Did you mean kkr:vjosa-osmani? `` for a resource's misspelt name, or nothing."""
    from kosovo_kg.querying.terms import closest

    described = [name for name in kg.labels if name.startswith(KKR)]
    close = [shorten(name) for name in closest(iri, described)]
    return f"Did you mean {' or '.join(close)}? " if close else ""


def _show(term, kg: KnowledgeGraph) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return kg.label(term.value)
    return term.value


def run_shacl(kg: KnowledgeGraph, shapes_path: Path | None = None) -> tuple[list[Problem], int, rdflib.Graph]:
    import pyshacl
    import rdflib

    shapes_path = shapes_path or paths.shapes_file()
    from kosovo_kg.core.rdf import to_rdflib

    shapes = rdflib.Graph()
    for triple in parse_file(shapes_path):
        shapes.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    shape_count = len(set(shapes.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "NodeShape")))) + len(
        set(shapes.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "PropertyShape")))
    )
    _, report, _ = pyshacl.validate(kg.rdflib_graph, shacl_graph=shapes, inference="none", advanced=False)
    sh = rdflib.Namespace(SH)
    problems = []
    nested = set(report.objects(None, sh.detail))
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        if result in nested:  # told by the result that holds it, in the shape's own message
            continue
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        messages = [str(m) for m in report.objects(result, sh.resultMessage)]
        severity = report.value(result, sh.resultSeverity)
        node = str(focus) if isinstance(focus, rdflib.URIRef) else None
        problems.append(
            Problem(
                "shacl",
                {"Violation": "error", "Warning": "warning"}.get(str(severity).rsplit("#", 1)[-1], "info"),
                messages[0] if messages else "shape not satisfied",
                node=node,
                node_label=kg.label(node) if node else str(focus),
                file=kg.file_of(node) if node else None,
                property=str(path) if isinstance(path, rdflib.URIRef) else None,
                value=None if value is None or value == focus else f"value {value}",
            )
        )
    problems.sort(key=lambda p: (p.file or "", p.node or "", p.property or "", p.message))
    return problems, shape_count, report


def run_wellformed(kg: KnowledgeGraph) -> list[Problem]:
    """Typed literals of the wrong form and undeclared classes or properties (see :mod:`wellformed`)."""
    from kosovo_kg.curation.wellformed import literal_findings, vocabulary_findings

    problems = []
    for finding in [*literal_findings(kg), *vocabulary_findings(kg)]:
        problems.append(
            Problem(
                finding.kind,
                "error",
                finding.message,
                node=finding.node,
                node_label=kg.label(finding.node) if finding.node else None,
                file=kg.graph_files.get(finding.graph, finding.graph),
                property=finding.property,
                value=finding.value and f"value {finding.value!r}",
                line_number=finding.line,
                suggestion=finding.suggestion,
            )
        )
    problems.sort(key=lambda p: (p.file or "", p.line_number or 0, p.node or "", p.message))
    return problems


def once_each(problems: list[Problem], kg: KnowledgeGraph, checks: Iterable[QualityCheck] = ()) -> list[Problem]:
    """Each mistake told once, by the layer that finds its cause, with the other layers'
    findings that follow from it named on its line (``also``) instead of told apart:

    - a literal of the wrong form: the shape that wants that datatype on the node, and a check
      that compares the value (a date "out of order" because it is not a date);
    - a misspelt property (``kkg:percentag``): the shape that wants the property it was meant to
      be on that node, and a check that reads that property about the node or a node next to it
      (the poll whose shares no longer add up);
    - a misspelt class: the node falls out of its shapes; a shape that wants the node as a value
      of that class, and a check that reads that class about the node or a node next to it;
    - a misspelt resource name (``kkr:vjosa-osmanii``, found by the check for references to
      resources the graph does not describe): the shape that wants that value of another class.

    A line repeated by two layers is printed once.
    """
    causes = [p for p in problems if (p.layer in ("literal", "vocabulary") or p.missing) and p.node]
    texts = {check.name: check.text for check in checks}
    kept: list[Problem] = []
    seen: set[str] = set()
    for problem in problems:
        cause = None if problem in causes else _cause_of(problem, causes, kg, texts.get(problem.check or "", ""))
        if cause is not None:
            name = problem.check or problem.layer
            if name not in cause.also:
                cause.also.append(name)
            continue
        line = problem.line()
        if line not in seen:
            seen.add(line)
            kept.append(problem)
    return kept


def with_lines(problems: Iterable[Problem], kg: KnowledgeGraph) -> None:
    """Give each finding about a node the line it points to: where its file states the missing
    resource, else the property, else the node (the shapes and checks read the store, which
    keeps no lines; the well-formedness findings have theirs)."""
    from kosovo_kg.curation.wellformed import locate_in_node

    graphs = {shown: name for name, shown in kg.graph_files.items()}
    for problem in problems:
        graph = graphs.get(problem.file or "")
        if problem.line_number is not None or problem.node is None or graph is None:
            continue
        needle = problem.missing or problem.property
        problem.line_number = locate_in_node(graph, problem.node, needle)


def _cause_of(problem: Problem, causes: list[Problem], kg: KnowledgeGraph, check_text: str) -> Problem | None:
    """The well-formedness error that ``problem`` follows from, if any (``check_text``: the query
    of the check that found it)."""
    for cause in causes:
        if cause.missing is not None:  # kkr:vjosa-osmanii: the speaker is no person, as far as the shapes see
            if problem.layer == "shacl" and problem.node == cause.node and problem.value == f"value {cause.missing}":
                return cause
            continue
        if cause.layer == "literal":
            bad_value = (cause.value or "").removeprefix("value ").strip("'")
            if problem.layer == "shacl" and (problem.node, problem.property) == (cause.node, cause.property):
                return cause
            if problem.layer == "check" and problem.node == cause.node and bad_value in (problem.value or ""):
                return cause
            continue
        misspelt_class = cause.property == RDF_TYPE
        if problem.layer == "shacl":
            if not misspelt_class and (problem.node, problem.property) == (cause.node, cause.suggestion):
                return cause
            if misspelt_class and problem.value == f"value {cause.node}":
                return cause
        elif (
            problem.layer == "check"
            and cause.suggestion is not None
            and _reads(check_text, cause.suggestion)
            and problem.node in _neighbours(cause.node, kg)
        ):
            return cause
    return None


def _reads(query: str, iri: str) -> bool:
    """Whether a check's query names the term, in full or as a prefixed name."""
    return f"<{iri}>" in query or re.search(re.escape(shorten(iri)) + r"(?![\w-])", query) is not None


def _neighbours(node: str | None, kg: KnowledgeGraph) -> set[str | None]:
    """The node and the named nodes one statement away from it, either way."""
    if node is None:
        return {None}
    term = ox.NamedNode(node)
    near: set[str | None] = {node}
    near |= {q.object.value for q in kg.store.quads_for_pattern(term, None, None) if isinstance(q.object, ox.NamedNode)}
    near |= {
        q.subject.value for q in kg.store.quads_for_pattern(None, None, term) if isinstance(q.subject, ox.NamedNode)
    }
    return near


def run_validation(
    extra_files: Iterable[Path | str] = (),
    *,
    reasoning: bool = True,
    checks: bool = True,
    progress: Callable[[str], None] = lambda step: None,
) -> ValidationReport:
    """Validate the repository's graph plus any extra Turtle files (a new poll, say);
    ``progress`` is told each step as it starts (the command line shows them on a terminal).

    >>> report = run_validation(reasoning=False)
    >>> report.conforms, report.count("error")
    (True, 0)
    """
    extra = list(extra_files)
    if reasoning:  # a missing Java is told before the minutes of SHACL, not after
        from kosovo_kg.curation.reasoning import require_java

        require_java()
    progress("loading the graph" + (f" and {len(extra)} file{'s' if len(extra) != 1 else ''}" if extra else ""))
    kg = load_graph(extra)
    progress("well-formedness: literals and vocabulary")
    well_formed = run_wellformed(kg)
    progress("SHACL shapes (pySHACL)")
    shacl, shape_count, report_graph = run_shacl(kg)
    problems = [*well_formed, *shacl]
    verdict = "skipped"
    if reasoning:
        from kosovo_kg.curation.reasoning import check_consistency

        progress("OWL reasoning (HermiT; its answer is cached)")
        outcome = check_consistency(kg)
        verdict = "HermiT: consistent" if outcome.consistent else "HermiT: INCONSISTENT"
        if not outcome.consistent:
            problems.append(Problem("reasoning", "error", outcome.message))
    quality = load_checks() if checks else []
    if quality:
        progress(f"{len(quality)} quality checks")
    problems.extend(run_checks(kg, quality))
    problems = once_each(problems, kg, quality)
    with_lines(problems, kg)
    conforms = not any(p.severity == "error" for p in problems)
    return ValidationReport(
        conforms,
        problems,
        triples=len(kg),
        files=len(paths.data_files()) + len(extra),
        shapes=shape_count,
        checks_run=len(quality),
        reasoning=verdict,
        report_graph=report_graph,
    )
