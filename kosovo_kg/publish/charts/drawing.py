"""Drawing a chart's data with matplotlib, as PNG or SVG. Matplotlib is imported only when a
figure is drawn, so other commands do not pay for it."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from kosovo_kg.publish.charts.data import (
    ChartData,
    chart_data,
    chart_format,
    check_chart_name,
    short_source,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure

    from kosovo_kg.core.store import KnowledgeGraph

_SUPPORT, _OPPOSED, _NEUTRAL = "#1b7837", "#b2182b", "#7f7f7f"
_RECOGNIZES, _DOES_NOT = "#2166ac", "#b2182b"


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "kosovo-kg",  # the same SVG for the same data: diffs stay small
            # a label is text, never markup: a "$" in a pollster's name is a dollar sign, not
            # mathtext (which made the chart fail), and nothing is handed to LaTeX
            "text.parse_math": False,
            "text.usetex": False,
        }
    )
    return matplotlib


def _new_figure(data: ChartData, width: float, height: float) -> Figure:
    _matplotlib()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    figure.suptitle(data.title, fontsize=13, fontweight="bold")
    return figure


def _source_footer(figure: Figure, data: ChartData, note: str = "") -> None:
    """The source line (and a note) under the chart, in a strip the layout keeps free."""
    text = data.source_line + (f"\n{note}" if note else "")
    lines = text.count("\n") + 1
    strip = (0.12 + 0.16 * lines) / figure.get_figheight()
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = figure.get_layout_engine()
    assert isinstance(engine, ConstrainedLayoutEngine)  # every figure here is made "constrained"
    engine.set(rect=(0, strip, 1, 1 - strip))
    figure.text(0.01, 0.04 / figure.get_figheight(), text, fontsize=8, color="#555555", ha="left", va="bottom")


def _draw_polls(data: ChartData) -> Figure:
    import matplotlib.dates as mdates

    figure = _new_figure(data, 10, 6)
    axes = figure.add_subplot()
    when = [p["when"] for p in data.points]
    series = (("support", "Support", _SUPPORT, "o"), ("opposed", "Opposed", _OPPOSED, "s"),
              ("neutral", "Neutral / don't know", _NEUTRAL, "^"))  # fmt: skip
    for key, label, colour, marker in series:
        values = [p[key] for p in data.points]
        (line,) = axes.plot(when, values, marker=marker, color=colour, label=label, linewidth=2, markersize=7)
        line.set_gid(f"series-{key}")
        # Opposed and neutral can coincide: put their numbers on opposite sides of the point.
        offset = {"support": (0, -16), "opposed": (-10, 7), "neutral": (10, 7)}[key]
        for x, value in zip(when, values, strict=True):
            axes.annotate(f"{value:g}", (x, value), xytext=offset, textcoords="offset points", ha="center",
                          fontsize=8, color=colour)  # fmt: skip
    # A poll close in time to the one before gets its label raised, so the two do not overlap.
    raised = False
    for previous, point in zip([None, *data.points], data.points, strict=False):
        raised = previous is not None and (point["when"] - previous["when"]).days < 700 and not raised
        fieldwork = point["start"] if point["start"] == point["end"] else f"{point['start']} to {point['end']}"
        axes.annotate(
            f"{point['pollster_short']}, {fieldwork}\nn = {point['sample_size']:,}",
            (point["when"], point["support"]),
            xytext=(0, 34 if raised else 10),
            textcoords="offset points",
            ha="center",
            fontsize=8.5,
        )
    axes.set_ylim(0, 118)
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("Share of respondents (%)")
    axes.set_xlabel("Fieldwork (mid-point)")
    first, last = min(when), max(when)
    axes.set_xlim(first - datetime.timedelta(days=300), last + datetime.timedelta(days=300))
    axes.xaxis.set_major_locator(mdates.YearLocator(2))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.grid(axis="y", color="#dddddd")
    axes.legend(loc="center left", frameon=False)
    names = sorted(
        {f"{p['pollster_short']} = {p['pollster']}" for p in data.points if p["pollster_short"] != p["pollster"]}
    )
    _source_footer(figure, data, "; ".join(names) + "; n = sample size")
    return figure


def _draw_timeline(data: ChartData) -> Figure:
    import matplotlib.dates as mdates

    kinds: list[str] = []
    for point in sorted(data.points, key=lambda p: p["when"]):
        if point["kind"] not in kinds:
            kinds.append(point["kind"])
    rows_of_key = (len(data.points) + 1) // 2
    figure = _new_figure(data, 15, 0.32 * len(kinds) + 0.2 * rows_of_key + 2.4)
    # two rows of subfigures come back as an array of them (the stubs also allow a single one)
    chart, key = cast(
        "list[SubFigure]", figure.subfigures(2, 1, height_ratios=[0.32 * len(kinds) + 1.2, 0.2 * rows_of_key + 0.6])
    )
    axes = chart.add_subplot()
    palette = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
        "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
    ]  # fmt: skip
    lane = {kind: index for index, kind in enumerate(kinds)}
    # Facts of one kind closer than this in time share a lane: stagger their numbers so none overlap.
    crowded = datetime.timedelta(days=400)
    last_in_lane: dict[str, tuple[datetime.date, int]] = {}
    for point in data.points:
        y = lane[point["kind"]]
        colour = palette[y % len(palette)]
        previous = last_in_lane.get(point["kind"])
        shift = (previous[1] + 1) % 3 if previous and point["when"] - previous[0] < crowded else 0
        last_in_lane[point["kind"]] = (point["when"], shift)
        marker = axes.scatter([point["when"]], [y], s=60, color=colour, zorder=3, edgecolors="white", linewidths=0.5)
        marker.set_gid(f"fact-{point['number']}")
        axes.annotate(str(point["number"]), (point["when"], y), xytext=(0, 7 + 8 * shift), textcoords="offset points",
                      ha="center", fontsize=7.5, color=colour)  # fmt: skip
    axes.set_yticks(range(len(kinds)), kinds)
    axes.set_ylim(len(kinds) - 0.4, -0.8)
    axes.tick_params(axis="y", length=0)
    for y in range(len(kinds)):
        axes.axhline(y, color="#eeeeee", zorder=0, linewidth=1)
    axes.xaxis.set_major_locator(mdates.YearLocator(2))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_xlabel("Date (a fact dated only to the year or month is drawn at its middle)")
    axes.grid(axis="x", color="#f2f2f2")
    # The key: number, date, fact and its sources, in two columns, in date order.
    key_axes = key.add_subplot()
    key_axes.axis("off")
    for index, point in enumerate(data.points):
        column, row = divmod(index, rows_of_key)
        sources = "; ".join(dict.fromkeys(short_source(s) for s in point["sources"]))
        text = f"{point['label']}  ({sources})"
        if len(text) > 105:
            text = text[:104] + "…"
        key_y = 1 - (row + 0.5) / rows_of_key
        colour = palette[lane[point["kind"]] % len(palette)]
        placed: tuple[tuple[float, str, str], ...] = (
            (0.02, str(point["number"]), "right"),
            (0.03, point["date"], "left"),
            (0.085, text, "left"),
        )
        for x, part, align in placed:
            key_axes.text(0.5 * column + x, key_y, part, fontsize=7.5, va="center", ha=align, transform=key_axes.transAxes,
                          color=colour)  # fmt: skip
    _source_footer(
        figure,
        data,
        "Numbers on the chart refer to the key; sources: the graph's references ([n]) and other cited pages",
    )
    return figure


def _draw_recognition(data: ChartData) -> Figure:
    import matplotlib.dates as mdates

    figure = _new_figure(data, 10, 0.27 * len(data.points) + 2)
    axes = figure.add_subplot()
    dates = [p["date"] for p in data.points if p["recognizes"]]
    first, last = min(dates), max(dates)
    right_edge = last + (last - first) * 0.2
    labels = []
    for y, point in enumerate(data.points):
        labels.append(point["label"])
        if point["recognizes"]:
            dot = axes.scatter([point["date"]], [y], s=40, color=_RECOGNIZES, zorder=3)
            dot.set_gid(f"recognizes-{y}")
            axes.hlines(y, first - datetime.timedelta(days=4), point["date"], color="#c6dbef", linewidth=1.5)
            axes.annotate(f"{point['date']:%-d %b %Y}", (point["date"], y), xytext=(6, 0), textcoords="offset points",
                          va="center", fontsize=8)  # fmt: skip
        else:
            cross = axes.scatter([first], [y], s=60, marker="X", color=_DOES_NOT, zorder=3)
            cross.set_gid(f"does-not-recognize-{y}")
            axes.annotate("does not recognize Kosovo", (first, y), xytext=(8, 0), textcoords="offset points",
                          va="center", fontsize=8.5, color=_DOES_NOT, fontweight="bold")  # fmt: skip
    axes.set_yticks(range(len(labels)), labels)
    for tick, point in zip(axes.get_yticklabels(), data.points, strict=True):
        if not point["recognizes"]:
            tick.set_color(_DOES_NOT)
            tick.set_fontweight("bold")
    axes.set_ylim(len(labels) - 0.5, -0.7)
    axes.set_xlim(first - datetime.timedelta(days=4), right_edge)
    axes.xaxis.set_major_locator(mdates.MonthLocator())
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    axes.tick_params(axis="y", length=0)
    axes.set_xlabel("Date of recognition")
    axes.grid(axis="x", color="#eeeeee")
    _source_footer(figure, data)
    return figure


def _draw_kfor(data: ChartData) -> Figure:
    import matplotlib.dates as mdates

    figure = _new_figure(data, 9, 5)
    axes = figure.add_subplot()
    when = [p["when"] for p in data.points]
    troops = [p["troops"] for p in data.points]
    bars = axes.bar(when, troops, width=500, color="#4a6fa5")
    for bar, point in zip(bars, data.points, strict=True):
        bar.set_gid(f"kfor-{point['date']}")
        axes.annotate(f"{point['troops']:,} troops\n({point['date']})", (point["when"], point["troops"]),
                      xytext=(0, 5), textcoords="offset points", ha="center", fontsize=10)  # fmt: skip
    axes.set_ylim(0, max(troops) * 1.2)
    axes.set_xlim(min(when) - datetime.timedelta(days=900), max(when) + datetime.timedelta(days=900))
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    axes.xaxis.set_major_locator(mdates.YearLocator(5))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.set_axisbelow(True)
    axes.set_ylabel("Troops")
    axes.set_xlabel("Date recorded")
    axes.grid(axis="y", color="#eeeeee")
    _source_footer(figure, data, "Only the dates a source gives are drawn; the graph records nothing in between.")
    return figure


_DRAW = {"polls": _draw_polls, "timeline": _draw_timeline, "recognition": _draw_recognition, "kfor": _draw_kfor}


def make_figure(data: ChartData) -> Figure:
    """The matplotlib figure of a chart's data (no pyplot: nothing global, safe in a server thread)."""
    if not data.points:  # a graph without these facts (--only-data): a chart that says so
        return _draw_nothing(data)
    return _DRAW[data.name](_drawable(data))


def _drawable(data: ChartData) -> ChartData:
    """The data with every text drawable: a control character (which XML, and so SVG, cannot
    hold, and which matplotlib would name raw in a warning on the terminal) or a line break in a
    label is written as its escape (``\\x1b``, ``\\n``)."""
    from dataclasses import replace

    from kosovo_kg.core.terminal import terminal_text

    def plain(value: object) -> object:
        if isinstance(value, str):
            return terminal_text(value)
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return replace(data, points=[{key: plain(value) for key, value in point.items()} for point in data.points])


def _draw_nothing(data: ChartData) -> Figure:
    figure = _new_figure(data, 8, 3)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, f"The stored query {data.query} returned nothing to draw.", ha="center", va="center")
    _source_footer(figure, data)
    return figure


def _image_bytes(figure: Figure, image_format: str) -> bytes:
    buffer = io.BytesIO()
    # No creation date in an SVG, so the same data gives the same file.
    metadata = {"Date": None} if image_format == "svg" else {}
    figure.savefig(buffer, format=image_format, dpi=110, metadata=metadata)
    if image_format != "svg":
        return buffer.getvalue()
    # Matplotlib names clip paths and markers by a digest of their repr, which can hold an object's
    # address (the timeline's did, now and then): numbered in order of appearance instead, the
    # same data gives the same bytes (a release's site is reproducible).
    svg = buffer.getvalue().decode("utf-8")
    names: dict[str, str] = {}
    for found in re.finditer(r'\bid="([pm][0-9a-f]{10})"', svg):
        names.setdefault(found.group(1), f"{found.group(1)[0]}{len(names):010d}")
    if names:
        svg = re.sub(r"\b([pm][0-9a-f]{10})\b", lambda m: names.get(m.group(1), m.group(1)), svg)
    return svg.encode("utf-8")


def render_chart(name: str, kg: KnowledgeGraph, image_format: str = "svg") -> bytes:
    """Chart ``name`` as PNG or SVG bytes."""
    return _image_bytes(make_figure(chart_data(name, kg)), image_format)


def draw_chart(name: str, kg: KnowledgeGraph, path: Path | str) -> ChartData:
    """Write chart ``name`` to ``path`` (.png or .svg), atomically; returns what it plotted."""
    from kosovo_kg.core.writing import atomic_writer

    check_chart_name(name)
    image_format = chart_format(path)
    data = chart_data(name, kg)
    image = _image_bytes(make_figure(data), image_format)
    with atomic_writer(path, "wb", command="chart") as stream:
        stream.write(image)
    return data
