"""publish/citing.py: cite an answer: the dataset's release with every source behind the rows, as
plain text, BibTeX (its special characters escaped) and CSL-JSON (what Zotero, Pandoc and citeproc read)."""

from __future__ import annotations

import json

import pytest

from kosovo_kg.namespaces import KKR
from kosovo_kg.publish.answers import answer_table
from kosovo_kg.publish.citing import Release, cite_answer, source_bibtex, source_csl, source_text
from kosovo_kg.publish.links import Links
from kosovo_kg.publish.lookup import Lookup, Source
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import execute

BOOK = Source(
    KKR + "ref-17",
    "[17] A book",
    {
        "title": "Kosovo & NATO: 100% {true}",
        "authorName": "Doe, Jane; Roe, R.",
        "isbn": "978-9951-679-23-7",
        "published": "2015",
    },
    "A Publisher",
    17,
)
PAGE = Source(KKR + "src-x", "Some page", {"url": "https://x.test/a", "work": "X News", "retrieved": "2025-01-02"})


@pytest.fixture(scope="module")
def lookup(kg):
    return Lookup(kg)


def table(kg, lookup, name, params=None, **columns):
    return answer_table(execute(get_stored_query(name), params or {}, kg=kg), lookup, Links(), **columns)


def test_a_source_as_a_reference_line():
    assert (
        source_text(BOOK)
        == "Doe, Jane; Roe, R. (2015) “Kosovo & NATO: 100% {true}”. A Publisher. ISBN 978-9951-679-23-7."
    )
    assert source_text(PAGE) == "“Some page”. X News. https://x.test/a (retrieved 2025-01-02)"


def test_a_source_as_a_bibtex_entry_and_a_csl_item_of_its_type():
    assert source_bibtex(BOOK).startswith("@book{ref-17,\n") and "  isbn = {978-9951-679-23-7}," in source_bibtex(BOOK)
    assert source_bibtex(PAGE).startswith("@misc{src-x,\n") and "  howpublished = {X News}," in source_bibtex(PAGE)
    assert source_csl(PAGE) == {
        "id": "src-x",
        "type": "webpage",
        "title": "Some page",
        "container-title": "X News",
        "accessed": {"date-parts": [[2025, 1, 2]]},
        "URL": "https://x.test/a",
    }


def test_the_answer_with_its_parameters_and_the_release_it_is_from():
    citation = cite_answer(
        "recognized-before",
        "NATO members that had recognized Kosovo before a given date",
        {"date": "2008-02-19"},
        Release("1.0", "2026-01-31", "https://x.test/r"),
        None,
        [],
    )
    assert citation.text.startswith(
        "The kosovo-kg developers (2026). “NATO members that had recognized Kosovo before a given date (date = 2008-02-19)”."
    )
    assert citation.text.endswith("https://w3id.org/kosovo-kg/dataset/1.0 — https://x.test/r")
    assert "Sources behind the rows" not in citation.text
    [answer] = json.loads(citation.csl_json)
    assert answer["URL"] == "https://x.test/r" and answer["issued"] == {"date-parts": [[2026, 1, 31]]}
    assert "  note = {CC BY-SA 4.0}," in citation.bibtex


def test_each_kind_of_source_is_cited_as_its_type():
    citation = cite_answer("q", "Q", {}, Release("1.0", "2026-01-31"), "http://127.0.0.1/q", [BOOK, PAGE])
    answer, book, page = json.loads(citation.csl_json)
    assert (book["type"], page["type"]) == ("book", "webpage")
    assert book["author"] == [{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "R."}]
    assert page["accessed"] == {"date-parts": [[2025, 1, 2]]} and page["container-title"] == "X News"
    assert "@book{ref-17," in citation.bibtex and "@misc{src-x," in citation.bibtex
    assert "  title = {{Kosovo \\& NATO: 100\\% \\{true\\}}}," in citation.bibtex
    assert "  author = {Doe, Jane and Roe, R.}," in citation.bibtex
    assert "sources: ref-17, src-x" in citation.bibtex and answer["URL"] == "http://127.0.0.1/q"


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
