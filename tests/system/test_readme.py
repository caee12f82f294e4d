"""The README's Python example runs as written, its tour shows real output, and its gallery every chart."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

README = ROOT / "README.md"


def test_readme_python_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks, "the README has no Python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Albania 2008-02-18" in printed


def tour_commands() -> list[tuple[str, str]]:
    """The tour's commands and the output the README shows for each."""
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A tour") : text.index("## Commands")]
    pairs = []
    for block in re.findall(r"```console\n(.*?)```", tour, re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output.rstrip("\n")))
    return pairs


def test_the_tour_has_six_questions():
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("## A tour") : text.index("## Commands")]
    assert len(re.findall(r"^\*\*\d\. ", tour, re.MULTILINE)) == 6
    assert len(tour_commands()) >= 5


@pytest.mark.parametrize(("command", "shown"), tour_commands(), ids=[c for c, _ in tour_commands()])
def test_the_tour_shows_real_output(command, shown):
    # The installed kosovo-kg of this environment, with a fixed terminal width for the tables.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "100"}
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, cwd=README.parent, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n") == shown


def test_the_gallery_shows_every_chart():
    from kosovo_kg.publish.charts.data import CHARTS

    text = README.read_text(encoding="utf-8")
    regenerate = re.search(
        r"for chart in ([a-z ]+); do \.venv/bin/kosovo-kg chart \$chart -o docs/images/\$chart\.png", text
    )
    assert regenerate and regenerate.group(1).split() == list(CHARTS)
    for name in CHARTS:
        image = README.parent / "docs" / "images" / f"{name}.png"
        assert f"](docs/images/{name}.png)" in text
        assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and image.stat().st_size > 10_000
