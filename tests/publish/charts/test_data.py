"""publish/charts/data.py: what each chart plots, as plain points from its stored query's rows, the
key facts the page states beside it, and the names and formats a chart may have. How the points
are drawn is tests/publish/charts/test_drawing.py's."""

from __future__ import annotations

import datetime

import pytest

from kosovo_kg import query
from kosovo_kg.errors import ChartError
from kosovo_kg.publish.charts.data import (
    CHARTS,
    ChartData,
    chart_data,
    chart_format,
    check_chart_name,
    key_facts,
    midpoint,
    period,
    short_source,
)


def test_each_chart_draws_a_stored_query():
    assert {name: query for name, (query, _) in CHARTS.items()} == {
        "polls": "poll-trend",
        "timeline": "timeline",
        "recognition": "recognition-status",
        "kfor": "kfor-strength",
    }
    assert all(check_chart_name(name) == stored for name, (stored, _) in CHARTS.items())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("poll", "no chart named 'poll'; did you mean polls? Charts: polls, timeline, recognition, kfor"),
        ("timelines", "no chart named 'timelines'; did you mean timeline? Charts: "),
        ("bar", "no chart named 'bar'; Charts: polls, timeline, recognition, kfor"),
        ("", "no chart named ''; Charts: "),
    ],
)
def test_an_unknown_chart_is_told_with_a_did_you_mean_and_the_charts_there_are(name, message):
    with pytest.raises(ChartError) as caught:
        check_chart_name(name)
    assert str(caught.value).startswith(message)
    with pytest.raises(ChartError):
        chart_data(name, None)  # type: ignore[arg-type]  # refused before the graph is read


@pytest.mark.parametrize(("path", "fmt"), [("polls.png", "png"), ("out/polls.svg", "svg"), ("POLLS.SVG", "svg")])
def test_the_image_format_is_the_files_suffix(path, fmt):
    assert chart_format(path) == fmt


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("polls.pdf", "polls.pdf: a chart is written as .png or .svg, not '.pdf'"),
        ("polls", "polls: a chart is written as .png or .svg, not '(no suffix)'"),
        ("polls.svg.gz", "polls.svg.gz: a chart is written as .png or .svg, not '.gz'"),
    ],
)
def test_another_suffix_is_refused(path, message):
    with pytest.raises(ChartError) as caught:
        chart_format(path)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("1999", (1999, 1, 1), (1999, 12, 31)),
        ("2024-02", (2024, 2, 1), (2024, 2, 29)),
        ("1999-06-10", (1999, 6, 10), (1999, 6, 10)),
        ("2008-02-17T12:00:00Z", (2008, 2, 17), (2008, 2, 17)),  # a dateTime: its day
        (datetime.date(2008, 2, 17), (2008, 2, 17), (2008, 2, 17)),
    ],
)
def test_the_period_of_a_date_is_its_first_and_last_day(value, first, last):
    assert period(value) == (datetime.date(*first), datetime.date(*last))


@pytest.mark.parametrize("value", ["June 1999", "1999-13", "", None])
def test_what_is_not_a_date_has_no_period(value):
    with pytest.raises(ValueError, match="not a year, month or day"):
        period(value)


def test_an_imprecise_date_is_drawn_in_the_middle_of_its_period():
    assert midpoint("2024") == datetime.date(2024, 7, 1)
    assert midpoint("1999-06") == datetime.date(1999, 6, 15)
    assert midpoint("1999-06-10") == datetime.date(1999, 6, 10)
    # a poll's fieldwork: from the first day of its start to the last of its end
    assert midpoint("2024-05-01", "2024-05-31") == datetime.date(2024, 5, 16)
    assert midpoint("2023-12", "2024-01") == datetime.date(2023, 12, 31)


@pytest.mark.parametrize(
    ("label", "short"),
    [
        ("[1] Chawla 2000, NATO's Response to the Kosovo Crisis", "[1] Chawla 2000"),
        ("[22] NATO 2025", "[22] NATO 2025"),
        ("Wikipedia: Kosovo–NATO relations", "Wikipedia"),
        ("Exit News", "Exit News"),
    ],
)
def test_a_source_is_keyed_by_its_reference_number_author_and_year_or_its_site(label, short):
    assert short_source(label) == short


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_plots_one_point_per_fact_of_its_query_with_the_facts_sources(kg, name):
    data = chart_data(name, kg)
    assert (data.name, data.query) == (name, CHARTS[name][0])
    assert data.source_line == f"Source: kosovo-kg, stored query {data.query}; data from the sources cited in the graph"
    assert data.title and data.points
    assert all(point["sources"] for point in data.points), [p for p in data.points if not p["sources"]]
    assert all(isinstance(point.get("when", datetime.date.min), datetime.date) for point in data.points)


def test_the_kfor_chart_gives_the_troops_at_each_date_with_the_sources_of_each_count(kg):
    data = chart_data("kfor", kg)
    rows = list(query("kfor-strength", graph=kg))
    assert [(p["date"], p["troops"], p["when"]) for p in data.points] == [
        ("1999-06", 20000, datetime.date(1999, 6, 15)),
        ("2024", 4500, datetime.date(2024, 7, 1)),
    ]
    assert [p["troops"] for p in data.points] == [row["troops"] for row in rows]


def test_key_facts_of_a_chart_with_nothing_to_draw_say_so():
    empty = ChartData("kfor", "kfor-strength", "KFOR")
    assert key_facts(empty) == [("The stored query kfor-strength returned nothing to draw.", [])]


def test_key_facts_of_one_poll_state_its_figures_once():
    point = {
        "pollster": "KCSS",
        "start": "2014-10",
        "sample_size": 1100,
        "support": 88.7,
        "opposed": 4.0,
        "neutral": 7.3,
        "sources": ["[3] KCSS 2014"],
    }
    assert key_facts(ChartData("polls", "poll-trend", "Polls", [point])) == [
        (
            "KCSS (2014-10, 1,100 respondents): 88.7% for NATO membership, 4% against, 7.3% neutral or undecided.",
            ["[3] KCSS 2014"],
        )
    ]


def test_key_facts_of_the_recognitions_name_the_members_that_do_not_and_the_first_and_last(kg):
    facts = key_facts(chart_data("recognition", kg))
    assert facts[0][0] == "28 of the 32 NATO members recognize Kosovo; 4 do not: Greece, Romania, Slovakia, Spain."
    assert facts[0][1] == sorted(set(facts[0][1])) and facts[0][1]  # the sources of the four, each once
    assert facts[1][0] == (
        "First to recognize, on 18 February 2008: Albania, France, Turkey, United Kingdom, United States; "
        "last among the members, on 9 October 2008: Montenegro, North Macedonia."
    )


def test_key_facts_of_the_timeline_count_its_kinds_and_name_the_first_and_latest(kg):
    data = chart_data("timeline", kg)
    facts = key_facts(data)
    kinds = {point["kind"] for point in data.points}
    assert facts[0][0].startswith(
        f"{len(data.points)} dated facts from 1974 to 2024-09, of {len(kinds)} kinds; the most: "
    )
    assert facts[1] == (f"First: {data.points[0]['label']} (1974).", data.points[0]["sources"])
    assert facts[2][0] == f"Latest: {data.points[-1]['label']} ({data.points[-1]['date']})."


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
