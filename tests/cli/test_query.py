"""cli/query.py: ``kosovo-kg query NAME``: a stored question with its parameters, in each output
format, on either embedded engine, over the graph and --data files; a bad parameter value refused
in one line before anything runs."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, invoke

from kosovo_kg.core import store

BEFORE = ["Albania", "France", "Turkey", "United Kingdom", "United States"]


def labels(out: str) -> list[str]:
    return [row["label"] for row in csv.DictReader(io.StringIO(out))]


def test_the_help_shows_the_parameter_and_query_options():
    result = invoke(["query", "--help"])
    text = " ".join(result.stdout.split())
    assert result.exit_code == 0 and "usage: kosovo-kg query [-h] [--param NAME=VALUE]" in text
    assert "A parameter of the stored query (repeatable)." in text and "--timeout SECONDS" in text


def test_the_helps_examples_run_as_written(monkeypatch):
    # the help gave none: how to pass a parameter by name, or one's own file, was in the docs only
    monkeypatch.chdir(ROOT)
    help_text = invoke(["query", "--help"]).stdout
    examples = [line.strip() for line in help_text.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()]
    assert len(examples) == 3 and all(e.startswith("kosovo-kg query ") for e in examples)
    for example in examples:
        result = invoke(shlex.split(example)[1:])
        # nothing on stderr but the notes of doubts recorded about the rows
        assert result.exit_code == 0 and all(
            line.startswith("note: a recorded doubt about ") for line in result.stderr.splitlines()
        ), example
    by_name = invoke(shlex.split(examples[1])[1:]).stdout
    assert "Osmani: NATO membership imperative" in by_name


def test_a_table_is_followed_by_the_doubts_recorded_about_its_rows():
    """A page shows a doubt beside its row; the command line's table said nothing of it (Jahjaga's
    2015, which rests on the article alone, looked as certain as the rest)."""
    table = invoke(["query", "statements-by-office", "--param", "office=President of Kosovo"])
    assert table.exit_code == 0 and "Jahjaga: Kosovo determined to join NATO" in table.stdout
    assert table.stderr.startswith(
        "note: a recorded doubt about 'Jahjaga: Kosovo determined to join NATO': The year rests"
    )
    # a format for programs is the answer alone: the doubts are a question of their own (query doubts)
    csv = invoke(["query", "statements-by-office", "--param", "office=President of Kosovo", "--format", "csv"])
    assert csv.exit_code == 0 and csv.stderr == ""


def test_a_stored_question_with_a_parameter_on_either_engine():
    rows = [
        invoke(["query", "recognized-before", "--param", "date=2008-02-19", "--format", "csv", "--engine", engine])
        for engine in ("oxigraph", "rdflib")
    ]
    assert rows[0].exit_code == rows[1].exit_code == 0
    assert rows[0].stdout == rows[1].stdout and labels(rows[0].stdout) == BEFORE
    assert (
        labels(invoke(["query", "recognized-before", "--format", "csv"]).stdout)[-1] != BEFORE[-1]
    )  # the default date


def test_json_and_tsv_carry_the_same_rows():
    data = json.loads(invoke(["query", "recognized-before", "--param", "date=2008-02-19", "--format", "json"]).stdout)
    assert [row["label"]["value"] for row in data["results"]["bindings"]] == BEFORE
    tsv = invoke(["query", "recognized-before", "--param", "date=2008-02-19", "--format", "tsv"]).stdout
    assert tsv.splitlines()[0].startswith("?state\t?label") and len(tsv.splitlines()) == 6


def test_data_files_are_queried_beside_the_graph(tmp_path):
    mine = tmp_path / "kfor-2030.ttl"
    mine.write_text(
        "@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> . @prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "kkr:kfor-strength-test a kkg:TroopStrength ; kkg:deployment kkr:kfor-deployment ; kkg:troops 1234 ;\n"
        '  kkg:date "2030"^^xsd:gYear .\n'
    )
    result = invoke(["query", "kfor-strength", "--format", "csv", "--data", mine])
    assert result.exit_code == 0, result.stderr
    assert (
        "2030,1234,https://w3id.org/kosovo-kg/resource/kfor-strength-test" in result.stdout.splitlines()
    )  # CSV lines end in CRLF (RFC 4180)


def test_a_bad_parameter_value_is_one_line_and_the_unknown_name_is_told_before_the_graph_loads(monkeypatch):
    result = invoke(["query", "recognized-before", "--param", "date=19/02/2008"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: parameter 'date' must be a date as YYYY-MM-DD, got '19/02/2008'\n"
    monkeypatch.setattr(store, "load_graph", lambda *a, **k: (_ for _ in ()).throw(AssertionError("loaded")))
    unknown = invoke(["query", "nato-membrs"])
    assert unknown.exit_code == 2 and "did you mean nato-members" in unknown.stderr


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (Linux's /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_a_long_query_at_once(signum):
    # regression: Oxigraph evaluates without checking signals, so Python's handlers ran only when the
    # query was done: SIGTERM was obeyed 16 s late, and a query of hours could not be stopped with Ctrl-C
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    process = subprocess.Popen(
        [sys.executable, "-m", "kosovo_kg", "sparql", endless],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # evaluating: more CPU than loading the graph takes (well under a second here)
        deadline = time.monotonic() + 120
        while cpu_seconds(process.pid) < 4 and time.monotonic() < deadline:
            assert process.poll() is None
            time.sleep(0.2)
        process.send_signal(signum)
        assert process.wait(timeout=30) == -signum  # its default action, not a handler run when the query ends
    finally:
        process.kill()
        process.wait()


def test_a_signal_the_command_was_started_ignoring_stays_ignored():
    # as nohup starts it: a hangup must not end it, whether it comes during the load or the query
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    process = subprocess.Popen(
        [sys.executable, "-m", "kosovo_kg", "sparql", endless],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    try:
        for _ in range(3):
            time.sleep(1)
            process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()
