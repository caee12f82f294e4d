"""The README and the docs pages it links to run as written: every shell block of them, in a fresh
clone of the repository; the README stays short, and every link between the pages leads somewhere.

How a block is run (and how a page says it is not):

- a ``console`` block: each ``$ command`` line runs, and what it prints must be the lines under it;
- an ``sh`` block: runs as one script with ``bash -e``, and must succeed; a command it starts in the
  background (``kosovo-kg serve … &``) is stopped with the block, whatever the block does;
- a block right under a line ``<!-- not run: REASON -->`` is not run; the reason says why (it
  installs from PyPI, takes minutes, needs a service or the internet).

The clone is ``git clone`` of this repository with the working tree's changes laid over it, so
the pages are tested as the next commit will have them. Blocks run in order, the README's first and
then each page of ``docs/`` (:data:`PAGES`), in that one clone, with ``kosovo-kg`` (this environment's) on PATH running the clone's code. The ports a
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
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOT, free_port

README = ROOT / "README.md"
#: The pages whose blocks run: the README, then the reference it links to.
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
#: What a newcomer reads in five minutes.
README_MOST_LINES = 300
SHELLS = ("sh", "bash", "console")
NOT_RUN = re.compile(r"<!-- not run: (?P<reason>[^>]*\S) -->\n$")
#: What a block may take to run: two releases with their sites, on a busy machine.
BLOCK_TIMEOUT = 600


class Block(NamedTuple):
    line: int  # where it opens in its page
    language: str
    text: str
    not_run: str | None  # the reason, for a block marked not to be run
    page: str = "README.md"

    @property
    def name(self) -> str:
        first = self.text.strip().splitlines()[0].removeprefix("$ ")
        return f"{self.page}:{self.line}: {first[:60]}"


def page_name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def all_blocks() -> list[Block]:
    """Every shell block of every page, the README's first."""
    return [block for page in PAGES for block in blocks(page.read_text(encoding="utf-8"), page_name(page))]


def blocks(text: str, page: str = "README.md") -> list[Block]:
    """Every fenced block of ``text`` (a page) in a shell language, in order."""
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.DOTALL | re.MULTILINE):
        language, body = match.group(1), match.group(2)
        if language not in SHELLS:
            continue
        marker = NOT_RUN.search(text, 0, match.start())
        reason = marker.group("reason") if marker and marker.end() == match.start() else None
        found.append(Block(text.count("\n", 0, match.start()) + 1, language, body, reason, page))
    return found


def test_blocks_finds_the_markers_and_the_languages():
    text = "```sh\na\n```\n<!-- not run: slow -->\n```console\n$ b\n```\n```python\nc\n```\n```\nd\n```\n"
    assert blocks(text) == [Block(1, "sh", "a\n", None), Block(5, "console", "$ b\n", "slow")]


def test_every_shell_block_runs_or_says_why_not():
    """Nothing is skipped in silence: a block is run, or its marker gives a reason."""
    found = all_blocks()
    assert len(found) >= 20 and len(blocks(README.read_text(encoding="utf-8"))) >= 8
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


RUN = [block for block in all_blocks() if block.not_run is None]


@pytest.mark.parametrize("block", RUN, ids=[block.name for block in RUN])
def test_the_block_runs_in_a_fresh_clone(block, clone):
    if block.language == "console":
        for command, shown in console_commands(block):
            done = run(with_free_ports(command), clone)
            assert done.returncode == 0, f"{block.page}:{block.line}: {command}: {done.stderr}"
            assert done.stdout.rstrip("\n") == shown, command
    else:
        done = run(with_free_ports(block.text), clone)
        assert done.returncode == 0, f"{block.page}:{block.line}: {done.stderr[-3000:]}"


def test_the_python_examples_run(capsys):
    found = [
        (page_name(page), block)
        for page in PAGES
        for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    ]
    assert "docs/python.md" in {name for name, _ in found}, "the Python API's page has no example"
    for name, block in found:
        exec(compile(block, name, "exec"), {})
    printed = capsys.readouterr().out
    assert "Albania 2008-02-18" in printed


# --- what the README holds, and the links between the pages -----------------------------------------

#: The README's sections, in order: set-up, a quick start, the five common tasks, the reference.
README_SECTIONS = [
    "Contents", "Set-up", "Quick start", "Ask a question", "Export the graph", "Serve it", "Add a fact",
    "Link to Wikidata", "Reference", "Licence",
]  # fmt: skip


def headings(text: str) -> list[str]:
    """The text of every heading outside fenced blocks, in order."""
    return re.findall(r"^#{1,6} +(.+?) *$", outside_blocks(text), re.MULTILINE)


def outside_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```$", "", text, flags=re.DOTALL | re.MULTILINE)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation (backticks, dashes of other kinds,
    colons …) dropped, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_anchor_is_githubs():
    assert anchor("`kosovo-kg query NAME` — a stored question") == "kosovo-kg-query-name--a-stored-question"
    assert anchor("Performance, and other engines") == "performance-and-other-engines"


def test_the_readme_is_short_with_its_contents_first():
    """A newcomer's five minutes: the contents, the set-up, a quick start, the five common tasks, then
    the reference; everything else is in docs/."""
    text = README.read_text(encoding="utf-8")
    assert text.count("\n") <= README_MOST_LINES
    assert [h for h in headings(text) if h in README_SECTIONS] == README_SECTIONS
    assert headings(text)[1:] == README_SECTIONS, "a section of its own belongs in docs/"
    contents = text[text.index("## Contents") : text.index("## Set-up")]
    for section in README_SECTIONS[1:]:
        assert f"](#{anchor(section)})" in contents, section
    for page in PAGES[1:]:
        assert f"](docs/{page.name})" in contents, f"the contents do not link to docs/{page.name}"


def test_the_quick_start_and_the_tasks_show_real_answers():
    text = README.read_text(encoding="utf-8")
    for start, end in pairwise(README_SECTIONS[2:9]):
        section = text[text.index(f"## {start}\n") : text.index(f"## {end}\n")]
        assert blocks(section), f"{start}: no example to run"


def test_every_link_between_the_pages_leads_somewhere():
    """Each relative link of the README and the docs pages names a file that exists, and each #anchor
    a heading of its page."""
    broken = []
    for page in PAGES:
        text = outside_blocks(page.read_text(encoding="utf-8"))
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, fragment = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page_name(page)}: {target}: no such file")
            elif fragment and fragment not in {anchor(h) for h in headings(linked.read_text(encoding="utf-8"))}:
                broken.append(f"{page_name(page)}: {target}: no such heading")
    assert not broken, "\n".join(broken)


def test_every_command_has_its_section_in_the_commands_page():
    from kosovo_kg.cli.main import COMMANDS

    sections = headings((ROOT / "docs" / "commands.md").read_text(encoding="utf-8"))
    assert [name for name in COMMANDS if f"kosovo-kg {name}" not in sections] == []


def test_the_gallery_shows_every_chart():
    from kosovo_kg.publish.charts.data import CHARTS

    text = (ROOT / "docs" / "pictures.md").read_text(encoding="utf-8")
    regenerate = re.search(r"for chart in ([a-z ]+); do kosovo-kg chart \$chart -o docs/images/\$chart\.png", text)
    assert regenerate and regenerate.group(1).split() == list(CHARTS)
    for name in CHARTS:
        image = ROOT / "docs" / "images" / f"{name}.png"
        assert f"](images/{name}.png)" in text
        assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and image.stat().st_size > 10_000
