"""The command line as a user meets it: exit codes, messages, no tracebacks, no partial files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TESTS, invoke

FIXTURES = TESTS / "fixtures"

CONTRACT_COLUMNS = {
    "nato-members": ["state", "label", "wikidata", "joined"],
    "non-recognizing-nato-members": ["state", "label", "wikidata"],
    "recognition-status": ["state", "label", "wikidata", "recognizes", "date"],
    "poll-trend": ["pollster", "start", "end", "sample_size", "support", "opposed", "neutral", "lead"],
    "kfor-strength": ["date", "troops"],
    "statements-on-nato": ["date", "speaker", "wikidata", "role", "stance", "source"],
    "timeline": ["date", "label", "source"],
    "wikidata-links": ["entity", "label", "wikidata"],
}


def run(*args: str) -> tuple[int, str, str]:
    result = invoke(list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(CONTRACT_COLUMNS))
def test_contract_query_columns_in_csv(name):
    code, out, _ = run("query", name, "--format", "csv")
    assert code == 0
    header = next(csv.reader(io.StringIO(out)))
    assert header[: len(CONTRACT_COLUMNS[name])] == CONTRACT_COLUMNS[name]


def test_validate_conforms_and_prints_a_summary():
    code, out, _ = run("validate")
    assert code == 0
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("Graph conforms:")
    assert (
        "triples" in summary and "SHACL" in summary and "HermiT: consistent" in summary and "quality checks" in summary
    )


def test_validate_json_is_machine_readable():
    code, out, _ = run("validate", "--no-reasoning", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["conforms"] is True and report["triples"] > 2000
    assert {p["check"] for p in report["problems"]} == {
        "duplicate-source",
        "fact-after-source",
        "poll-answers-rounding",
    }


def test_validate_reports_a_violation_with_file_node_label_and_property():
    code, out, _ = run("validate", "--no-reasoning", str(FIXTURES / "invalid" / "poll-percentage-120.ttl"))
    assert code == 1
    line = next(line for line in out.splitlines() if "A poll result needs a percentage between 0 and 100" in line)
    assert "poll-percentage-120.ttl" in line
    assert "Fixture poll, 2025: support (kkr:fixture-poll-2025-support)" in line
    assert "kkg:percentage" in line


def test_validate_reports_an_inconsistent_graph():
    code, out, _ = run("validate", str(FIXTURES / "invalid" / "person-and-state.ttl"))
    assert code == 1
    assert "reasoning HermiT: INCONSISTENT" in out
    assert "inconsistent" in out.lower()


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("syntax-error-line-4.ttl", "syntax-error-line-4.ttl:4:"),
        ("unknown-prefix.ttl", "unknown-prefix.ttl:3:"),
    ],
)
def test_malformed_turtle_names_file_and_line_without_traceback(fixture, expected):
    code, out, err = run("validate", str(FIXTURES / "bad" / fixture))
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: ") and expected in last
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "no-such-file.ttl"], "no-such-file.ttl: no such file"),
        (["validate", "tests"], "tests: is a folder"),
        (["query", "nato-membrs"], "did you mean nato-members"),
        (["query", "nato-members", "--param", "asof=2020-01-01"], "nato-members takes no parameters"),
        (["query", "nato-members", "--param", "asof"], "--param takes name=value"),
        (["query", "nato-members", "--engine", "jena"], "unknown engine 'jena'"),
        (["sparql", "SELECT * WHERE {\n  ?s ?p }"], "syntax error at line 2"),
        (
            ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--engine", "rdflib", "--format", "csv", "-f", "x.rq"],
            "either as TEXT or with -f",
        ),
        (["sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"], "refused: SERVICE"),
        (["sparql", "INSERT DATA { kkr:a kkr:b kkr:c }"], "refused: INSERT is a SPARQL Update operation"),
        (["sparql", "-f", "missing.rq"], "missing.rq: no such file"),
        (["export", "--format", "turtle", "-o", "/no/such/folder/out.ttl"], "does not exist"),
    ],
)
def test_bad_input_gets_a_clear_message_and_exit_2(args, expected):
    code, out, err = run(*args)
    assert code == 2
    assert expected in err
    assert "Traceback" not in out + err


def test_sparql_engines_agree_and_prefixes_are_predeclared():
    query = "SELECT ?label WHERE { ?s kkg:recognitionStatus kkg:DoesNotRecognize ; kkg:recognizer/rdfs:label ?label } ORDER BY ?label"
    outputs = [run("sparql", query, "--engine", engine, "--format", "csv")[1] for engine in ("oxigraph", "rdflib")]
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines() == ["label", "Greece", "Romania", "Slovakia", "Spain"]


def test_table_output_shows_labels_not_iris():
    code, out, _ = run("query", "wikidata-links")
    assert code == 0
    assert "Vjosa Osmani" in out and "https://w3id.org" not in out


def test_export_writes_the_file_atomically(tmp_path):
    target = tmp_path / "graph.ttl"
    code, _, err = run("export", "--format", "turtle", "-o", str(target))
    assert code == 0 and "wrote" in err
    assert target.read_text(encoding="utf-8").startswith("@prefix")
    # no .part left; the manifest beside it says export wrote it (the next export may replace it)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kosovo-kg-manifest.json", "graph.ttl"]


def test_console_script_runs_as_a_real_process(tmp_path):
    """The installed entry point, not the in-process runner: exit code and stderr as a shell sees them."""
    env = dict(os.environ, COLUMNS="120")
    done = subprocess.run(
        [sys.executable, "-m", "kosovo_kg", "query", "kfor-strength", "--format", "tsv"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("?date\t?troops")  # the contract columns, then the node
    assert len(done.stdout.splitlines()) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["query", "kfor-strength", "--format", "csv"],
        ["query", "non-recognizing-nato-members"],
        ["sparql", "ASK { ?s ?p ?o }"],
        ["queries"],
    ],
)
def test_a_one_off_command_imports_only_what_it_uses(args):
    """Start-up is part of the product: no validation, reasoning, rdflib or charting library on
    a query's path, and none of the standard modules that cost a one-off query a tenth of its
    time each (typing, pathlib, dataclasses, hashlib: see records.py, paths.py and store.py)
    (benchmarks/run.py measures the time; this holds the imports)."""
    heavy = ["rdflib", "pyshacl", "owlready2", "matplotlib", "click", "rich", "multiprocessing"]
    heavy += ["typing", "pathlib", "dataclasses", "inspect", "hashlib", "shutil", "urllib.parse"]
    probe = (
        "import sys\n"
        "from kosovo_kg.cli.main import command_line\n"
        f"code = command_line({args!r})\n"
        f"print('LOADED', code, [name for name in {heavy!r} if name in sys.modules])\n"
    )
    # The first run parses the Turtle strictly and fills the graph cache (core/loading.py); a one-off
    # query after it is what this holds.
    subprocess.run([sys.executable, "-m", "kosovo_kg", "query", "kfor-strength"], capture_output=True, check=True)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED 0 []"


@pytest.mark.parametrize(
    "args", [["validate"], ["export", "--inferred", "--format", "nt"]], ids=["validate", "export --inferred"]
)
def test_without_java_a_missing_tool_is_exit_3(args, tmp_path):
    """HermiT needs Java: without it the command says so (exit 3), it does not report violations (exit 1)."""
    bin_only = tmp_path / "bin"
    bin_only.mkdir()
    (bin_only / "python").symlink_to(sys.executable)
    environment = {**os.environ, "PATH": str(bin_only)}  # no java on this PATH
    done = subprocess.run(
        [sys.executable, "-m", "kosovo_kg", *args], capture_output=True, text=True, env=environment, check=False
    )
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "error: Java is not installed: HermiT, the OWL reasoner, needs a Java runtime (apt-get install default-jre-headless)"
    )
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


# --- one error style ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["query", "kfor-strength", "--format", "yaml"], "(choose from 'table', 'csv', 'tsv', 'json')"),
        (["export", "--format", "yaml"], "(choose from 'turtle', 'jsonld', 'nt', 'xml', 'quickstatements')"),
        (["validate", "--format", "xml"], "(choose from 'text', 'json')"),
        (["completion", "tcsh"], "(choose from 'bash', 'zsh', 'fish')"),
    ],
)
def test_a_bad_option_value_is_one_line_with_the_allowed_values(args, allowed):
    """It was seven lines: the usage, then the error."""
    result = invoke(args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "usage:" not in result.stderr
    assert result.stderr.startswith("error: argument ") and allowed in result.stderr
    assert result.stderr.endswith(f"; see 'kosovo-kg {args[0]} --help'\n")


def test_formats_are_read_in_any_case():
    lower = invoke(["query", "kfor-strength", "--format", "csv"])
    assert invoke(["query", "kfor-strength", "--format", "CSV"]) == lower
    assert (
        invoke(["sparql", "ASK {}", "--format", "Json"]).stdout
        == invoke(["sparql", "ASK {}", "--format", "json"]).stdout
    )


EXAMPLE_POLL = Path(__file__).resolve().parents[2] / "examples" / "example-poll.ttl"


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--data", EXAMPLE_POLL, "poll-trend", "--format", "csv"],
        ["query", "--data", EXAMPLE_POLL, EXAMPLE_POLL, "poll-trend", "--format", "csv"],
        ["query", "poll-trend", "--data", EXAMPLE_POLL, "--format", "csv"],
        ["query", "poll-trend", "--format", "csv", "--data", EXAMPLE_POLL],
        ["query", f"--data={EXAMPLE_POLL}", "poll-trend", "--format", "csv"],
    ],
)
def test_data_takes_the_files_and_never_the_name(args):
    """`query --data x.ttl poll-trend` said "required: NAME": --data took the name as a file."""
    result = invoke(args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("Example Pollster (fictional)") == 1


def test_data_without_a_file_is_one_line():
    result = invoke(["query", "poll-trend", "--data"])
    assert result.exit_code == 2
    assert result.stderr == "error: argument --data: expected one argument; see 'kosovo-kg query --help'\n"


def test_a_name_after_data_that_is_no_file_is_the_commands():
    result = invoke(["query", "--data", EXAMPLE_POLL, "poll-trnd"])
    assert result.exit_code == 2 and "no stored query named 'poll-trnd'; did you mean poll-trend" in result.stderr


def test_minus_v_is_the_version():
    assert invoke(["-V"]) == invoke(["--version"])
    assert invoke(["-V"]).stdout.startswith("kosovo-kg ")


def test_help_documents_name_lists_exit_code_3_and_repeats_no_default():
    query_help = invoke(["query", "--help"]).stdout
    assert "NAME" in query_help and "'kosovo-kg queries' lists them" in query_help
    assert "3 a missing tool or an unreachable engine" in query_help
    serve_help = " ".join(invoke(["serve", "--help"]).stdout.split())
    assert "(default: one per core, " in serve_help and "(default: 2)" not in serve_help
    for command, verb in (("export", "Export"), ("release", "Release"), ("query", "Query")):
        text = " ".join(invoke([command, "--help"]).stdout.split())
        assert f"--only-data {verb} the --data files alone" in text


# --- progress -------------------------------------------------------------------------------------

VALIDATE_STEPS = [
    "loading the graph…",
    "well-formedness: literals and vocabulary…",
    "SHACL shapes (pySHACL)…",
    "22 quality checks…",
]


def test_validate_says_each_step_when_asked():
    result = invoke(["validate", "--no-reasoning", "--progress"])
    assert result.exit_code == 0
    steps = [line for line in result.stderr.splitlines() if line.endswith("…") and not line.startswith("Validating")]
    assert steps == VALIDATE_STEPS


def test_progress_is_off_when_stderr_is_not_a_terminal():
    result = invoke(["validate", "--no-reasoning"])
    assert not any(line in result.stderr.splitlines() for line in VALIDATE_STEPS)


def run_on_a_terminal(args: list[str]) -> str:
    """What the command writes to stderr when stderr is a terminal (a pseudo-terminal here)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "kosovo_kg", *args], stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    said = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed when the process ends
            break
        if not chunk:
            break
        said += chunk
    process.wait(timeout=120)
    os.close(leader)
    return said.decode().replace("\r\n", "\n")


def test_progress_is_on_at_a_terminal_and_quiet_with_q():
    assert all(step in run_on_a_terminal(["validate", "--no-reasoning"]).splitlines() for step in VALIDATE_STEPS)
    assert run_on_a_terminal(["validate", "--no-reasoning", "-q"]) == ""  # the report is on stdout
