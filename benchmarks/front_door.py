"""The home page's weight and its time to first render, before and after the front door (issue 23), in
one run: the same machine, browser and throttled connection for both.

    .venv/bin/python benchmarks/front_door.py                 # prints the table (Markdown)
    .venv/bin/python benchmarks/front_door.py --update        # and replaces its section of RESULTS.md
    .venv/bin/python benchmarks/front_door.py --before REF    # another "before" (default: BEFORE)

"Before" is the project at the commit ``--before`` names, checked out in a temporary git worktree;
"after" is this checkout. Each is served by its own ``kosovo-kg serve`` (one worker, a free loopback
port) and loaded by Chromium (/usr/bin/chromium, through Playwright) in a fresh browser context each
round (nothing cached), on a phone's screen (390 x 844) and a slow mobile connection emulated by
Chromium (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up: Lighthouse's "slow 4G"). Measured at the
page's load event: the bytes transferred (compressed, headers included) and their size uncompressed,
the requests, the render-blocking scripts (Chromium's renderBlockingStatus), and the first
contentful paint (the Paint Timing API; a round with no paint 30 s after the load event is left out of
that median, and the table says so). Medians of the rounds; the ratio is after / before.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import add_update_option, command_line, machine_line, publish

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The commit the front door's branch started from: the home page as it was.
BEFORE = "dc967d7"
CHROMIUM = "/usr/bin/chromium"
#: Lighthouse's "slow 4G" (its mobile default): 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 // 8, "uploadThroughput": 750_000 // 8}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """``kosovo-kg serve`` from the project at ``folder`` (its own code, on this Python)."""

    def __init__(self, folder: Path, cache: Path):
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(folder), "KOSOVO_KG_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kosovo_kg", "serve", "--port", str(self.port), "--workers", "1"],
            cwd=folder, env=env, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        if "serving at" not in line:
            self.close()
            raise SystemExit(f"serve from {folder} did not start: {line.strip()}")
        self.url = f"http://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def measure(browser, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    page.goto(url, wait_until="load", timeout=180_000)
    # the first contentful paint may be recorded just after the load event: wait for it (30 s at most)
    found = page.evaluate(
        """async () => {
          const fcp = await new Promise((resolve) => {
            new PerformanceObserver((list, observer) => {
              for (const entry of list.getEntries()) {
                if (entry.name === "first-contentful-paint") { observer.disconnect(); resolve(entry.startTime); }
              }
            }).observe({type: "paint", buffered: true});
            setTimeout(() => resolve(NaN), 30000);
          });
          const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
          return {
            transferred: entries.reduce((s, e) => s + e.transferSize, 0),
            uncompressed: entries.reduce((s, e) => s + e.decodedBodySize, 0),
            requests: entries.length,
            blocking: entries.filter(e => e.initiatorType === "script" && e.renderBlockingStatus === "blocking")
                             .reduce((s, e) => s + e.decodedBodySize, 0),
            fcp,
          };
        }"""
    )
    context.close()
    return found


def run(before_ref: str, rounds: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    sides: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="kosovo-kg-front-door-") as scratch:
        base = Path(scratch)
        before = base / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), before_ref],
            check=True,
            capture_output=True,
        )
        commit = subprocess.run(
            ["git", "-C", str(before), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        here = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        try:
            servers = {
                f"before ({commit})": Served(before, base / "cache-before"),
                f"after ({here})": Served(ROOT, base / "cache-after"),
            }
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                    for served in servers.values():  # warm: the first request builds what serve keeps
                        measure(browser, served.url)
                    for _ in range(rounds):  # alternating, so both see the same machine load
                        for name, served in servers.items():
                            for key, value in measure(browser, served.url).items():
                                sides.setdefault(name, {}).setdefault(key, []).append(value)
                    browser.close()
            finally:
                for served in servers.values():
                    served.close()
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], capture_output=True)
    return table(sides, rounds)


def table(sides: dict[str, dict[str, list[float]]], rounds: int) -> list[str]:
    (before, old), (after, new) = sides.items()
    rows = [
        ("transferred (compressed, with headers)", "transferred", lambda v: f"{v / 1000:,.1f} KB"),
        ("size uncompressed", "uncompressed", lambda v: f"{v / 1000:,.1f} KB"),
        ("requests at the load event", "requests", lambda v: f"{v:.0f}"),
        ("render-blocking scripts", "blocking", lambda v: f"{v / 1000:,.1f} KB"),
        ("first contentful paint (slow 4G)", "fcp", lambda v: f"{v / 1000:.2f} s"),
    ]
    lines = [
        "## The home page before and after the front door (`benchmarks/front_door.py`)",
        "",
        f"Command: `{command_line()}`; {machine_line()}.",
        "",
        f"Chromium at 390 x 844 px on an emulated slow 4G connection (150 ms, 1.6 Mbit/s down), a fresh "
        f"context each round; medians of {rounds} rounds, before and after alternating.",
        "",
        f"| the home page | {before} | {after} | after / before |",
        "|---|---|---|---|",
    ]
    for title, key, shown in rows:
        a, b = (statistics.median([v for v in side[key] if v == v] or [float("nan")]) for side in (old, new))
        ratio = f"{b / a:.2f}×" if a else "—"
        lines.append(f"| {title} | {shown(a)} | {shown(b)} | {ratio} |")
    missing = {name: sum(v != v for v in side["fcp"]) for name, side in sides.items()}
    if any(missing.values()):
        lines += [
            "",
            "Rounds with no first paint recorded: " + ", ".join(f"{n} {name}" for name, n in missing.items()) + ".",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_update_option(parser)
    parser.add_argument("--before", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=5, help="page loads of each side (default 5)")
    args = parser.parse_args()
    if not re.fullmatch(r"[\w./-]+", args.before):
        raise SystemExit(f"--before must name a commit, not {args.before!r}")
    lines = run(args.before, args.rounds)
    print("\n".join(lines))
    for written in publish("front-door", lines, args.update):
        print(f"wrote {written}")


if __name__ == "__main__":
    main()
