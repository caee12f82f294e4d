"""What each chart plots: the rows of its stored query, as plain points, and the key facts the web
page states beside it. Drawing them is :mod:`kosovo_kg.publish.charts.drawing`'s job.

Every number a chart shows comes from the rows of its stored query; :func:`chart_data` returns
exactly what is plotted, so tests and the web page can check it against the query.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kosovo_kg.core.lexical import day_bounds
from kosovo_kg.errors import ChartError
from kosovo_kg.namespaces import KKR
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import execute

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: Chart name -> (stored query it draws, one-line description).
CHARTS = {
    "polls": ("poll-trend", "support, opposed and neutral in each poll on NATO membership"),
    "timeline": ("timeline", "dated events and statements on one time axis, grouped by kind"),
    "recognition": ("recognition-status", "the NATO members in the order they recognized Kosovo"),
    "kfor": ("kfor-strength", "KFOR troop strength at the dates recorded"),
}
CHART_FORMATS = {".png": "png", ".svg": "svg"}

_SUPPORT, _OPPOSED, _NEUTRAL = "#1b7837", "#b2182b", "#7f7f7f"
_RECOGNIZES, _DOES_NOT = "#2166ac", "#b2182b"


@dataclass
class ChartData:
    """What one chart plots: ``points`` are plain dicts built from the query's rows."""

    name: str
    query: str
    title: str
    points: list[dict] = field(default_factory=list)

    @property
    def source_line(self) -> str:
        return f"Source: kosovo-kg, stored query {self.query}; data from the sources cited in the graph"


def check_chart_name(name: str) -> str:
    """The stored query a chart draws, or a :class:`ChartError` with a did-you-mean.

    >>> check_chart_name("poll")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.ChartError: no chart named 'poll'; did you mean polls? Charts: polls, timeline, recognition, kfor
    """
    if name in CHARTS:
        return CHARTS[name][0]
    close = difflib.get_close_matches(name, list(CHARTS), n=2, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ";"
    raise ChartError(f"no chart named {name!r}{hint} Charts: {', '.join(CHARTS)}")


def chart_format(path: Path | str) -> str:
    """``png`` or ``svg`` from the output file's suffix, or a :class:`ChartError`."""
    suffix = Path(path).suffix.lower()
    if suffix not in CHART_FORMATS:
        raise ChartError(f"{path}: a chart is written as .png or .svg, not {suffix or '(no suffix)'!r}")
    return CHART_FORMATS[suffix]


# --- data: the stored queries' rows, as plotted ---------------------------------------------


def period(value: object) -> tuple[datetime.date, datetime.date]:
    """The first and last day a date of the graph covers, at the precision it was given.

    >>> period("1999-06")
    (datetime.date(1999, 6, 1), datetime.date(1999, 6, 30))
    >>> period("2024")
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    if isinstance(value, datetime.date):
        return value, value
    text = str(value)
    bounds = day_bounds(text) or day_bounds(text[:10])  # a dateTime: its day
    if bounds is None:
        raise ValueError(f"not a year, month or day: {text!r}")
    return datetime.date.fromisoformat(bounds[0]), datetime.date.fromisoformat(bounds[1])


def midpoint(start: object, end: object | None = None) -> datetime.date:
    """The middle of a date's period (or of two dates' span): where an imprecise date is drawn.

    >>> midpoint("2024")
    datetime.date(2024, 7, 1)
    """
    first = period(start)[0]
    last = period(end if end is not None else start)[1]
    return first + (last - first) / 2


def short_source(label: str) -> str:
    """A source as the chart key shows it: a reference's number, author and year, or the site.

    >>> short_source("[1] Chawla 2000, NATO's Response to the Kosovo Crisis")
    '[1] Chawla 2000'
    >>> short_source("Wikipedia: Kosovo–NATO relations")
    'Wikipedia'
    """
    if re.match(r"\[\d+\]", label):
        return label.split(",")[0]
    return label.split(":")[0]


def _sources_by_fact(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """Every dated fact's sources, from the stored timeline (one row per source)."""

    sources: dict[str, list[str]] = {}
    for row in execute(get_stored_query("timeline"), kg=kg):
        sources.setdefault(str(row["fact"]), []).append(str(row["source"]))
    return sources


def _polls(kg: KnowledgeGraph) -> ChartData:

    sources = _sources_by_fact(kg)
    points = [
        {
            "pollster": row["pollster"],
            "pollster_short": row["pollster_short"] or row["pollster"],
            "start": str(row["start"]),
            "end": str(row["end"]),
            "when": midpoint(row["start"], row["end"]),
            "sample_size": row["sample_size"],
            "support": float(row["support"]),
            "opposed": float(row["opposed"]),
            "neutral": float(row["neutral"]),
            "poll": row["poll"],
            "sources": sources.get(str(row["poll"]), []),
        }
        for row in execute(get_stored_query("poll-trend"), kg=kg)
    ]
    return ChartData("polls", "poll-trend", "Support in Kosovo for joining NATO, poll by poll", points)


def _timeline(kg: KnowledgeGraph) -> ChartData:

    facts: dict[str, dict] = {}
    for row in execute(get_stored_query("timeline"), kg=kg):
        point = facts.setdefault(
            str(row["fact"]),
            {
                "date": str(row["date"]),
                "when": midpoint(row["date"]),
                "label": row["label"],
                "kind": row["kind"],
                "fact": row["fact"],
                "sources": [],
            },
        )
        point["sources"].append(str(row["source"]))
    points = list(facts.values())
    for number, point in enumerate(points, start=1):
        point["number"] = number
    years = f"{points[0]['date'][:4]}–{points[-1]['date'][:4]}" if points else ""
    return ChartData("timeline", "timeline", f"Kosovo and NATO, {years}: dated events and statements by kind", points)


def _recognition(kg: KnowledgeGraph) -> ChartData:

    sources: dict[str, list[str]] = {}
    if kg.describes(KKR + "kosovo"):  # a graph of other data (--only-data) may not name Kosovo at all
        for row in execute(get_stored_query("sources-of-entity"), {"entity": "kosovo"}, kg=kg):
            sources.setdefault(str(row["fact"]), []).append(str(row["title"]))
    points = [
        {
            "label": row["label"],
            "wikidata": row["wikidata"],
            "recognizes": bool(row["recognizes"]),
            "date": row["date"],
            "state": row["state"],
            "sources": sources.get(str(row["recognition"]), []),
        }
        for row in execute(get_stored_query("recognition-status"), kg=kg)
    ]
    # Recognizers by date (then name), the members that do not recognize Kosovo last.
    points.sort(key=lambda p: (not p["recognizes"], p["date"] or datetime.date.max, p["label"]))
    refusing = sum(not p["recognizes"] for p in points)
    title = f"Recognition of Kosovo by the {len(points)} NATO members: {len(points) - refusing} recognize it, {refusing} do not"
    return ChartData("recognition", "recognition-status", title, points)


def _kfor(kg: KnowledgeGraph) -> ChartData:

    sources = _sources_by_fact(kg)
    points = [
        {
            "date": str(row["date"]),
            "when": midpoint(row["date"]),
            "troops": row["troops"],
            "sources": sources.get(str(row["count"]), []),
        }
        for row in execute(get_stored_query("kfor-strength"), kg=kg)
    ]
    return ChartData("kfor", "kfor-strength", "KFOR troop strength in Kosovo at the dates recorded", points)


_DATA = {"polls": _polls, "timeline": _timeline, "recognition": _recognition, "kfor": _kfor}


def chart_data(name: str, kg: KnowledgeGraph) -> ChartData:
    """The points chart ``name`` plots, from its stored query's rows."""
    check_chart_name(name)
    return _DATA[name](kg)


# --- key facts: what the web page says beside each chart --------------------------------------


def _day(value: object) -> str:
    return f"{value:%-d %B %Y}" if isinstance(value, datetime.date) else str(value)


def key_facts(data: ChartData) -> list[tuple[str, list[str]]]:
    """Sentences stating what a chart shows, each with the sources of the facts it names.

    Every number comes from ``data.points``, the stored query's rows."""
    points = data.points
    if not points:
        return [(f"The stored query {data.query} returned nothing to draw.", [])]
    if data.name == "polls":
        facts = []
        for point in (points[0], points[-1]) if len(points) > 1 else (points[0],):
            facts.append(
                (
                    f"{point['pollster']} ({point['start']}, {point['sample_size']:,} respondents): "
                    f"{point['support']:g}% for NATO membership, {point['opposed']:g}% against, "
                    f"{point['neutral']:g}% neutral or undecided.",
                    point["sources"],
                )
            )
        return facts
    if data.name == "recognition":
        recognizing = [p for p in points if p["recognizes"]]
        refusing = [p for p in points if not p["recognizes"]]
        first = [p for p in recognizing if p["date"] == recognizing[0]["date"]] if recognizing else []
        last = [p for p in recognizing if p["date"] == recognizing[-1]["date"]] if recognizing else []
        facts = [
            (
                f"{len(recognizing)} of the {len(points)} NATO members recognize Kosovo; "
                f"{len(refusing)} do not: {', '.join(p['label'] for p in refusing)}.",
                sorted({s for p in refusing for s in p["sources"]}),
            )
        ]
        if first:
            facts.append(
                (
                    f"First to recognize, on {_day(first[0]['date'])}: {', '.join(p['label'] for p in first)}; "
                    f"last among the members, on {_day(last[0]['date'])}: {', '.join(p['label'] for p in last)}.",
                    sorted({s for p in first + last for s in p["sources"]}),
                )
            )
        return facts
    if data.name == "kfor":
        return [(f"{p['troops']:,} KFOR troops in {p['date']}.", p["sources"]) for p in points]
    kinds: dict[str, int] = {}
    for point in points:
        kinds[point["kind"]] = kinds.get(point["kind"], 0) + 1
    commonest = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))[:3]
    return [
        (
            f"{len(points)} dated facts from {points[0]['date']} to {points[-1]['date']}, of {len(kinds)} kinds; "
            f"the most: {', '.join(f'{kind} ({count})' for kind, count in commonest)}.",
            [],
        ),
        (f"First: {points[0]['label']} ({points[0]['date']}).", points[0]["sources"]),
        (f"Latest: {points[-1]['label']} ({points[-1]['date']}).", points[-1]["sources"]),
    ]
