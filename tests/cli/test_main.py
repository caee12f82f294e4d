"""cli/main.py: the table of commands, the parser (one command's module imported for one command
line), and the one door every error leaves by: a package error as one ``error:`` line with its
exit code, a usage error with the usage, a closed pipe as success, a bug as exit 70 in one line."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke

from kosovo_kg.cli import main as cli_main
from kosovo_kg.cli import queries as queries_command
from kosovo_kg.cli.main import COMMANDS, EXIT_CODES, build_parser, command_line
from kosovo_kg.errors import EngineUnavailable, KosovoKGError, ReasoningError


def run(*args: str) -> tuple[int, str, str]:
    result = invoke(list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_help_lists_every_command_how_to_start_and_the_exit_codes():
    code, out, _ = run("--help")
    assert code == 0 and out.startswith("usage: kosovo-kg [-h] [-V] COMMAND ...")
    assert "kosovo-kg query non-recognizing-nato-members    one of them" in out
    assert EXIT_CODES in out and "70 a bug" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: the following arguments are required: COMMAND; see 'kosovo-kg --help'"),
        (["frobnicate"], "error: argument COMMAND: invalid choice: 'frobnicate'"),
        (["query"], "error: the following arguments are required: NAME; see 'kosovo-kg query --help'"),
        (["query", "kfor-strength", "--format", "xml"], "error: argument --format: invalid choice: 'xml'"),
    ],
)
def test_a_usage_error_is_one_error_line_exit_2(args, message):
    """The message and where help is, without the usage lines that would bury it (issue 28)."""
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(message)


def test_one_command_line_builds_and_imports_only_its_command():
    (subcommands,) = [a for a in build_parser("queries")._actions if isinstance(a, argparse._SubParsersAction)]
    assert list(subcommands.choices) == ["queries"]
    probe = "import sys\nfrom kosovo_kg.cli.main import build_parser\nbuild_parser('queries')\nprint(sorted(m for m in sys.modules if m.startswith('kosovo_kg.cli.')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['kosovo_kg.cli.main', 'kosovo_kg.cli.options', 'kosovo_kg.cli.queries']"


def failing(monkeypatch, error: BaseException) -> None:
    def run_command(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(queries_command, "run", run_command)


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (KosovoKGError("a value 'a\nb\x01'"), 2, "error: a value 'a\\nb\\x01'"),  # one line, whatever the message holds
        (EngineUnavailable("http://127.0.0.1:9/sparql cannot be reached"), 3, "error: http://127.0.0.1:9/sparql cannot be reached"),
        (ReasoningError("the ontology is inconsistent"), 1, "error: the ontology is inconsistent"),
    ],
)  # fmt: skip
def test_a_package_error_is_one_line_with_its_exit_code(monkeypatch, error, code, line):
    failing(monkeypatch, error)
    assert run("queries") == (code, "", line + "\n")


def test_a_reader_that_went_away_is_not_an_error_and_ctrl_c_is_130(monkeypatch):
    failing(monkeypatch, KeyboardInterrupt())
    assert command_line(["queries"]) == 130
    done = subprocess.run(
        f"{sys.executable} -m kosovo_kg query timeline --format csv | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "date,label,source,kind,fact,end\n" and done.stderr == ""


def leaving(monkeypatch) -> list[int]:
    """The codes os._exit is called with (it raises SystemExit here instead of ending the tests)."""
    exits: list[int] = []

    def leave(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(cli_main.os, "_exit", leave)
    return exits


def test_a_bug_is_reported_in_one_line_as_exit_70(monkeypatch, capsys):
    failing(monkeypatch, ZeroDivisionError("division by zero"))
    exits = leaving(monkeypatch)
    with pytest.raises(SystemExit):
        cli_main.main(["queries"])
    assert exits == [70]
    assert capsys.readouterr().err == (
        "error: internal error, a bug in kosovo-kg (ZeroDivisionError: division by zero); please report it\n"
    )


def test_a_finished_command_leaves_at_once_and_serve_the_ordinary_way(monkeypatch):
    """os._exit skips freeing the loaded graph; serve exits normally so that its workers are stopped."""
    exits = leaving(monkeypatch)
    monkeypatch.setattr(cli_main, "command_line", lambda argv: 0)
    with pytest.raises(SystemExit):
        cli_main.main(["queries"])
    assert exits == [0]
    with pytest.raises(SystemExit) as caught:
        cli_main.main(["serve"])
    assert caught.value.code == 0 and exits == [0]


def test_every_command_module_is_in_the_table():
    """command_line() imports only the named command's module; COMMANDS must name every command
    module there is, and --help list them all."""
    import argparse

    import kosovo_kg.cli
    from kosovo_kg.cli.main import build_parser

    folder = Path(kosovo_kg.cli.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "main", "options"}
    assert set(COMMANDS.values()) == modules
    (subcommands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert tuple(subcommands.choices) == tuple(COMMANDS)
    code, out, _ = run("--help")
    assert code == 0 and all(name in out for name in COMMANDS)
