"""The pages' parts, without a server: answers as readable tables (links, no repeated columns, one row
per fact with its sources, doubts beside their rows), sources opened where they can be, citations,
parameter choices, profiles (inferred duplicates dropped, blank nodes inline, no internal IRIs above
the folded triples), and the one allow-list every link the templates write goes through."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import TESTS

from kosovo_kg import load_graph
from kosovo_kg.namespaces import KKR
from kosovo_kg.publish.answers import answer_table
from kosovo_kg.publish.citing import Release, cite_answer
from kosovo_kg.publish.links import Links, safe_url
from kosovo_kg.publish.lookup import Lookup
from kosovo_kg.publish.pages import TEMPLATES, Pages, choices_text, describe
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import execute

ARTICLE = "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations"


@pytest.fixture(scope="module")
def lookup(kg):
    return Lookup(kg)


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False, release=Release("2026.11.30", "2026-11-30"))


def table(kg, lookup, name, params=None, **columns):
    return answer_table(execute(get_stored_query(name), params or {}, kg=kg), lookup, Links(), **columns)


def texts(row):
    return [" | ".join(v.text for v in cell) for cell in row.cells]


def test_a_column_that_repeats_another_is_left_out_and_entities_link_to_their_pages(kg, lookup):
    members = table(kg, lookup, "nato-members")
    assert members.columns == ["state", "wikidata", "joined"]  # `label` said what `state` says
    greece = next(row for row in members.rows if texts(row)[0] == "Greece")
    state, wikidata, joined = (cell[0] for cell in greece.cells)
    assert state.href == "/resource/greece" and state.node == KKR + "greece"
    assert (wikidata.text, wikidata.href) == ("Q41", "https://www.wikidata.org/wiki/Q41")
    assert joined.text == "1952-02-18"


def test_rows_that_differ_only_in_their_source_are_one_row_with_every_source(kg, lookup):
    statements = table(kg, lookup, "statements-on-nato")
    assert statements.count == 12 and len(statements.rows) == 11 and statements.merged
    jahjaga = next(row for row in statements.rows if texts(row)[1] == "Atifete Jahjaga")
    sources = jahjaga.cells[statements.columns.index("source")]
    assert [s.text for s in sources] == [
        "Wikipedia: Kosovo–NATO relations",
        "[6] UNMIK, Jahjaga seeks active engagement from US and EU",
    ]
    speaker = jahjaga.cells[statements.columns.index("speaker")][0]
    assert speaker.href == "/resource/atifete-jahjaga"  # a name the answer gives as text links to its page


def test_a_doubt_stands_beside_the_row_it_concerns(kg, lookup):
    kfor = table(kg, lookup, "kfor-strength", only=("date", "troops"))
    assert kfor.columns == ["date", "troops"]  # the node that carries the doubt is not shown, its doubt is
    first, latest = kfor.rows
    assert texts(first) == ["1999-06", "20,000"] and texts(latest) == ["2024", "4,500"]
    assert "50,000 troops" in first.doubts[0].text
    assert first.doubts[0].disputed_by == [KKR + "src-gov-pl-kfor"]
    assert "dated 25 April 2025" in latest.doubts[0].text
    vucic = next(r for r in table(kg, lookup, "statements-on-nato").rows if texts(r)[1] == "Aleksandar Vučić")
    assert "eighteen months earlier" in vucic.doubts[0].text
    assert [s for s in kfor.sources] == [KKR + "ref-01", KKR + "ref-02"]


def test_years_are_not_grouped_but_large_counts_are(kg, lookup):
    enlargement = table(kg, lookup, "nato-enlargement")
    assert all(re.fullmatch(r"\d{4}", texts(row)[0]) for row in enlargement.rows)
    assert texts(table(kg, lookup, "poll-trend").rows[0])[3] == "1100"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("ref-01", "https://doi.org/10.1080/09700160008455274"),  # a DOI
        ("ref-17", "https://en.wikipedia.org/wiki/Special:BookSources/9789951679237"),  # an ISBN
        ("ref-22", ARTICLE + "#References"),  # a reference without an address: the article's list
        ("src-gov-pl-kfor", "https://gov.pl/web/national-defence/kfor"),  # its own address
        ("article", ARTICLE),
    ],
)
def test_every_source_opens_where_it_can(lookup, source, target):
    assert lookup.sources[KKR + source].target == target


def test_a_source_without_address_or_reference_number_links_to_its_record(lookup):
    iri = KKR + "src-recognition-norwegian-ministry-of-foreign-affairs-press-release-038-08-2"
    assert lookup.sources[iri].target is None
    value = answer_table.__globals__["Reader"](lookup, Links()).resource(iri)
    assert value.href == "/resource/src-recognition-norwegian-ministry-of-foreign-affairs-press-release-038-08-2"


def test_cite_an_answer_as_text_bibtex_and_csl_json(kg, lookup):
    kfor = table(kg, lookup, "kfor-strength")
    sources = [lookup.sources[s] for s in kfor.sources]
    citation = cite_answer(
        "kfor-strength", "KFOR troop strength", {}, Release("2026.11.30", "2026-11-30"), "http://x.test/q", sources
    )
    assert "release 2026.11.30 of 2026-11-30" in citation.text
    assert "Chawla, Shalini (2000-09) “NATO's Response to the Kosovo Crisis”" in citation.text
    assert "doi:10.1080/09700160008455274" in citation.text
    assert "@misc{kosovokg:kfor-strength:2026.11.30," in citation.bibtex
    assert "@article{ref-01," in citation.bibtex and "doi = {10.1080/09700160008455274}," in citation.bibtex
    items = json.loads(citation.csl_json)
    assert [item["id"] for item in items] == ["kosovokg:kfor-strength:2026.11.30", "ref-01", "ref-02"]
    assert items[0]["type"] == "dataset" and items[0]["version"] == "2026.11.30"
    assert items[1]["author"] == [{"family": "Chawla", "given": "Shalini"}]
    assert items[1]["issued"] == {"date-parts": [[2000, 9]]} and items[1]["DOI"] == "10.1080/09700160008455274"


def test_bibtex_escapes_what_its_grammar_reads():
    from kosovo_kg.publish.citing import _bibtex_value

    assert _bibtex_value("50% of R&D_x {a} $5 #1 ~^\\") == (
        r"{50\% of R\&D\_x \{a\} \$5 \#1 \textasciitilde{}\textasciicircum{}\textbackslash{}}"
    )


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


def test_every_link_a_template_writes_goes_through_the_allow_list():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attribute in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            assert re.fullmatch(r"\{\{ .+ \| url \}\}", attribute), (template.name, attribute)


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
