"""Charts drawn from the real graph: each renders, and plots exactly what its stored query returns."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import invoke

from kosovo_kg import query
from kosovo_kg.publish.charts.data import CHARTS, chart_data, key_facts
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


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("polls", "International Republican Institute (2024-05, 1,200 respondents): 94% for NATO membership"),
        ("recognition", "28 of the 32 NATO members recognize Kosovo; 4 do not: Greece, Romania, Slovakia, Spain."),
        ("kfor", "4,500 KFOR troops in 2024."),
        ("timeline", "37 dated facts from 1974 to 2024-09"),
    ],
)
def test_key_facts_state_the_query_numbers(kg, name, expected):
    facts = key_facts(chart_data(name, kg))
    assert any(text.startswith(expected) for text, _ in facts)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chart", "poll", "-o", "{dir}/poll.png"], "no chart named 'poll'; did you mean polls?"),
        (["chart", "nothing", "-o", "{dir}/x.svg"], "Charts: polls, timeline, recognition, kfor"),
        (["chart", "polls", "-o", "{dir}/polls.pdf"], "a chart is written as .png or .svg, not '.pdf'"),
        (["chart", "polls", "-o", "{dir}/polls"], "not '(no suffix)'"),
        (["chart", "polls", "-o", "{dir}/missing/polls.png"], "does not exist"),
    ],
)
def test_chart_errors_exit_2_with_a_message_and_leave_no_file(tmp_path, args, message):
    result = invoke([a.format(dir=tmp_path) for a in args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_chart_command_writes_the_image(tmp_path):
    result = invoke(["chart", "kfor", "-o", str(tmp_path / "kfor.svg")])
    assert result.exit_code == 0
    assert "2 points from kfor-strength" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kosovo-kg-manifest.json", "kfor.svg"]
    assert b"<svg" in (tmp_path / "kfor.svg").read_bytes()


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
