"""The stored questions: each has its expected rows, and parameters are typed and checked.

The expected rows live in ``tests/expected/NAME.csv`` (SPARQL CSV of the query with its default
parameters). After a deliberate change to the data or a query, review the new output and
rewrite them with ``KOSOVO_KG_WRITE_EXPECTED=1 bash tests/run tests/test_catalogue.py``.
"""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest
from conftest import LOCAL_QUERIES, TESTS

from kosovo_kg import query
from kosovo_kg.errors import ParameterError, QueryError
from kosovo_kg.querying.catalogue import Parameter, bind_parameters, catalogue, get_stored_query, typed_value
from kosovo_kg.querying.output import to_csv

EXPECTED = TESTS / "expected"
STORED = LOCAL_QUERIES


CONTRACT = {
    "nato-members", "non-recognizing-nato-members", "recognition-status", "poll-trend",
    "kfor-strength", "statements-on-nato", "timeline", "wikidata-links",
}  # fmt: skip


def test_catalogue_has_the_contract_queries_and_25_more_questions():
    assert CONTRACT <= set(STORED)
    assert len(set(STORED) - CONTRACT) >= 25
    assert all(query.summary and query.description for query in catalogue().values())


@pytest.mark.parametrize("name", STORED)
def test_stored_query_gives_its_expected_rows(kg, name):
    produced = to_csv(query(name, graph=kg)).replace("\r\n", "\n")
    expected_file = EXPECTED / f"{name}.csv"
    if os.environ.get("KOSOVO_KG_WRITE_EXPECTED") == "1":
        expected_file.write_text(produced, encoding="utf-8")
    assert expected_file.exists(), f"{name} has no expected rows in tests/expected/"
    assert produced == expected_file.read_text(encoding="utf-8")


def test_expected_files_match_stored_queries():
    assert sorted(p.stem for p in EXPECTED.glob("*.csv")) == STORED


def test_grlc_parameter_names_give_typed_parameters():
    assert get_stored_query("recognized-before").parameters == (
        Parameter("date", "_date_date", "date", True, "2008-03-01"),
    )
    assert [p.type for p in get_stored_query("events-between").parameters] == ["gYear", "gYear"]


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("recognized-before", {"date": "2008-13-01"}, "must be a date as YYYY-MM-DD"),
        ("recognized-before", {"date": "yesterday"}, "must be a date as YYYY-MM-DD"),
        ("recognized-before", {"dat": "2008-01-01"}, "did you mean date?"),
        ("events-of-year", {"year": "1999 } ?s ?p ?o {"}, "must be a year as YYYY"),
        ("events-of-year", {"year": "١٩٩٩"}, "must be a year as YYYY"),  # regression: \d took any script's digits
        ("recognized-before", {"date": "２００８-03-01"}, "must be a date as YYYY-MM-DD"),
        ("statements-by-person", {"speaker": "kkr:x> } ?s ?p ?o . { <y"}, "must be an IRI"),
        ("statements-by-person", {"speaker": "albin-kurtixx"}, r"did you mean Albin Kurti \(albin-kurti\)"),
        ("statements-by-person", {"speaker": "nope:kurti"}, "unknown prefix 'nope'"),
        ("kfor-strength", {"year": "1999"}, "kfor-strength takes no parameters"),
    ],
)
def test_bad_parameters_are_clear_errors(kg, name, params, message):
    with pytest.raises(ParameterError, match=message.replace("?", r"\?")):
        bind_parameters(get_stored_query(name), params, kg)


def test_a_string_parameter_is_bound_as_a_literal_not_as_query_text():
    hostile = '" } ?s ?p ?o . FILTER(true) { "'
    term = typed_value(Parameter("name", "_name_string", "string", True), hostile)
    assert term == ox.Literal(hostile)


def test_parameters_change_the_answer(kg):
    early = query("recognized-before", {"date": "2008-02-19"}, graph=kg)
    later = query("recognized-before", {"date": "2008-12-31"}, graph=kg)
    assert [row["label"] for row in early] == ["Albania", "France", "Turkey", "United Kingdom", "United States"]
    assert len(later.rows) == 28


def test_missing_required_parameter_without_default(tmp_path, monkeypatch):
    from kosovo_kg.querying import catalogue as module

    query = module.StoredQuery(
        "q",
        tmp_path / "q.rq",
        "SELECT ?x WHERE { ?x ?p ?_who_iri }",
        "s",
        parameters=(Parameter("who", "_who_iri", "iri", True),),
    )
    with pytest.raises(ParameterError, match="missing parameter 'who'"):
        bind_parameters(query, {})


def test_a_stored_query_with_a_bad_header_is_reported_with_file_and_line(tmp_path):
    from kosovo_kg.querying.catalogue import read_stored_query

    path = tmp_path / "bad.rq"
    path.write_text("#+ summary: fine\n#+ not a key value line\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match=r"bad.rq:2: header line is not 'key: value'"):
        read_stored_query(path)
