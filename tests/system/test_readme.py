"""The README runs as written: every shell block of it, in a fresh clone of the repository.

How a block is run (and how the README says it is not):

- a ``console`` block: each ``$ command`` line runs, and what it prints must be the lines under it;
- an ``sh`` block: runs as one script with ``bash -e``, and must succeed; a command it starts in the
  background (``kosovo-kg serve … &``) is stopped with the block, whatever the block does;
- a block right under a line ``<!-- not run: REASON -->`` is not run; the reason says why (it
  installs from PyPI, takes minutes, needs a service or the internet).

The clone is ``git clone`` of this repository with the working tree's changes laid over it, so
the README is tested as the next commit will have it. Blocks run in the README's order, in that
one clone, with ``kosovo-kg`` (this environment's) on PATH running the clone's code. The ports a
block names (8000, 7878) are replaced by free ones, so a server of another program is never asked.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOT, free_port

README = ROOT / "README.md"
SHELLS = ("sh", "bash", "console")
NOT_RUN = re.compile(r"<!-- not run: (?P<reason>[^>]*\S) -->\n$")
#: What a block may take to run: two releases with their sites, on a busy machine.
BLOCK_TIMEOUT = 600


class Block(NamedTuple):
    line: int  # where it opens in the README
    language: str
    text: str
    not_run: str | None  # the reason, for a block marked not to be run

    @property
    def name(self) -> str:
        first = self.text.strip().splitlines()[0].removeprefix("$ ")
        return f"line {self.line}: {first[:60]}"


def blocks(text: str | None = None) -> list[Block]:
    """Every fenced block of the README (or ``text``) in a shell language, in order."""
    text = README.read_text(encoding="utf-8") if text is None else text
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.DOTALL | re.MULTILINE):
        language, body = match.group(1), match.group(2)
        if language not in SHELLS:
            continue
        marker = NOT_RUN.search(text, 0, match.start())
        reason = marker.group("reason") if marker and marker.end() == match.start() else None
        found.append(Block(text.count("\n", 0, match.start()) + 1, language, body, reason))
    return found


def test_blocks_finds_the_markers_and_the_languages():
    text = "```sh\na\n```\n<!-- not run: slow -->\n```console\n$ b\n```\n```python\nc\n```\n```\nd\n```\n"
    assert blocks(text) == [Block(1, "sh", "a\n", None), Block(5, "console", "$ b\n", "slow")]


def test_every_shell_block_runs_or_says_why_not():
    """Nothing is skipped in silence: a block is run, or its marker gives a reason."""
    found = blocks()
    assert len(found) >= 20
    assert all(block.not_run is None or len(block.not_run) > 10 for block in found)
    run = [block for block in found if block.not_run is None]
    assert len(run) >= 2 * len(found) // 3, [block.name for block in found if block.not_run]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone, with the working tree's uncommitted changes (and new files) laid over it."""
    folder = tmp_path_factory.mktemp("readme") / "kosovo-kg"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)

    def listed(*command: str) -> list[str]:
        done = subprocess.run(["git", *command, "-z"], cwd=ROOT, capture_output=True, check=True)
        return done.stdout.decode().split("\0")

    # changed since the commit, staged or not (ls-files --modified misses a new file once staged),
    # and the files git does not know yet
    changed = listed("diff", "--name-only", "HEAD") + listed("ls-files", "--others", "--exclude-standard")
    for name in filter(None, changed):
        source, target = ROOT / name, folder / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():  # deleted in the working tree
            target.unlink()
    return folder


def environment(clone: Path) -> dict[str, str]:
    """This environment's kosovo-kg and python on PATH, running the clone's code; a fixed width for tables."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(clone),
        "COLUMNS": "100",
    }


def with_free_ports(text: str) -> str:
    """The block with each port it names (127.0.0.1:N, --port N) replaced by a free one."""
    ports = {port: str(free_port()) for port in set(re.findall(r"(?:127\.0\.0\.1:|--port )(\d{4,5})\b", text))}
    for port, free in ports.items():
        text = re.sub(rf"(127\.0\.0\.1:|--port ){port}\b", rf"\g<1>{free}", text)
    return text


def run(command: str, clone: Path) -> subprocess.CompletedProcess:
    """A command line in its own process group, which is ended after it (servers it left in the
    background too). Its output goes to files, not pipes: a server left in the background would
    hold a pipe open, and reading it to its end would wait for the server."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            ["bash", "-e", "-c", command], cwd=clone, env=environment(clone),
            stdout=out, stderr=err, text=True, start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(timeout=BLOCK_TIMEOUT)
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            process.wait()
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())


def console_commands(block: Block) -> Iterator[tuple[str, str]]:
    """A console block's commands, each with the output the README shows for it."""
    for chunk in re.split(r"^\$ ", block.text, flags=re.MULTILINE)[1:]:
        command, _, output = chunk.partition("\n")
        yield command, output.rstrip("\n")


RUN = [block for block in blocks() if block.not_run is None]


@pytest.mark.parametrize("block", RUN, ids=[block.name for block in RUN])
def test_the_block_runs_in_a_fresh_clone(block, clone):
    if block.language == "console":
        for command, shown in console_commands(block):
            done = run(with_free_ports(command), clone)
            assert done.returncode == 0, f"{command}: {done.stderr}"
            assert done.stdout.rstrip("\n") == shown, command
    else:
        done = run(with_free_ports(block.text), clone)
        assert done.returncode == 0, f"README line {block.line}: {done.stderr[-3000:]}"


def test_readme_python_example_runs(capsys):
    found = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert found, "the README has no Python example"
    for block in found:
        exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Albania 2008-02-18" in printed


def test_the_tour_has_six_questions():
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A tour") : text.index("## Commands")]
    assert len(re.findall(r"^\*\*\d\. ", tour, re.MULTILINE)) == 6
    assert sum(len(list(console_commands(b))) for b in blocks(tour)) >= 5


def test_the_gallery_shows_every_chart():
    from kosovo_kg.publish.charts.data import CHARTS

    text = README.read_text(encoding="utf-8")
    regenerate = re.search(r"for chart in ([a-z ]+); do kosovo-kg chart \$chart -o docs/images/\$chart\.png", text)
    assert regenerate and regenerate.group(1).split() == list(CHARTS)
    for name in CHARTS:
        image = README.parent / "docs" / "images" / f"{name}.png"
        assert f"](docs/images/{name}.png)" in text
        assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and image.stat().st_size > 10_000
