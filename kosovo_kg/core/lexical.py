"""Whether a literal's text is a valid lexical form of its XML Schema datatype.

RDF parsers accept ``"2025-13"^^xsd:gYearMonth`` (the text is only a string to them), and
pySHACL's ``sh:datatype`` says no more than "not a gYearMonth"; here the rule is told in words a
maintainer can act on. The rules are XML Schema 1.1's lexical spaces for the datatypes this
project's data uses, with the value checks they imply (a month 01–12, a day that exists).

>>> problem("2025-13", XSD + "gYearMonth")
'the month must be 01 to 12'
>>> problem("March 2025", XSD + "gYearMonth")
"a gYearMonth is written YYYY-MM (e.g. '2025-03')"
>>> problem("2025-02-30", XSD + "date")
'February 2025 has no day 30'
>>> problem("2025-02-28", XSD + "date") is None
True
"""

from __future__ import annotations

import re

from kosovo_kg.namespaces import XSD

_TIMEZONE = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_MONTH_NAMES = ("January February March April May June July August September October November December").split()

#: datatype local name -> (pattern of the whole text, how it is written, an example)
_FORMS: dict[str, tuple[re.Pattern[str], str, str]] = {
    name: (re.compile(pattern, re.ASCII), written, example)
    for name, pattern, written, example in [
        ("date", rf"({_YEAR})-(\d\d)-(\d\d){_TIMEZONE}", "YYYY-MM-DD", "2025-03-01"),
        ("gYearMonth", rf"({_YEAR})-(\d\d){_TIMEZONE}", "YYYY-MM", "2025-03"),
        ("gYear", rf"({_YEAR}){_TIMEZONE}", "YYYY", "2025"),
        (
            "dateTime",
            rf"({_YEAR})-(\d\d)-(\d\d)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?{_TIMEZONE}",
            "YYYY-MM-DDThh:mm:ss",
            "2025-03-01T12:00:00Z",
        ),
        ("integer", r"[+-]?\d+", "digits with an optional sign", "4500"),
        ("nonNegativeInteger", r"\+?\d+|-0+", "digits, not negative", "1200"),
        ("positiveInteger", r"\+?0*[1-9]\d*", "digits, more than zero", "1200"),
        ("decimal", r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", "digits with an optional sign and point", "88.7"),
        ("double", r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|INF)|NaN", "a number such as 1.5E3", "1.5E3"),
        ("boolean", r"true|false|1|0", "true or false", "true"),
        ("language", r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*", "a BCP 47 tag", "sr-Latn"),
        ("anyURI", r"[^\s<>\"{}|\\^`]*", "a URI without spaces", "https://www.nato.int/"),
    ]
}
_FORMS["float"] = _FORMS["double"]

#: the datatypes whose lexical forms are checked
CHECKED = frozenset(XSD + name for name in _FORMS)


def problem(text: str, datatype: str) -> str | None:
    """What is wrong with ``text`` as a value of ``datatype``, or ``None`` when it is valid
    (or the datatype is not one this module knows)."""
    name = datatype.removeprefix(XSD)
    if datatype == name or name not in _FORMS:
        return None
    pattern, written, example = _FORMS[name]
    match = pattern.fullmatch(text)
    if match is None:
        return f"a {name} is written {written} (e.g. {example!r})"
    if name in ("date", "gYearMonth", "dateTime"):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            return "the month must be 01 to 12"
        if name != "gYearMonth":
            year, day = int(match.group(1)), int(match.group(3))
            if not 1 <= day <= days_in_month(year, month):
                return f"{_MONTH_NAMES[month - 1]} {year} has no day {day}"
    return None


def days_in_month(year: int, month: int) -> int:
    """The number of days of a month of the proleptic Gregorian calendar."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


#: A year, a month or a day without a time zone, by datatype: what has day bounds.
_PERIODS = {
    XSD + "gYear": r"(\d{4})",
    XSD + "gYearMonth": r"(\d{4})-(\d{2})",
    XSD + "date": r"(\d{4})-(\d{2})-(\d{2})",
}


def day_bounds(text: str, datatype: str | None = None) -> tuple[str, str] | None:
    """The first and last day (ISO 8601) of the period a date denotes, at the precision it was
    given, or None when it is not a year, a month or a day without a time zone (SHACL reports
    those). With ``datatype`` the text must be of that datatype; without, its form says which.

    >>> day_bounds("1999", XSD + "gYear"), day_bounds("2024-02", XSD + "gYearMonth")
    (('1999-01-01', '1999-12-31'), ('2024-02-01', '2024-02-29'))
    >>> day_bounds("1999-06-10"), day_bounds("1999-13", XSD + "gYearMonth"), day_bounds("2024", XSD + "date")
    (('1999-06-10', '1999-06-10'), None, None)
    """
    patterns = [_PERIODS[datatype]] if datatype in _PERIODS else [] if datatype else list(_PERIODS.values())
    match = next((m for m in (re.fullmatch(p, text, re.ASCII) for p in patterns) if m), None)
    if match is None:
        return None
    year, *rest = (int(part) for part in match.groups())
    if not rest:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month, *day = rest
    if not 1 <= month <= 12:  # "1999-00" is no month, not the whole year
        return None
    last = days_in_month(year, month)
    if not day:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    if not 1 <= day[0] <= last:  # "1999-06-00" is no day, not the whole month
        return None
    return (text,) * 2


def language_tag_case(tag: str) -> str:
    """A language tag in its usual case (Oxigraph lower-cases them): sr-latn -> sr-Latn, pt-br -> pt-BR.

    >>> language_tag_case("sr-latn"), language_tag_case("en"), language_tag_case("pt-br")
    ('sr-Latn', 'en', 'pt-BR')
    """
    first, *rest = tag.split("-")
    shaped = [p.title() if len(p) == 4 else p.upper() if len(p) == 2 else p for p in rest]
    return "-".join([first.lower(), *shaped]) if tag else ""


def whole_number(text: str | None) -> int | None:
    """``text`` read as a whole number written in ASCII digits, else ``None``.

    The one reading of a count, a limit, a process id or a reference number from outside (a
    query string, the environment, a file name, the data): ``str.isdigit`` is true of "²" and "٣",
    which ``int`` refuses or reads as 3, so a test with it let a superscript through to a crash.

    >>> whole_number("42"), whole_number("²"), whole_number("٣"), whole_number("-1"), whole_number(" 1"), whole_number(None)
    (42, None, None, None, None, None)
    """
    if text is None or not text.isascii() or not text.isdigit():
        return None
    return int(text)
