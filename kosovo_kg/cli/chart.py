"""``kosovo-kg chart NAME -o FILE``: a chart drawn from its stored query."""

from __future__ import annotations

import argparse
import os

from kosovo_kg.cli.options import progress, say

SUMMARY = "Draw chart NAME from its stored query into a PNG or SVG file (written atomically)."
DETAILS = (
    "Charts:\n"
    "  polls        support, opposed and neutral in each poll (poll-trend)\n"
    "  timeline     dated events and statements by kind (timeline)\n"
    "  recognition  NATO members by date of recognition (recognition-status)\n"
    "  kfor         KFOR troop strength at the dates recorded (kfor-strength)"
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("name", metavar="NAME", help="The chart: polls, timeline, recognition or kfor (below).")
    command.add_argument("-o", "--output", type=str, required=True, help="The image to write: FILE.png or FILE.svg.")


def run(args: argparse.Namespace) -> int:
    # the name and the suffix are checked first; matplotlib is imported only to draw
    from kosovo_kg.core.extras import require_extra
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.publish.charts.data import chart_format, check_chart_name
    from kosovo_kg.publish.charts.drawing import draw_chart

    check_chart_name(args.name)
    chart_format(args.output)
    require_extra("charts", "kosovo-kg chart")
    progress(f"drawing the {args.name} chart (matplotlib)")
    data = draw_chart(args.name, load_graph(), args.output)
    size = os.stat(args.output).st_size
    say(f"wrote {args.output} ({size:,} bytes, {len(data.points)} points from {data.query})")
    return 0
