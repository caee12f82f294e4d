"""publish/questions.py: the stored questions as the pages show them: a parameter's choices (the
resources that give an answer), the editor's list with each form and default text, the gallery by
topic, a question's page, the SPARQL editor. Through serve: tests/web/routes/test_questions_pages.py."""

from __future__ import annotations

import pytest

from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.pages import Pages
from kosovo_kg.publish.questions import (
    FIRST_QUESTION,
    TOPICS,
    choices,
    choices_text,
    default_text,
    editor_page,
    editor_questions,
    gallery,
    question_page,
)
from kosovo_kg.querying.catalogue import catalogue, get_stored_query
from kosovo_kg.querying.pipeline import QueryOptions, evaluate, prepare


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False, release=Release("2026.11.30", "2026-11-30"))


def test_choices_text_asks_for_the_values_of_one_parameter():
    text = choices_text(get_stored_query("polls-by-pollster").text, "_pollster_iri")
    assert text is not None and "SELECT DISTINCT ?_pollster_iri WHERE {" in text and "ORDER BY" not in text
    assert choices_text("ASK { ?s ?p ?o }", "s") is None  # no SELECT: no shape to ask


def test_a_question_whose_defaults_do_not_suffice_keeps_its_text(kg):
    """A required parameter without a default cannot be bound: the form asks for it."""
    required = [q for q in catalogue().values() if any(p.required and p.default is None for p in q.parameters)]
    for stored in required:
        assert default_text(stored, kg) == stored.text


def test_the_gallery_lists_every_question_once_under_its_first_topic(pages):
    groups = gallery(pages)
    names = [card["name"] for _, _, cards in groups for card in cards]
    assert sorted(names) == sorted(catalogue())
    order = [tag for tag, _, _ in groups if tag in TOPICS]
    assert order == [tag for tag in TOPICS if tag in order]  # in the order of TOPICS
    assert all(title == TOPICS[tag] for tag, title, _ in groups if tag in TOPICS)


def test_the_query_ui_gets_every_stored_question_with_its_form_and_default_text(kg, pages):
    questions = {q["name"]: q for q in editor_questions(pages)}
    assert list(questions) == list(catalogue())
    federated = [name for name, q in questions.items() if q["federated"]]
    assert federated and all(not questions[name]["runnable"] for name in federated)
    assert all(q["runnable"] for q in editor_questions(Pages(kg, True)))
    before = questions["recognized-before"]
    assert before["parameters"] == [{"name": "date", "type": "date", "required": False, "default": "2008-03-01"}]
    assert 'VALUES (?_date_date) { ("2008-03-01"^^<http://www.w3.org/2001/XMLSchema#date>) }' in before["query"]
    assert questions["kfor-strength"]["query"] == get_stored_query("kfor-strength").text


def test_a_parameter_offers_the_resources_that_give_an_answer(pages):
    speakers = dict(choices(pages, get_stored_query("statements-by-person"))["speaker"])
    assert speakers["aleksandar-vucic"] == "Aleksandar Vučić" and speakers["vjosa-osmani"] == "Vjosa Osmani"
    assert "greece" not in speakers  # Greece made no statement
    stances = dict(choices(pages, get_stored_query("statements-by-stance"))["stance"])
    assert stances["kkg:Opposes"] == "opposes"


def test_a_question_page_shows_its_answer_its_chart_and_how_to_cite_it(kg, pages):
    query = get_stored_query("kfor-strength")
    options = QueryOptions()
    prepared = prepare(query, {}, options, kg)
    page = question_page(pages, query, {}, evaluate(prepared, kg, options), prepared, page_url="https://x.test/q")
    assert query.summary in page and "50,000" in page
    assert '<pre class="citation">' in page
    assert '<link rel="canonical" href="https://x.test/q"' in page
    unanswered = question_page(pages, query, {}, None, None, error="no such date")
    assert "no such date" in unanswered and '<pre class="citation">' not in unanswered  # no answer, nothing to cite


@pytest.mark.parametrize("given", ["President of Kosovo", "kkr:president-of-kosovo", "Presidenti i Kosovës"])
def test_the_chooser_shows_the_choice_a_name_was_answered_for(kg, pages, given):
    # a label, a prefixed name or a name in Albanian: the chooser showed its first choice, the
    # Minister of Defence, above the President's statements, and "Answer" would have asked for him
    query = get_stored_query("statements-by-office")
    options = QueryOptions()
    prepared = prepare(query, {"office": given}, options, kg)
    page = question_page(pages, query, {"office": given}, evaluate(prepared, kg, options), prepared)
    selected = [line for line in page.splitlines() if "<option" in line and " selected" in line]
    assert selected == ['<option value="president-of-kosovo" selected>President of Kosovo</option>']
    assert "Osmani: NATO membership imperative" in page


def test_a_choice_given_by_its_own_key_is_shown_as_it_is(kg, pages):
    query = get_stored_query("statements-by-stance")
    options = QueryOptions()
    prepared = prepare(query, {"stance": "kkg:Opposes"}, options, kg)
    page = question_page(pages, query, {"stance": "kkg:Opposes"}, evaluate(prepared, kg, options), prepared)
    assert '<option value="kkg:Opposes" selected>opposes</option>' in page


def test_the_editor_opens_on_its_first_question_with_every_question_inline(pages):
    page = editor_page(pages)
    assert f'<script id="first-question" type="application/json">"{FIRST_QUESTION}"</script>' in page
    inline = page.split('<script id="questions-data" type="application/json">')[1].split("</script>")[0]
    assert all(f'"name": "{name}"' in inline for name in catalogue())
    assert page is editor_page(pages)
