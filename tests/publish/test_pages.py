"""publish/pages.py: the HTML pages serve shows and the static site repeats: where their links
point, a resource's triples in and out, each term as a link (escaped, and only to the web), the
stored questions for the query UI, language tags in their usual case, the facts query."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kosovo_kg.core.store import KnowledgeGraph, load_graph
from kosovo_kg.namespaces import KKG, KKR, RDFS_LABEL, SKOS, WD
from kosovo_kg.publish.pages import (
    FIRST_QUESTION,
    Link,
    Links,
    Pages,
    charts_section,
    describe,
    facts_query,
)
from kosovo_kg.querying.catalogue import catalogue, get_stored_query

LABEL = ox.NamedNode(RDFS_LABEL)


def test_serves_links_are_its_routes():
    links = Links()
    assert (links.home(), links.static("site.css"), links.resource("kosovo"), links.turtle("kosovo")) == (
        "/",
        "/static/site.css",
        "/resource/kosovo",
        "/resource/kosovo",
    )
    assert links.resource_format("kosovo", "jsonld") == "?format=jsonld"
    assert (links.chart("polls"), links.query_csv("poll-trend")) == (
        "/charts/polls.svg",
        "/api/queries/poll-trend?format=csv",
    )


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


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False)


@pytest.mark.parametrize(
    ("term", "link"),
    [
        (ox.NamedNode(KKR + "kosovo"), Link("Kosovo", "/resource/kosovo")),
        (ox.NamedNode(WD + "Q1246"), Link("Q1246", "https://www.wikidata.org/wiki/Q1246")),
        (ox.NamedNode(KKG + "Recognition"), Link("diplomatic recognition")),  # a term of the ontology: no page
        (ox.NamedNode("https://www.nato.int/"), Link("https://www.nato.int/", "https://www.nato.int/")),
        (ox.Literal("Kosova", language="sq"), Link("Kosova", note="@sq")),
        (ox.Literal("4500", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), Link("4500")),
        (ox.BlankNode("b0"), Link("_:b0")),
        # only the web is linked: a javascript: or data: IRI would run when clicked
        (ox.NamedNode("javascript:alert(1)"), Link("javascript:alert(1)")),
        (ox.NamedNode("data:text/html;base64,PHNjcmlwdD4="), Link("data:text/html;base64,PHNjcmlwdD4=")),
        (ox.NamedNode("urn:isbn:0451450523"), Link("urn:isbn:0451450523")),
    ],
)
def test_each_term_is_a_link_where_it_has_a_page(pages, term, link):
    assert pages.link(term) == link


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


def test_the_home_page_is_made_once_and_its_questions_cannot_end_the_script(kg):
    home_pages = Pages(kg, allow_federation=False)
    page = home_pages.home("<section>charts</section>")
    assert home_pages.home("other") is page
    data = page.split('<script id="questions-data" type="application/json">')[1].split("</script>")[0]
    assert "</" not in data and json.loads(data)[0]["name"] == next(iter(catalogue()))
    assert f'"{FIRST_QUESTION}"' in page and "<section>charts</section>" in page


def test_a_resource_page_escapes_what_the_data_says(tmp_path):
    data = tmp_path / "x.ttl"
    data.write_text(
        f'<{KKR}x> <{RDFS_LABEL}> "<script>alert(1)</script>"@en ; <{SKOS}altLabel> "A & B"@sr-latn ;\n'
        f"  <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(2)> , <https://www.nato.int/?a=1&b=2> ;\n"
        f'  <{KKG}wikidata> <{WD}Q1246> .\n<{KKR}y> <{KKG}about> <{KKR}x> ; <{RDFS_LABEL}> "Why"@en .\n'
    )
    kg = load_graph([data], packaged=False)
    outgoing, incoming = describe(kg, KKR + "x")
    page = Pages(kg, allow_federation=False).resource(KKR + "x", outgoing, incoming, None)
    assert "<script>alert" not in page and "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert '<td lang="sr-Latn">A &amp; B</td>' in page and "Serbian (Latin)" in page
    assert 'href="javascript:' not in page and "javascript:alert(2)" in page
    assert '<a href="https://www.nato.int/?a=1&amp;b=2">' in page
    assert '<a class="wikidata" href="https://www.wikidata.org/wiki/Q1246">Q1246</a>' in page
    assert '<a href="/resource/y">Why</a>' in page  # what refers to it


def test_a_resource_page_lists_its_dated_sourced_facts(kg, pages):
    outgoing, incoming = describe(kg, KKR + "spain")
    page = pages.resource(KKR + "spain", outgoing, incoming, kg_facts(kg, KKR + "spain"))
    facts = page.split('<table class="facts">')[1].split("</table>")[0]
    assert '<a href="/resource/recognition-spain-kosovo">' in facts
    assert "<h1>Spain</h1>" in page


def kg_facts(kg: KnowledgeGraph, iri: str):
    from kosovo_kg.querying.pipeline import execute

    return execute(facts_query(iri), kg=kg)


def test_the_facts_query_gives_each_fact_that_names_the_resource_with_its_sources(kg):
    result = kg_facts(kg, KKR + "spain")
    assert result.variables == ["fact", "date", "source", "from"]
    facts = {row["fact"] for row in result}
    assert KKR + "recognition-spain-kosovo" in facts
    assert all(row["source"] for row in result)


def test_the_charts_section_shows_each_chart_with_its_key_facts_and_query(kg):
    html = charts_section(kg)
    for name in ("polls", "timeline", "recognition", "kfor"):
        assert f'src="/charts/{name}.svg"' in html
    assert "4,500 KFOR troops in 2024." in html and "/api/queries/kfor-strength?format=csv" in html
