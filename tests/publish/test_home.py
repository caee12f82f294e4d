"""publish/home.py: the home page's answers on arrival, each from its stored question, and the page
made once. Through serve: tests/web/routes/test_pages.py; the site's index: tests/publish/test_site.py."""

from __future__ import annotations

import pytest

from kosovo_kg.publish.home import headlines, home_page, recognition
from kosovo_kg.publish.pages import Pages
from kosovo_kg.publish.profiles import timeline


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False)


def test_the_nato_members_that_do_not_recognize_kosovo_and_those_that_do_by_date(pages):
    found = recognition(pages)
    assert found["members"] == len(found["refusing"]) + sum(len(states) for _, states in found["recognizing"])
    assert "Spain" in {state.text for state in found["refusing"]}
    dates = [date for date, _ in found["recognizing"]]
    assert dates == sorted(dates) and "2008-02-18" in dates


def test_the_headlines_answer_from_the_stored_questions(pages):
    found = headlines(pages)
    assert found["recognition"] == recognition(pages)
    assert found["kfor"].columns == ["date", "troops"]
    whole = timeline(pages.table(pages.run("timeline"), only=("date", "fact", "kind", "source")), limit=None)
    assert len(found["timeline"]) == whole[1] > 0  # every entry, not a profile's first ones


def test_the_home_page_is_made_once(pages):
    assert home_page(pages) is home_page(pages)
    assert "Kosovo–NATO relations, every fact sourced" in home_page(pages)
