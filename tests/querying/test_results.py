"""querying/results.py: a result's rows as Python values, and the normal form that makes a stored
query's rows equal on every engine."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pyoxigraph as ox

from kosovo_kg.namespaces import XSD
from kosovo_kg.querying.results import Result, Row, normal_result, normal_term, to_python


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_a_rows_values_are_typed_by_their_datatype_and_its_terms_kept():
    terms = (ox.NamedNode("https://example.org/a"), typed("4.50", "decimal"), typed("2012-07-01", "date"), None)
    row = Row(["iri", "amount", "day", "unbound"], terms)
    assert dict(row) == {
        "iri": "https://example.org/a",
        "amount": Decimal("4.50"),
        "day": datetime.date(2012, 7, 1),
        "unbound": None,
    }
    assert row.term("amount") == typed("4.50", "decimal")


def test_a_value_that_is_not_of_its_datatype_stays_text():
    assert to_python(typed("four", "integer")) == "four"
    assert to_python(typed("2025-02-30", "date")) == "2025-02-30"


def test_the_normal_form_makes_engines_that_print_numbers_differently_agree():
    assert normal_term(typed("4.00", "decimal")) == normal_term(typed("4.0", "decimal")) == typed("4.0", "decimal")
    assert normal_term(typed("007", "integer")) == typed("7", "integer")
    assert normal_term(typed("0", "boolean")) == typed("false", "boolean")
    assert normal_term(typed("1.5e0", "double")) == typed("1.5e0", "double")  # doubles are left as written


def test_a_results_rows_and_triples_are_put_in_normal_form():
    select = normal_result(Result("select", ["n"], [(typed("10.50", "decimal"),)]))
    assert select.rows == [(typed("10.5", "decimal"),)] and [dict(row) for row in select] == [{"n": Decimal("10.5")}]
    subject = ox.NamedNode("https://example.org/a")
    graph = normal_result(Result("graph", triples=[ox.Triple(subject, subject, typed("1", "boolean"))]))
    assert graph.triples == [ox.Triple(subject, subject, typed("true", "boolean"))] and len(graph) == 1
    assert repr(Result("ask", boolean=True)) == "<Result ask: True>"
