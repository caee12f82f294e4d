"""Where a benchmark's report goes. By default ``benchmarks/results/NAME.md``, a folder git ignores,
so that trying a benchmark never changes the committed figures; with ``--update``, also its own
section of the committed ``benchmarks/RESULTS.md`` (between ``<!-- begin NAME -->`` and
``<!-- end NAME -->``), the other sections left as they are.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
LOCAL = HERE / "results"


def add_update_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--update",
        action="store_true",
        help="also replace this benchmark's section of the committed benchmarks/RESULTS.md "
        "(without it the report goes to benchmarks/results/, which git ignores)",
    )


def command_line() -> str:
    """How this benchmark was started, as a reader would type it."""
    return "python " + " ".join([str(Path(sys.argv[0]).resolve().relative_to(HERE.parent)), *sys.argv[1:]])


def machine_line() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False
    ).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, commit {commit or 'unknown'}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average at the start {load}"
    )


def publish(name: str, lines: list[str], update: bool) -> list[Path]:
    """Write the report; returns the files written."""
    text = "\n".join(lines).rstrip() + "\n"
    LOCAL.mkdir(exist_ok=True)
    written = [_replace(LOCAL / f"{name}.md", text)]
    if update:
        begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
        current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# kosovo-kg benchmarks\n"
        section = f"{begin}\n{text}{end}"
        if begin in current and end in current:
            before, rest = current.split(begin, 1)
            current = before + section + rest.split(end, 1)[1]
        else:
            current = current.rstrip() + "\n\n" + section + "\n"
        written.append(_replace(RESULTS, current))
    return written


def _replace(path: Path, text: str) -> Path:
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


if __name__ == "__main__":
    argparse.ArgumentParser(
        description=__doc__ + "\nA module the other benchmarks import; run on its own it says where reports go.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args()
    print(f"reports: {LOCAL}/NAME.md; with --update also the NAME section of {RESULTS}")
