"""Charts drawn from the real graph: each renders, and plots exactly what its stored query returns."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from kosovo_kg import query
from kosovo_kg.publish.charts.data import CHARTS, chart_data
from kosovo_kg.publish.charts.drawing import draw_chart, make_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def images(kg, tmp_path_factory):
    """Every chart written once as PNG and as SVG: (name, suffix) -> bytes."""
    folder = tmp_path_factory.mktemp("charts")
    written = {}
    for name in CHARTS:
        for suffix in ("png", "svg"):
            path = folder / f"{name}.{suffix}"
            draw_chart(name, kg, path)
            written[name, suffix] = path.read_bytes()
    return written


@pytest.mark.parametrize("suffix", ["png", "svg"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_each_chart_renders_a_real_image(images, name, suffix):
    image = images[name, suffix]
    assert len(image) > 10_000
    if suffix == "png":
        assert image.startswith(PNG_SIGNATURE)
    else:
        root = ET.fromstring(image)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 20


def svg_ids(image: bytes, prefix: str) -> list[str]:
    return re.findall(rf'id="({re.escape(prefix)}[^"]*)"', image.decode())


def rows(name, kg, **params):
    return list(query(name, params, graph=kg))


def test_polls_plots_one_point_per_poll_with_the_query_values(kg, images):
    data = chart_data("polls", kg)
    polls = rows("poll-trend", kg)
    assert len(data.points) == len(polls) == 4
    for point, row in zip(data.points, polls, strict=True):
        assert (point["support"], point["opposed"], point["neutral"]) == (
            float(row["support"]),
            float(row["opposed"]),
            float(row["neutral"]),
        )
        assert point["sample_size"] == row["sample_size"]
        assert point["sources"], "each poll's source comes from the timeline"
    figure = make_figure(data)
    lines = {line.get_gid(): list(line.get_ydata()) for line in figure.axes[0].get_lines()}
    assert lines["series-support"] == [float(r["support"]) for r in polls]
    assert lines["series-opposed"] == [float(r["opposed"]) for r in polls]
    assert lines["series-neutral"] == [float(r["neutral"]) for r in polls]
    # Pollster and sample size are written at each point.
    labels = [text.get_text() for text in figure.axes[0].texts if "n = " in text.get_text()]
    assert len(labels) == len(polls)
    assert "KCSS, 2014-10\nn = 1,100" in labels
    assert len(svg_ids(images["polls", "svg"], "series-")) == 3


def test_recognition_orders_32_members_by_date_and_marks_the_4_that_do_not_recognize(kg, images):
    data = chart_data("recognition", kg)
    status = rows("recognition-status", kg)
    assert len(data.points) == len(status) == 32
    assert {p["label"] for p in data.points} == {r["label"] for r in status}
    refusing = [p["label"] for p in data.points if not p["recognizes"]]
    assert refusing == ["Greece", "Romania", "Slovakia", "Spain"]
    assert refusing == sorted(r["label"] for r in rows("non-recognizing-nato-members", kg))
    dates = [p["date"] for p in data.points if p["recognizes"]]
    assert dates == sorted(dates)
    assert data.points[-4:] == [p for p in data.points if not p["recognizes"]]
    svg = images["recognition", "svg"]
    assert len(svg_ids(svg, "recognizes-")) == 28
    assert len(svg_ids(svg, "does-not-recognize-")) == 4


def test_timeline_draws_each_dated_fact_once_in_the_lane_of_its_kind(kg, images):
    data = chart_data("timeline", kg)
    timeline = rows("timeline", kg)
    facts = {r["fact"]: r for r in timeline}
    assert [p["fact"] for p in data.points] == list(dict.fromkeys(r["fact"] for r in timeline))
    for point in data.points:
        assert point["kind"] == facts[point["fact"]]["kind"]
        assert sorted(point["sources"]) == sorted(r["source"] for r in timeline if r["fact"] == point["fact"])
    assert len(svg_ids(images["timeline", "svg"], "fact-")) == len(facts)
    lanes = [label.get_text() for label in make_figure(data).axes[0].get_yticklabels()]
    assert sorted(lanes) == sorted({r["kind"] for r in timeline})
    assert data.title.startswith("Kosovo and NATO, 1974–2024")


def test_kfor_draws_the_troop_strength_at_each_recorded_date(kg, images):
    data = chart_data("kfor", kg)
    strength = rows("kfor-strength", kg)
    assert [(p["date"], p["troops"]) for p in data.points] == [(str(r["date"]), r["troops"]) for r in strength]
    bars = make_figure(data).axes[0].patches
    assert [bar.get_height() for bar in bars] == [r["troops"] for r in strength]
    assert len(svg_ids(images["kfor", "svg"], "kfor-")) == len(strength)


def test_a_query_does_not_import_matplotlib():
    code = (
        "import sys\n"
        "from kosovo_kg.cli.main import command_line\n"
        "try:\n"
        "    command_line(['query', 'kfor-strength', '--format', 'csv'])\n"
        "finally:\n"
        "    print('matplotlib' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "4500" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_graph_without_the_charts_facts_gets_a_chart_that_says_so(tmp_path, name):
    """A release or serve of other data alone (--only-data): once an internal error (min() of nothing)."""
    from kosovo_kg.core.store import load_graph

    (tmp_path / "x.ttl").write_text(
        '<https://w3id.org/kosovo-kg/resource/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n'
    )
    svg = draw_and_read(load_graph([tmp_path / "x.ttl"], packaged=False), name, tmp_path / f"{name}.svg")
    assert f"The stored query {CHARTS[name][0]} returned nothing to draw." in svg


def draw_and_read(kg, name, path) -> str:
    data = draw_chart(name, kg, path)
    assert data.points == []
    text = path.read_text(encoding="utf-8")
    # matplotlib writes text as glyph paths; the words are in the SVG's comments and ids
    return " ".join(re.findall(r"<!-- (.*?) -->", text))
