"""console.py: the console script starts the packaged graph's preload only for the commands that
query it in this process, then runs the command line with the arguments it was given."""

from __future__ import annotations

import sys

import pytest

from kosovo_kg import console
from kosovo_kg.cli import main as cli_main
from kosovo_kg.core import loading


@pytest.fixture
def calls(monkeypatch):
    """What console.main() did: whether it preloaded, and the argv it passed on (nothing runs)."""
    seen: dict[str, object] = {"preloaded": False}
    monkeypatch.setattr(loading, "preload_packaged_graph", lambda rdfs=True: seen.update(preloaded=True, rdfs=rdfs))
    monkeypatch.setattr(cli_main, "main", lambda argv: seen.update(argv=argv))

    def run(*argv: str) -> dict[str, object]:
        monkeypatch.setattr(sys, "argv", ["kosovo-kg", *argv])
        seen.update(preloaded=False, argv=None)
        seen.pop("rdfs", None)
        console.main()
        return dict(seen)

    return run


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "kfor-strength"],
        ["sparql", "ASK {}"],
        ["export", "--format", "nt"],
        ["chart", "polls", "-o", "polls.svg"],
        ["link"],
    ],
)
def test_the_commands_that_query_the_packaged_graph_here_preload_it(calls, argv):
    # a stored question needs no RDFS entailments: query NAME preloads the graph without them
    assert calls(*argv) == {"preloaded": True, "argv": argv, "rdfs": argv[0] != "query"}


@pytest.mark.parametrize(
    "argv",
    [
        ["serve"],  # forks its workers: no thread may be running then
        ["validate"],  # parses the files strictly
        ["queries"],
        ["release", "-o", "out"],
        ["docs", "-o", "out"],
        ["names"],
        [],
        ["--help"],
        ["QUERY", "kfor-strength"],  # only the command's exact name
        ["query", "kfor-strength", "--engine", "http://127.0.0.1:9/sparql"],  # a remote engine reads no local graph
        ["query", "kfor-strength", "--engine=rdflib"],
        ["sparql", "ASK {}", "--only-data", "--data", "mine.ttl"],  # not the packaged graph at all
        ["query", "kfor-strength", "--data", "extra.ttl"],  # its cache entry holds the packaged graph too
    ],
)
def test_other_command_lines_start_no_preload(calls, argv):
    assert calls(*argv) == {"preloaded": False, "argv": argv}


def test_the_preloading_commands_are_commands_of_the_table():
    assert set(console.PRELOADING) <= set(cli_main.COMMANDS)
    assert "serve" not in console.PRELOADING and "validate" not in console.PRELOADING
