"""publish/answers.py: a stored question's answer as people read it: names with links to their pages,
a column that repeats another left out, rows that differ only in their source as one row with every
source, the doubts beside the rows they concern, large numbers grouped, Wikidata identifiers linked."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kosovo_kg.namespaces import KKG, KKR, WD, XSD
from kosovo_kg.publish.answers import Reader, answer_table, column_title, group_digits, linked_text
from kosovo_kg.publish.links import Links
from kosovo_kg.publish.lookup import Lookup
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import execute


@pytest.fixture(scope="module")
def lookup(kg):
    return Lookup(kg)


def table(kg, lookup, name, params=None, **columns):
    return answer_table(execute(get_stored_query(name), params or {}, kg=kg), lookup, Links(), **columns)


def texts(row):
    return [" | ".join(v.text for v in cell) for cell in row.cells]


@pytest.fixture(scope="module")
def reader(lookup):
    return Reader(lookup, Links())


@pytest.mark.parametrize(
    ("term", "column", "text", "href"),
    [
        (ox.NamedNode(KKR + "greece"), "", "Greece", "/resource/greece"),
        (ox.NamedNode(WD + "Q41"), "", "Q41", "https://www.wikidata.org/wiki/Q41"),
        (ox.NamedNode(KKG + "DoesNotRecognize"), "", "does not recognize", None),  # a term of the ontology
        (ox.NamedNode("https://www.nato.int/"), "", "https://www.nato.int/", "https://www.nato.int/"),
        (ox.BlankNode("b0"), "", "(an unnamed node)", None),
        (ox.Literal("Q1246"), "wikidata", "Q1246", "https://www.wikidata.org/wiki/Q1246"),
        (ox.Literal("Q1246"), "label", "Q1246", None),  # an identifier only where the column says so
        (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), "", "yes", None),
        (ox.Literal("0", datatype=ox.NamedNode(XSD + "boolean")), "", "no", None),
        (ox.Literal("Greece"), "label", "Greece", "/resource/greece"),  # a name given as text links to its page
        (None, "", "", None),
    ],
)
def test_each_term_is_read_as_a_name_with_a_link_where_it_has_one(reader, term, column, text, href):
    value = reader.term(term, column)
    assert (value.text, value.href) == (text, href)


def test_a_number_keeps_its_lexical_form_and_says_it_is_a_number(reader):
    value = reader.term(ox.Literal("20000", datatype=ox.NamedNode(XSD + "integer")))
    assert (value.text, value.numeric, value.raw) == ("20000", True, "20000")
    tagged = reader.term(ox.Literal("Kosova", language="sq"))
    assert (tagged.text, tagged.lang, tagged.href) == ("Kosova", "sq", None)


def test_a_source_opens_where_it_can_with_its_record_one_click_further(reader):
    value = reader.resource(KKR + "ref-01")
    assert value.href == "https://doi.org/10.1080/09700160008455274" and value.record == "/resource/ref-01"
    assert value.source == KKR + "ref-01" and value.title.startswith("opens ")


def test_column_titles_and_grouped_digits():
    assert column_title("sample_size") == "sample size" and column_title("troops") == "troops"
    assert group_digits("1100") == "1,100" and group_digits("+20000") == "20,000" and group_digits("1e3") == "1e3"


def test_an_ask_answer_is_its_boolean(kg, lookup):
    answer = answer_table(execute("ASK { kkr:spain rdfs:label ?x }", kg=kg), lookup, Links())
    assert answer.boolean is True and answer.rows == [] and answer.count == 0
    assert answer_table(execute("ASK { kkr:nowhere ?p ?x }", kg=kg), lookup, Links()).boolean is False


def test_only_and_hide_choose_the_columns(kg, lookup):
    assert table(kg, lookup, "poll-trend", only=("pollster", "support")).columns == ["pollster", "support"]
    hidden = table(kg, lookup, "poll-trend", hide=("lead",))
    assert "lead" not in hidden.columns and "support" in hidden.columns
    assert all(hidden.numeric[hidden.columns.index(c)] for c in ("support", "opposed"))
    assert not hidden.numeric[hidden.columns.index("pollster")]


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


def test_a_curators_text_links_the_resources_it_mentions_by_label(lookup):
    parts = linked_text("Disputed by kkr:ref-01 and kkr:nowhere, see kkr:kosovo.", Reader(lookup, Links()))
    texts = [p if isinstance(p, str) else p.text for p in parts]
    assert texts[0] == "Disputed by " and texts[-1] == "."
    assert "kkr:nowhere" in texts[2]  # a name the graph does not hold stays as it is written
    assert [p.text for p in parts if not isinstance(p, str)][-1] == "Kosovo"
    assert linked_text("", Reader(lookup, Links())) == []
