"""core/lexical.py: whether a literal's text is a lexical form of its XML Schema datatype, told in
words a maintainer can act on (problem), the days a date denotes (day_bounds), language tags in their usual case."""

from __future__ import annotations

import pytest

from kosovo_kg.core.lexical import CHECKED, day_bounds, days_in_month, language_tag_case, problem
from kosovo_kg.namespaces import XSD


@pytest.mark.parametrize(
    ("datatype", "text"),
    [
        ("date", "2025-03-01"),
        ("date", "2024-02-29"),
        ("date", "2000-02-29"),
        ("date", "2025-03-01Z"),
        ("date", "2025-03-01+14:00"),
        ("date", "-0044-03-15"),
        ("date", "12025-03-01"),
        ("gYearMonth", "2025-03"),
        ("gYearMonth", "2025-12-05:00"),
        ("gYear", "1999"),
        ("gYear", "1999Z"),
        ("dateTime", "2025-03-01T12:00:00Z"),
        ("dateTime", "2025-03-01T23:59:59.5+01:00"),
        ("integer", "-4500"),
        ("integer", "+0"),
        ("nonNegativeInteger", "1200"),
        ("nonNegativeInteger", "-0"),
        ("positiveInteger", "007"),
        ("decimal", "88.7"),
        ("decimal", ".5"),
        ("decimal", "-3."),
        ("double", "1.5E3"),
        ("double", "INF"),
        ("double", "NaN"),
        ("float", "-2e-3"),
        ("boolean", "true"),
        ("boolean", "0"),
        ("language", "sr-Latn"),
        ("anyURI", "https://www.nato.int/"),
        ("anyURI", ""),
    ],
)
def test_valid_lexical_forms_have_no_problem(datatype, text):
    assert problem(text, XSD + datatype) is None


@pytest.mark.parametrize(
    ("datatype", "text", "message"),
    [
        ("date", "2025-3-1", "a date is written YYYY-MM-DD (e.g. '2025-03-01')"),
        ("date", "01/03/2025", "a date is written YYYY-MM-DD (e.g. '2025-03-01')"),
        ("date", "2025-03-01 ", "a date is written YYYY-MM-DD (e.g. '2025-03-01')"),
        ("date", "2025-03-01+15:00", "a date is written YYYY-MM-DD (e.g. '2025-03-01')"),
        ("date", "2025-00-10", "the month must be 01 to 12"),
        ("date", "2025-02-29", "February 2025 has no day 29"),
        ("date", "1900-02-29", "February 1900 has no day 29"),
        ("date", "2025-04-31", "April 2025 has no day 31"),
        ("date", "2025-01-00", "January 2025 has no day 0"),
        ("gYearMonth", "2025-13", "the month must be 01 to 12"),
        ("gYearMonth", "March 2025", "a gYearMonth is written YYYY-MM (e.g. '2025-03')"),
        ("gYear", "99", "a gYear is written YYYY (e.g. '2025')"),
        ("gYear", "01999", "a gYear is written YYYY (e.g. '2025')"),
        ("dateTime", "2025-03-01", "a dateTime is written YYYY-MM-DDThh:mm:ss (e.g. '2025-03-01T12:00:00Z')"),
        ("dateTime", "2025-03-01T24:00:00", "a dateTime is written YYYY-MM-DDThh:mm:ss (e.g. '2025-03-01T12:00:00Z')"),
        ("dateTime", "2025-02-30T12:00:00", "February 2025 has no day 30"),
        ("integer", "4,500", "a integer is written digits with an optional sign (e.g. '4500')"),
        ("nonNegativeInteger", "-1", "a nonNegativeInteger is written digits, not negative (e.g. '1200')"),
        ("positiveInteger", "0", "a positiveInteger is written digits, more than zero (e.g. '1200')"),
        ("decimal", "88,7", "a decimal is written digits with an optional sign and point (e.g. '88.7')"),
        ("decimal", "1e3", "a decimal is written digits with an optional sign and point (e.g. '88.7')"),
        ("double", "infinity", "a double is written a number such as 1.5E3 (e.g. '1.5E3')"),
        ("boolean", "True", "a boolean is written true or false (e.g. 'true')"),
        ("language", "sr_Latn", "a language is written a BCP 47 tag (e.g. 'sr-Latn')"),
        (
            "anyURI",
            "https://www.nato.int/a b",
            "a anyURI is written a URI without spaces (e.g. 'https://www.nato.int/')",
        ),
    ],
)
def test_an_invalid_form_is_told_how_it_is_written_or_what_is_wrong(datatype, text, message):
    assert problem(text, XSD + datatype) == message


def test_a_datatype_the_module_does_not_know_is_not_checked():
    assert problem("anything", XSD + "string") is None
    assert problem("anything", XSD + "hexBinary") is None
    assert problem("2025-13", "http://example.net/gYearMonth") is None  # not XML Schema's
    assert problem("2025-13", "gYearMonth") is None  # a local name alone is not a datatype IRI
    assert XSD + "date" in CHECKED and XSD + "float" in CHECKED and XSD + "string" not in CHECKED


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [(2025, 1, 31), (2025, 2, 28), (2024, 2, 29), (1900, 2, 28), (2000, 2, 29), (2025, 4, 30), (2025, 12, 31)],
)
def test_days_in_month_follow_the_gregorian_calendar(year, month, days):
    assert days_in_month(year, month) == days


@pytest.mark.parametrize(
    ("text", "datatype", "bounds"),
    [
        ("1999", XSD + "gYear", ("1999-01-01", "1999-12-31")),
        ("2024-02", XSD + "gYearMonth", ("2024-02-01", "2024-02-29")),
        ("1999-06-10", XSD + "date", ("1999-06-10", "1999-06-10")),
        # without a datatype the form says which
        ("1999", None, ("1999-01-01", "1999-12-31")),
        ("1999-06", None, ("1999-06-01", "1999-06-30")),
        ("1999-06-10", None, ("1999-06-10", "1999-06-10")),
    ],
)
def test_day_bounds_are_the_first_and_last_day_at_the_precision_given(text, datatype, bounds):
    assert day_bounds(text, datatype) == bounds


@pytest.mark.parametrize(
    ("text", "datatype"),
    [
        ("2024", XSD + "date"),  # the text must be of the datatype given
        ("2024-06-10", XSD + "gYear"),
        ("1999-13", XSD + "gYearMonth"),
        ("1999-00", None),  # month 00 is no month (it was once read as the whole year)
        ("1999-00", XSD + "gYearMonth"),
        ("1999-06-00", XSD + "date"),  # day 00 is no day (it was once read as the whole month)
        ("2025-02-29", XSD + "date"),
        ("1999Z", XSD + "gYear"),  # with a time zone: SHACL reports those
        ("1999-06-10+02:00", None),
        ("1999-06-10T12:00:00", XSD + "dateTime"),  # not a period this function bounds
        ("June 1999", None),
        ("", None),
    ],
)
def test_day_bounds_of_anything_else_is_none(text, datatype):
    assert day_bounds(text, datatype) is None


def test_day_bounds_of_each_precision_and_of_nonsense():
    assert day_bounds("2023-02", XSD + "gYearMonth") == ("2023-02-01", "2023-02-28")
    assert day_bounds("1900-02", XSD + "gYearMonth") == ("1900-02-01", "1900-02-28")
    assert day_bounds("2000-02", XSD + "gYearMonth") == ("2000-02-01", "2000-02-29")
    assert day_bounds("2023-02-30", XSD + "date") is None
    assert day_bounds("2023", XSD + "string") is None
    assert day_bounds("2023-05+02:00", XSD + "gYearMonth") is None


@pytest.mark.parametrize(
    ("tag", "usual"),
    [
        ("sr-latn", "sr-Latn"),
        ("en", "en"),
        ("pt-br", "pt-BR"),
        ("EN-gb", "en-GB"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("", ""),
    ],
)
def test_language_tags_are_given_their_usual_case(tag, usual):
    assert language_tag_case(tag) == usual


@pytest.mark.parametrize(
    ("text", "datatype"),
    [("١٩٩٩-٠٦", "gYearMonth"), ("１９９９-06-01", "date"), ("２٠", "integer"), ("٨٨.٧", "decimal"), ("१९९९", "gYear")],
)
def test_digits_of_other_scripts_are_not_xml_schema_digits(text, datatype):
    # regression: Python's \d matched any script's digits, so "١٩٩٩-٠٦" passed as a gYearMonth
    assert problem(text, XSD + datatype) is not None
