"""A stored question's answer as people read it: the rows of a :class:`Result` as a table of names with
links, never cut, with the doubts recorded on what a row names beside it and the sources behind it.

- A resource is shown by its label and links to its page; a source links to where it can be opened
  (its address, else a resolver for its DOI or ISBN, else the article's reference list), with its
  page one click further; a Wikidata identifier links to Wikidata. A name that an answer gives as
  text (a speaker's label, a source's label) links to the one resource with that name.
- A column that repeats another (``label`` beside ``state``) is left out; rows that differ only in
  their source (the answers give one row per source) are shown as one row with every source.
- Large whole numbers are grouped (20,000); dates keep the precision the source gives (1999-06).

The downloads (CSV, TSV, JSON, XML) are the answer as it is; this is only how a page shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kosovo_kg.namespaces import KKG, KKR, WD, XSD
from kosovo_kg.publish.lookup import MENTION

if TYPE_CHECKING:
    from kosovo_kg.publish.links import Links
    from kosovo_kg.publish.lookup import Doubt, Lookup
    from kosovo_kg.querying.results import Result

WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"
_WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
_NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}
_TEXT = {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
#: A column with a whole number from this size on has its thousands grouped (20,000 and 4,500 troops); a
#: column whose numbers stay below it (years, ordinals, small counts) is shown as it is.
GROUP_FROM = 10_000


@dataclass
class Value:
    """One value of a cell: its text, where it links, and what it names."""

    text: str
    href: str | None = None
    lang: str = ""
    title: str = ""  #: what the link opens, for a tooltip
    record: str | None = None  #: the graph's page about a source, whose main link opens the source itself
    node: str | None = None  #: the resource it names
    source: str | None = None  #: the source it names
    numeric: bool = False
    raw: str = ""  #: a number's lexical form, before its digits are grouped

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.text, self.href)


@dataclass
class Row:
    cells: list[list[Value]]
    doubts: list[Doubt] = field(default_factory=list)


@dataclass
class AnswerTable:
    columns: list[str]
    numeric: list[bool]
    rows: list[Row]
    count: int  #: rows of the answer itself (one per source), as the downloads have them
    sources: list[str]  #: every source behind the rows, in reference order
    doubts: list[Doubt]  #: every doubt on what the rows name, once each
    boolean: bool | None = None  #: an ASK question's answer

    @property
    def merged(self) -> bool:
        return self.count != len(self.rows)


def column_title(variable: str) -> str:
    """``sample_size`` -> ``sample size``."""
    return variable.replace("_", " ")


class Reader:
    """Turns terms into :class:`Value` s with the graph's names and the pages' links."""

    def __init__(self, lookup: Lookup, links: Links):
        self.lookup, self.links = lookup, links

    def resource(self, iri: str) -> Value:
        """A resource of the graph by its label, linking to its page (a source: to the source)."""
        if iri in self.lookup.sources:
            return self.source(iri)
        text = self.lookup.labels.get(iri) or iri[len(KKR) :]
        return Value(text, self.links.resource(iri[len(KKR) :]), node=iri)

    def source(self, iri: str, text: str | None = None) -> Value:
        source = self.lookup.sources[iri]
        page = self.links.resource(iri[len(KKR) :]) if iri.startswith(KKR) else None
        target = source.target
        if target is None:
            return Value(text or source.label, page, title=source.how, source=iri)
        return Value(text or source.label, target, title="opens " + source.how, record=page, source=iri)

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | None, column: str = "") -> Value:
        if term is None:
            return Value("")
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if iri.startswith(KKR) and len(iri) > len(KKR):
                return self.resource(iri)
            if iri.startswith(WD):
                return Value(iri[len(WD) :], WIKIDATA_PAGE + iri[len(WD) :])
            label = self.lookup.labels.get(iri)
            if iri.startswith(KKG):  # a term of the ontology: its name, no page of its own
                return Value(label or iri[len(KKG) :])
            return Value(label or iri, iri)
        if isinstance(term, ox.BlankNode):
            return Value("(an unnamed node)")
        return self.literal(term, column)

    def literal(self, term: ox.Literal, column: str) -> Value:
        text, datatype = term.value, term.datatype.value if term.datatype else ""
        if (column == "wikidata" or column.endswith("_wikidata")) and _WIKIDATA_ID.fullmatch(text):
            return Value(text, WIKIDATA_PAGE + text)
        if datatype in _TEXT:
            if text in self.lookup.source_by_label:
                return self.source(self.lookup.source_by_label[text], text)
            if text in self.lookup.entity_by_label:
                value = self.resource(self.lookup.entity_by_label[text])
                value.text = text
                return value
            return Value(text, lang=term.language or "")
        if datatype == XSD + "boolean":
            return Value({"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(text, text))
        if datatype in _NUMBERS:
            return Value(text, numeric=True, raw=text)
        return Value(text)


def linked_text(text: str, reader: Reader) -> list[str | Value]:
    """A curator's text (a doubt, a comment) with each ``kkr:NAME`` it mentions as a link by label."""
    parts: list[str | Value] = []
    at = 0
    for match in MENTION.finditer(text):
        iri = KKR + match.group(1)
        if iri not in reader.lookup.labels:
            continue
        parts.append(text[at : match.start()])
        parts.append(reader.resource(iri))
        at = match.end()
    parts.append(text[at:])
    return [p for p in parts if p != ""]


def group_digits(text: str) -> str:
    """A whole number with its thousands grouped; anything else as it is.

    >>> group_digits("20000"), group_digits("4500"), group_digits("57.5"), group_digits("-123456")
    ('20,000', '4,500', '57.5', '-123,456')
    """
    if re.fullmatch(r"[+-]?\d+", text, re.ASCII):
        return f"{int(text):,}"
    return text


def _group_large_numbers(rows: list[list[list[Value]]], width: int) -> None:
    """Group the digits of every whole number in a column that has one of ``GROUP_FROM`` or more."""
    for i in range(width):
        values = [v for row in rows for v in row[i] if v.numeric]
        if any(re.fullmatch(r"[+-]?\d+", v.raw, re.ASCII) and abs(int(v.raw)) >= GROUP_FROM for v in values):
            for value in values:
                value.text = group_digits(value.raw)


def answer_table(
    result: Result, lookup: Lookup, links: Links, *, only: tuple[str, ...] = (), hide: tuple[str, ...] = ()
) -> AnswerTable:
    """The answer as a readable table (see the module's description): ``only`` these columns, in this
    order, or every column but those to ``hide``. The doubts and the sources are those of every column."""
    if result.kind == "ask":
        return AnswerTable([], [], [], 0, [], [], boolean=bool(result.boolean))
    reader = Reader(lookup, links)
    variables = list(result.variables)
    rows = [[[reader.term(t, variables[i])] if t is not None else [] for i, t in enumerate(row)] for row in result.rows]
    _group_large_numbers(rows, len(variables))
    merged = _merge_sources(rows)
    sources: set[str] = set()
    every_doubt: dict[tuple[str, str], Doubt] = {}
    row_doubts = []
    for cells in merged:
        doubts: dict[tuple[str, str], Doubt] = {}
        for values in cells:
            for value in values:
                if value.source:
                    sources.add(value.source)
                if value.node:
                    sources.update(lookup.sources_of.get(value.node, ()))
                    for doubt in lookup.doubts.get(value.node, ()):
                        doubts[(doubt.about, doubt.text)] = doubt
        every_doubt.update(doubts)
        row_doubts.append(list(doubts.values()))
    if only:
        shown = [variables.index(name) for name in only if name in variables]
    else:
        shown = [i for i, name in enumerate(variables) if name not in hide]
    shown = [shown[k] for k in _distinct_columns([[row[i] for i in shown] for row in merged], len(shown))]
    visible = [[row[i] for i in shown] for row in merged]
    numeric = [
        any(row[k] for row in visible) and all(v.numeric for row in visible for v in row[k] if v.text)
        for k in range(len(shown))
    ]
    return AnswerTable(
        [column_title(variables[i]) for i in shown],
        numeric,
        [Row(cells, doubts) for cells, doubts in zip(visible, row_doubts, strict=True)],
        len(result.rows),
        lookup.in_reference_order(sources),
        list(every_doubt.values()),
    )


def _texts(rows: list[list[list[Value]]], column: int) -> list[tuple[str, ...]]:
    return [tuple(v.text for v in row[column]) for row in rows]


def _distinct_columns(rows: list[list[list[Value]]], width: int) -> list[int]:
    """The columns to show: each column that says what an earlier (or a linked) one says is left out."""
    texts = [_texts(rows, i) for i in range(width)]
    linked = [sum(1 for row in rows for v in row[i] if v.href) for i in range(width)]
    keep = []
    for i in range(width):
        if not any(any(t) for t in texts[i]):
            keep.append(i)
            continue
        repeats = [j for j in range(width) if j != i and texts[j] == texts[i] and (linked[j], -j) > (linked[i], -i)]
        if not repeats:
            keep.append(i)
    return keep


def _merge_sources(rows: list[list[list[Value]]]) -> list[list[list[Value]]]:
    """Adjacent rows that differ only in their source columns, as one row with every source."""
    if not rows:
        return rows
    width = len(rows[0])
    source_columns = {
        i for i in range(width) if any(row[i] for row in rows) and all(v.source for row in rows for v in row[i])
    }
    if not source_columns:
        return rows
    merged: list[list[list[Value]]] = []
    previous_key = None
    for row in rows:
        key = tuple(tuple(v.key for v in row[i]) for i in range(width) if i not in source_columns)
        if merged and key == previous_key:
            last = merged[-1]
            for i in source_columns:
                seen = {v.key for v in last[i]}
                last[i].extend(v for v in row[i] if v.key not in seen)
            continue
        merged.append([list(cell) for cell in row])
        previous_key = key
    return merged


__all__ = ["AnswerTable", "Reader", "Row", "Value", "answer_table", "column_title", "group_digits", "linked_text"]
