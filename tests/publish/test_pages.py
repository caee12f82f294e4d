"""publish/pages.py: the pages without a server: parameter choices, profiles as pages (no internal IRI
above the folded triples, the panels of their kind, derived triples dropped, blank nodes inline,
hostile addresses never links), describe, labels, the SPARQL editor's questions. Their parts are
tested beside their modules: test_answers, test_lookup, test_citing, test_links, test_profiles."""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from conftest import TESTS

from kosovo_kg import load_graph
from kosovo_kg.namespaces import KKG, KKR
from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.links import safe_url
from kosovo_kg.publish.pages import Pages, choices_text, describe
from kosovo_kg.querying.catalogue import catalogue, get_stored_query
from kosovo_kg.querying.pipeline import execute


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False, release=Release("2026.11.30", "2026-11-30"))


def test_a_parameter_offers_the_resources_that_give_an_answer(kg, pages):
    speakers = dict(pages.choices(get_stored_query("statements-by-person"))["speaker"])
    assert speakers["aleksandar-vucic"] == "Aleksandar Vučić" and speakers["vjosa-osmani"] == "Vjosa Osmani"
    assert "greece" not in speakers  # Greece made no statement
    stances = dict(pages.choices(get_stored_query("statements-by-stance"))["stance"])
    assert stances["kkg:Opposes"] == "opposes"
    text = choices_text(get_stored_query("polls-by-pollster").text, "_pollster_iri")
    assert text is not None and "SELECT DISTINCT ?_pollster_iri WHERE {" in text and "ORDER BY" not in text


def visible_above_the_triples(page: str) -> str:
    top = page.split('<section class="raw"')[0].split('<main id="main">')[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", top))


@pytest.mark.parametrize("name", ["greece", "aleksandar-vucic", "kfor", "ref-22", "nato-bombing-1999", "kosovo"])
def test_a_profile_shows_no_internal_iri_above_its_folded_triples(kg, pages, name):
    page = render_profile(kg, pages, name)
    visible = visible_above_the_triples(page)
    for internal in ("w3id.org", "kkr:", "kkg:", "_:", "semanticweb"):
        assert internal not in visible, (name, internal)


def render_profile(kg, pages, name):
    iri = KKR + name
    outgoing, incoming = describe(kg, iri)
    answers = {spec.query: execute(prepared.text, kg=kg) for spec, prepared in pages.profile_queries(iri)}
    return pages.profile(iri, outgoing, incoming, answers)


def test_profiles_have_the_panels_of_their_kind(kg, pages):
    kfor = render_profile(kg, pages, "kfor")
    assert "Strength over time" in kfor and "20,000" in kfor and "50,000 troops" in kfor
    assert "Mandate: where it was deployed and what for" in kfor and "UN Security Council Resolution 1244" in kfor
    vucic = render_profile(kg, pages, "aleksandar-vucic")
    assert "<h2" in vucic and "Offices" in vucic and "President of Serbia" in vucic and "opposes" in vucic
    serbia = render_profile(kg, pages, "serbia")
    assert (
        "What its leaders and bodies said" in serbia and "Vučić: Serbia will not agree to Kosovo joining NATO" in serbia
    )
    source = render_profile(kg, pages, "ref-01")
    assert "What it supports, and what it disputes" in source and "Open the source" in source
    kosovo = render_profile(kg, pages, "kosovo")
    assert "NATO and the recognition of Kosovo" not in kosovo  # an answer with nothing but the entity's name
    assert "What its leaders and bodies said" in kosovo and "Memberships" in kosovo
    poll = render_profile(kg, pages, "poll-iri-2023-02")
    assert "Figures" in poll and "add up to 101%" in poll


def test_the_folded_triples_drop_what_the_graph_derived_and_show_blank_nodes_inline(kg, pages):
    page = render_profile(kg, pages, "greece")
    raw = page.split('<section class="raw"')[1]
    assert "earliest start" not in raw.lower() and "latestStart" not in raw
    classes = re.findall(r"<dt>is a</dt>\s*<dd>(.*?)</dd>", raw, re.DOTALL)
    assert re.sub(r"<[^>]+>", "", classes[0]) == "state"  # its own class, not its superclass agent
    assert "ad-freiburg/elevant" in raw or "every-politician" in raw  # a Wikidata pairing, a blank node, inline
    statement = render_profile(kg, pages, "statement-vucic-2024")
    folded = statement.split('<section class="raw"')[1]
    assert "was derived from" not in folded.lower()  # prov:wasDerivedFrom, implied by kkg:source


def test_hostile_addresses_never_become_links(tmp_path):
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text((TESTS / "fixtures" / "hostile-links.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    graph = load_graph([hostile])
    pages = Pages(graph, allow_federation=False)
    for name in ("kosovo", "src-hostile"):
        page = render_profile(graph, pages, name)
        assert not re.search(r"(href|src)=\"\s*((java|vb)script|data):", page, re.IGNORECASE), name
        assert "<script>alert" not in page and "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert safe_url("javascript:alert(1)") is None


def test_describe_gives_the_triples_out_of_and_into_a_resource_each_once(kg):
    outgoing, incoming = describe(kg, KKR + "kosovo")
    assert outgoing and incoming
    assert all(t.subject == ox.NamedNode(KKR + "kosovo") for t in outgoing)
    assert all(t.object == ox.NamedNode(KKR + "kosovo") for t in incoming)
    assert len(outgoing) == len(set(outgoing)) and len(incoming) == len(set(incoming))
    # with the RDFS entailments, as queries see them: Kosovo is a state, hence an agent
    assert ox.NamedNode(KKG + "Agent") in {t.object for t in outgoing}
    assert describe(kg, KKR + "no-such-resource") is None
    assert describe(kg, KKG + "Recognition") is not None  # a class is a resource too


def test_a_label_is_the_graphs_english_label_or_the_prefixed_name(pages):
    assert pages.label(KKR + "kosovo") == "Kosovo"
    assert pages.label(KKR + "nowhere") == "kkr:nowhere"


def test_the_query_ui_gets_every_stored_question_with_its_form_and_default_text(kg, pages):
    questions = {q["name"]: q for q in pages.questions()}
    assert list(questions) == list(catalogue())
    federated = [name for name, q in questions.items() if q["federated"]]
    assert federated and all(not questions[name]["runnable"] for name in federated)
    assert all(Pages(kg, True).questions()[i]["runnable"] for i in range(len(questions)))
    before = questions["recognized-before"]
    assert before["parameters"] == [{"name": "date", "type": "date", "required": False, "default": "2008-03-01"}]
    assert 'VALUES (?_date_date) { ("2008-03-01"^^<http://www.w3.org/2001/XMLSchema#date>) }' in before["query"]
    assert questions["kfor-strength"]["query"] == get_stored_query("kfor-strength").text


def test_a_question_whose_defaults_do_not_suffice_keeps_its_text(pages):
    """A required parameter without a default cannot be bound: the form asks for it."""
    required = [q for q in catalogue().values() if any(p.required and p.default is None for p in q.parameters)]
    for stored in required:
        assert pages.default_text(stored) == stored.text
