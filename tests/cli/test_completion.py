"""``kosovo-kg completion``: the shell code, and the words it completes (asked as the shell asks)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import invoke

from kosovo_kg.querying.catalogue import catalogue


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_shells_code(shell):
    result = invoke(["completion", shell])
    assert result.exit_code == 0 and "kosovo-kg" in result.stdout and "_ARGCOMPLETE" in result.stdout


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kosovo-kg qu", {"queries", "query"}),
        ("kosovo-kg query poll", {name for name in catalogue() if name.startswith("poll")}),
        ("kosovo-kg query poll-trend --format ", {"table", "csv", "tsv", "json"}),
        ("kosovo-kg completion ", {"bash", "zsh", "fish", "-h", "--help", "-q", "--quiet", "--progress"}),
    ],
)
def test_completion_completes_commands_names_and_values(tmp_path, line, expected):
    """What the shell code asks: the program, run with argcomplete's variables, answers the words."""
    answer = tmp_path / "words"
    env = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
    }
    done = subprocess.run([sys.executable, "-m", "kosovo_kg"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert {word.strip() for word in answer.read_text().split("\v")} == expected
