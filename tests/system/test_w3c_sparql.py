"""The W3C SPARQL 1.1 and DAWG query tests through every door: the command line on both embedded
engines, and ``serve``.

Every positive and negative syntax test and every evaluation test whose dataset the command line
can load runs as ``kosovo-kg sparql -f QUERY --only-data --data FILE ... --engine E`` (in-process,
through conftest's ``invoke``), and is held against the manifest's answer the way the manifests
mean it (tests/w3c_suite.py). The evaluation tests also run through ``serve``, one server over
every data file of the suites, each test choosing its dataset with default-graph-uri and
named-graph-uri.

The command line's dataset is the union of the files as the default graph and each file as a
graph named by its URL. A test whose query names its dataset (FROM, FROM NAMED) gets exactly its
own; so does one with only default-graph data and no GRAPH in its query. Any other (named graphs
beside a default graph, or GRAPH over default-graph data) cannot be expressed on the command line
and runs through ``serve`` alone.

What fails is listed once, in tests/w3c-deviations.toml, each entry with its reason or upstream
issue: an engine's own failure (checked here: the same engine used plainly, on the manifest's
own dataset, fails it too) or the documented policy (no SERVICE without --allow-federation; a
FROM that names no loaded graph is refused, never fetched). A listed test that passes fails the
build (strict xfail), so the list stays true; a failure that is not listed fails it too. No run
may end in exit 70 (a bug of kosovo-kg), listed or not.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import urllib.parse
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pytest
import w3c_suite as w3c
from conftest import TESTS, invoke, serve_client

from kosovo_kg.querying.sparqltext import tokens

DEVIATIONS_FILE = TESTS / "w3c-deviations.toml"
ENGINES = ("oxigraph", "rdflib")

if not w3c.is_fetched():
    message = (
        f"the W3C SPARQL test suites are not in {w3c.suite_root()}: tests/run fetches them "
        "(python tests/w3c_suite.py fetch)"
    )
    if os.environ.get("CI"):
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)

ROOT = w3c.suite_root()
CASES = {case.id: case for case in w3c.cases()}


class Deviates(AssertionError):
    """A test's answer (or refusal) is not the manifest's: what a listed deviation expects.
    Anything else raised (exit 70, a traceback) fails the test even when it is listed."""


def _deviations() -> dict[tuple[str, str], dict]:
    """(test id, engine) -> its entry in w3c-deviations.toml."""
    listed: dict[tuple[str, str], dict] = {}
    for entry in tomllib.loads(DEVIATIONS_FILE.read_text(encoding="utf-8"))["deviation"]:
        for test in entry["tests"]:
            for engine in entry["engines"]:
                assert (test, engine) not in listed, f"{test} on {engine} is listed twice"
                listed[test, engine] = entry
    return listed


DEVIATIONS = _deviations()


def _marks(test: str, engine: str) -> list:
    entry = DEVIATIONS.get((test, engine))
    if entry is None:
        return []
    return [
        pytest.mark.xfail(
            strict=True, raises=Deviates, reason=f"{entry['kind']} deviation, see tests/w3c-deviations.toml"
        )
    ]


# --- which door each test can go through --------------------------------------------------------


def query_text(case: w3c.Case) -> str:
    return case.query.read_text(encoding="utf-8")


def uses_graph(text: str) -> bool:
    return any(t.kind == "word" and t.text.upper() == "GRAPH" for t in tokens(text))


def cli_files(case: w3c.Case) -> tuple[Path, ...] | None:
    """The --data files that give the test its own dataset on the command line, () for an empty
    dataset, or None when the command line cannot express it."""
    if case.kind != "evaluation":
        return ()
    text = query_text(case)
    if w3c.dataset_clause_files(case) or re.search(r"\bFROM\b", text, re.IGNORECASE):
        return tuple(sorted({*case.data, *case.graph_data, *w3c.dataset_clause_files(case)}))
    if case.graph_data or uses_graph(text):
        return None
    return case.data


def serve_dataset(case: w3c.Case) -> tuple[tuple[Path, ...], tuple[Path, ...]] | None:
    """The default-graph-uri and named-graph-uri files of a test run through serve (none when its
    query names its own dataset), or None when serve cannot run it: an empty dataset (no graph of
    the store is empty, so no parameter can name one)."""
    if case.kind != "evaluation" or not (case.data or case.graph_data or w3c.dataset_clause_files(case)):
        return None
    if w3c.dataset_clause_files(case):
        return (), ()
    return case.data, case.graph_data


CLI_CASES = [case for case in CASES.values() if cli_files(case) is not None]
SERVE_CASES = [case for case in CASES.values() if serve_dataset(case) is not None]


# --- running a test and judging the answer ---------------------------------------------------------


class Run(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


def expected_of(case: w3c.Case) -> w3c.Answer | str:
    assert case.result is not None
    return w3c.read_expected(case.result)


def judge(case: w3c.Case, run: Run) -> None:
    """Raise :class:`Deviates` when the command line's answer is not the manifest's; an exit 70
    (or a traceback, which invoke raises) is an AssertionError of its own."""
    assert run.exit_code != 70, f"exit 70, a bug of kosovo-kg: {run.stderr.strip()}"
    assert "Traceback" not in run.stderr, run.stderr
    message = run.stderr.strip()
    if case.kind == "negative-syntax":
        if run.exit_code == 0:
            raise Deviates("a query the grammar rules out was accepted")
        if run.exit_code != 2 or "syntax error" not in message:
            raise Deviates(f"refused, but not as a syntax error: {message}")
        return
    if run.exit_code != 0:
        assert run.exit_code == 2 and message.startswith("error: "), f"exit {run.exit_code}: {message}"
        raise Deviates(message)
    if case.kind == "positive-syntax":
        return
    expected = expected_of(case)
    if isinstance(expected, str):
        same = w3c.same_csv(expected, run.stdout, w3c.is_ordered(query_text(case)))
    else:
        same = w3c.same_answer(
            expected, cli_answer(case, run.stdout, expected), ROOT, w3c.is_ordered(query_text(case)), case.lax
        )
    if not same:
        raise Deviates(f"not the manifest's answer; got:\n{run.stdout[:2000]}")


def output_format(case: w3c.Case) -> str:
    """CSV and TSV results are compared as the command line writes them; others through its JSON."""
    suffix = case.result.suffix if case.result is not None else ""
    return {".csv": "csv", ".tsv": "tsv"}.get(suffix, "json")


def cli_answer(case: w3c.Case, stdout: str, expected: w3c.Answer) -> w3c.Answer:
    if expected.kind == "graph":
        return w3c.Answer("graph", triples=tuple(q.triple for q in ox.parse(stdout.encode(), ox.RdfFormat.TURTLE)))
    results_format = ox.QueryResultsFormat.TSV if output_format(case) == "tsv" else ox.QueryResultsFormat.JSON
    return w3c.answer_from_results(ox.parse_query_results(stdout.encode(), results_format))


@pytest.fixture(scope="module")
def empty_data(tmp_path_factory) -> Path:
    """An empty data file: the empty dataset of the syntax tests and of evaluation tests without data."""
    path = tmp_path_factory.mktemp("w3c") / "empty.ttl"
    path.write_text("")
    return path


def run_cli(case: w3c.Case, engine: str, empty: Path) -> Run:
    files = cli_files(case)
    assert files is not None
    args = ["sparql", "-f", case.query, "--only-data", "--data", *(files or (empty,)), "--engine", engine]
    result = invoke([*map(str, args), "--format", output_format(case)])
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("case_id", "engine"),
    [pytest.param(c.id, e, marks=_marks(c.id, e), id=f"{c.id}-{e}") for c in CLI_CASES for e in ENGINES],
)
def test_cli(case_id, engine, empty_data):
    case = CASES[case_id]
    judge(case, run_cli(case, engine, empty_data))


# --- serve: one server over every data file, each test choosing its dataset ------------------------


@pytest.fixture(scope="module")
def suite_server():
    from kosovo_kg import load_graph

    files = sorted({p for case in SERVE_CASES for p in (*case.data, *case.graph_data, *w3c.dataset_clause_files(case))})
    kg = load_graph(files, packaged=False)
    with serve_client(kg, workers=2, cache_bytes=0) as client:
        yield client


def serve_run(client, case: w3c.Case) -> tuple[int, bytes, str]:
    dataset = serve_dataset(case)
    assert dataset is not None
    defaults, named = dataset
    # the manifest's base IRI of a query is its file's URL; sent to an endpoint, whose base is its
    # own address, the query says so itself (a BASE before its own, which resolve against it)
    params = [("query", f"BASE <{case.query.as_uri()}>\n" + query_text(case))]
    params += [("default-graph-uri", p.as_uri()) for p in defaults]
    params += [("named-graph-uri", p.as_uri()) for p in named]
    expected = expected_of(case)
    graph = not isinstance(expected, str) and expected.kind == "graph"
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    if isinstance(expected, str):
        accept = "text/csv"
    elif output_format(case) == "tsv":
        accept = "text/tab-separated-values"
    response = client.post(
        "/sparql",
        content=urllib.parse.urlencode(params).encode(),
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    return response.status_code, response.content, accept


@pytest.mark.parametrize("case_id", [pytest.param(c.id, marks=_marks(c.id, "oxigraph"), id=c.id) for c in SERVE_CASES])
def test_serve(case_id, suite_server):
    case = CASES[case_id]
    status, body, accept = serve_run(suite_server, case)
    assert status != 500, body.decode("utf-8", "replace")
    if status != 200:
        raise Deviates(f"HTTP {status}: {body.decode('utf-8', 'replace')}")
    expected = expected_of(case)
    ordered = w3c.is_ordered(query_text(case))
    if isinstance(expected, str):
        same = w3c.same_csv(expected, body.decode("utf-8"), ordered)
    elif expected.kind == "graph":
        answer = w3c.Answer("graph", triples=tuple(q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)))
        same = w3c.same_answer(expected, answer, ROOT, ordered)
    else:
        fmt = ox.QueryResultsFormat.TSV if accept == "text/tab-separated-values" else ox.QueryResultsFormat.JSON
        answer = w3c.answer_from_results(ox.parse_query_results(body, fmt))
        same = w3c.same_answer(expected, answer, ROOT, ordered, case.lax)
    if not same:
        raise Deviates(f"not the manifest's answer; got:\n{body.decode('utf-8', 'replace')[:2000]}")


# --- the list stays true -----------------------------------------------------------------------------


def plain_fails(case: w3c.Case, engine: str) -> bool:
    """Whether the same engine, used plainly on the manifest's own dataset, fails the test too."""
    run = w3c.plain_oxigraph if engine == "oxigraph" else w3c.plain_rdflib
    if case.kind != "evaluation":
        try:
            run(case._replace(data=()))
        except Exception:
            return case.kind == "positive-syntax"
        return case.kind == "negative-syntax"
    expected = expected_of(case)
    try:
        got = run(case, w3c.dataset_clause_files(case), csv=isinstance(expected, str))
    except Exception:
        return True
    ordered = w3c.is_ordered(query_text(case))
    if isinstance(expected, str):
        assert isinstance(got, str)
        return not w3c.same_csv(expected, got, ordered)
    assert not isinstance(got, str)
    return not w3c.same_answer(expected, got, ROOT, ordered, case.lax)


UPSTREAM = sorted(key for key, entry in DEVIATIONS.items() if entry["kind"] == "upstream")


@pytest.mark.parametrize(("case_id", "engine"), UPSTREAM, ids=[f"{t}-{e}" for t, e in UPSTREAM])
def test_a_listed_engine_failure_is_the_plain_engines_own(case_id, engine):
    """Each deviation listed as the engine's own: pyoxigraph or rdflib used directly, in this
    virtual environment, on the manifest's own dataset, fails the test as well. A test that the
    plain engine passes and kosovo-kg fails would be kosovo-kg's to fix, not to list."""
    assert plain_fails(CASES[case_id], engine), f"plain {engine} passes {case_id}: the failure is kosovo-kg's"


def test_the_deviations_file_names_real_tests_with_reasons():
    kinds = {"upstream", "policy"}
    for (test, engine), entry in DEVIATIONS.items():
        assert test in CASES, f"{test} is not a test of the suites"
        assert engine in ENGINES
        assert entry["kind"] in kinds and entry["reason"].strip()
        if entry["kind"] == "policy":
            assert CASES[test].kind == "positive-syntax" or cli_files(CASES[test]) is not None


def test_the_suites_are_whole():
    """The suites as rdflib ships them: a test lost in unpacking would shrink the run silently."""
    kinds = {
        kind: sum(c.kind == kind for c in CASES.values())
        for kind in ("positive-syntax", "negative-syntax", "evaluation")
    }
    assert kinds == {"positive-syntax": 212, "negative-syntax": 85, "evaluation": 422}
    assert len(CLI_CASES) + sum(cli_files(c) is None for c in CASES.values()) == len(CASES)


def test_every_evaluation_test_runs_through_some_door():
    """An evaluation test the command line cannot express runs through serve."""
    left = [
        c.id for c in CASES.values() if c.kind == "evaluation" and cli_files(c) is None and serve_dataset(c) is None
    ]
    assert left == []


def test_serve_names_no_dataset_it_does_not_hold(suite_server):
    """The protocol's dataset parameters choose among the store's graphs; an IRI outside it is refused."""
    response = suite_server.get(
        "/sparql", params={"query": "ASK {}", "default-graph-uri": "http://example.org/elsewhere"}
    )
    assert response.status_code == 400
    assert "names no graph of this dataset" in json.loads(response.content)["error"]


# --- the conformance table (docs/conformance.md, summed up in docs/performance.md) ------------------

CONFORMANCE = TESTS.parent / "docs" / "conformance.md"
#: The page that sums the table up, suite by suite.
SUMMARY = TESTS.parent / "docs" / "performance.md"


def conformance_rows() -> list[tuple[str, list[int]]]:
    """Per folder: tests, then (run, passed) on the command line's oxigraph engine, its rdflib
    engine, and serve. Every test that runs either passes or is a listed deviation (a strict
    xfail), so passed = run - listed."""
    folders = sorted({c.folder for c in CASES.values()}, key=lambda f: (not f.startswith("sparql11"), f))
    rows = []
    for folder in folders:
        cases = [c for c in CASES.values() if c.folder == folder]
        cli = [c for c in cases if c in CLI_CASES]
        served = [c for c in cases if c in SERVE_CASES]
        counts = [len(cases)]
        for engine in ENGINES:
            counts += [len(cli), sum((c.id, engine) not in DEVIATIONS for c in cli)]
        counts += [len(served), sum((c.id, "oxigraph") not in DEVIATIONS for c in served)]
        rows.append((folder, counts))
    return rows


def conformance_markdown() -> str:
    rows = conformance_rows()
    totals = [sum(col) for col in zip(*(counts for _, counts in rows), strict=True)]
    lines = [
        "# Conformance: the W3C SPARQL 1.1 and DAWG query tests",
        "",
        f"Generated by `python tests/w3c_suite.py conformance` from rdflib {w3c.rdflib_version()}'s copy of the",
        "suites and `tests/w3c-deviations.toml`; `tests/system/test_w3c_sparql.py` runs every test below and fails",
        "when this page is out of date. A test that runs either gives the manifest's answer or is a listed deviation",
        "(a strict xfail: one that starts passing fails the build), so *passed* is *run* less the listed ones.",
        "",
        "- **CLI**: `kosovo-kg sparql -f QUERY --only-data --data FILE ... --engine E`. It runs every syntax test and",
        "  every evaluation test whose dataset the command line can express (the union of the files as the",
        "  default graph and each file as a named graph; a query's own FROM / FROM NAMED).",
        "- **serve**: the SPARQL endpoint (Oxigraph), one server over every data file of the suites, each test",
        "  choosing its dataset with `default-graph-uri` / `named-graph-uri` (or its FROM); every evaluation",
        "  test with a non-empty dataset.",
        "",
        "| folder | tests | CLI oxigraph | CLI rdflib | serve |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]

    def cells(counts: list[int]) -> str:
        total, *pairs = counts
        shown = [f"{passed}/{run}" if run else "–" for run, passed in zip(pairs[::2], pairs[1::2], strict=True)]
        return f"{total} | " + " | ".join(shown)

    for folder, counts in rows:
        lines.append(f"| {folder} | {cells(counts)} |")
    lines.append(f"| **all** | {cells(totals)} |")
    lines += ["", "## The listed deviations", ""]
    entries: dict[int, tuple[dict, list[tuple[str, str]]]] = {}
    for (test, engine), entry in DEVIATIONS.items():
        entries.setdefault(id(entry), (entry, []))[1].append((test, engine))
    for entry, listed in sorted(entries.values(), key=lambda e: (e[0]["kind"], e[0]["engines"], -len(e[1]))):
        tests = sorted({test for test, _ in listed})
        lines.append(f"- **{entry['kind']}, {' and '.join(entry['engines'])}** ({len(tests)}): {entry['reason']}.")
        lines.append("  " + ", ".join(f"`{t}`" for t in tests))
    return "\n".join(lines) + "\n"


def summary_totals() -> str:
    """The summary's rows: the totals of each suite and of both."""
    rows = conformance_rows()
    names = {"sparql11": "SPARQL 1.1 (`sparql11/`)", "dawg-data-r2": "DAWG, SPARQL 1.0 (`dawg-data-r2/`)"}
    lines = []
    for suite, label in [*names.items(), ("", "**all**")]:
        counts = [sum(col) for col in zip(*(c for f, c in rows if f.startswith(suite)), strict=True)]
        total, *pairs = counts
        shown = [f"{passed}/{run}" for run, passed in zip(pairs[::2], pairs[1::2], strict=True)]
        lines.append(f"| {label} | {total} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


def test_the_conformance_table_is_current():
    assert CONFORMANCE.read_text(encoding="utf-8") == conformance_markdown(), (
        "run: python tests/w3c_suite.py conformance"
    )
    assert summary_totals() in SUMMARY.read_text(encoding="utf-8"), "run: python tests/w3c_suite.py conformance"


def write_conformance() -> None:
    """Write docs/conformance.md and the totals in docs/performance.md (``python tests/w3c_suite.py conformance``)."""
    CONFORMANCE.write_text(conformance_markdown(), encoding="utf-8")
    summary = SUMMARY.read_text(encoding="utf-8")
    start = summary.index("| suite | tests | CLI oxigraph | CLI rdflib | serve |")
    start = summary.index("\n", summary.index("\n", start) + 1) + 1  # after the header and its rule
    end = summary.index("\n\n", start)
    SUMMARY.write_text(summary[:start] + summary_totals() + summary[end:], encoding="utf-8")
    print(f"wrote {CONFORMANCE.relative_to(TESTS.parent)} and the totals in {SUMMARY.relative_to(TESTS.parent)}")
