"""Query results as a readable table, or as SPARQL 1.1 CSV, TSV, JSON and XML results."""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.core.rdf import not_xml, rdf_bytes
from kosovo_kg.core.terminal import terminal_text
from kosovo_kg.errors import UnsupportedData
from kosovo_kg.namespaces import XSD_STRING, shorten
from kosovo_kg.querying.results import Result

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from typing import Protocol

    class Labels(Protocol):
        """What a table reads its resources' labels from: the loaded graph, or a remote engine's labels."""

        def label(self, iri: str) -> str: ...


OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
#: What an answer XML cannot hold may be asked for as instead.
XML_RESULTS_INSTEAD = "take it as JSON, CSV or TSV instead"


def render(result: Result, output_format: str, kg: Labels | None = None) -> str:
    if result.kind == "graph":
        turtle = rdf_bytes(result.triples, ox.RdfFormat.TURTLE).decode("utf-8")
        # Turtle leaves C1 controls and bidirectional overrides raw: for the terminal, escaped
        return terminal_text(turtle, newlines=True) if output_format == "table" else turtle
    if output_format == "csv":
        return to_csv(result)
    if output_format == "tsv":
        return to_tsv(result)
    if output_format == "json":
        import json

        return json.dumps(to_json(result), ensure_ascii=False, indent=1) + "\n"
    return to_table(result, kg)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV: a header of names, IRIs and literals as plain values.

    >>> r = Result("select", ["a", "b"], [(ox.NamedNode("http://x.test/1"), ox.Literal("x, y"))])
    >>> to_csv(r)
    'a,b\\r\\nhttp://x.test/1,"x, y"\\r\\n'
    """
    if result.kind == "ask":
        return f"boolean\r\n{str(result.boolean).lower()}\r\n"
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value) for t in row]
        )
    return buffer.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: ``?name`` headers, terms in Turtle/N-Triples syntax."""
    if result.kind == "ask":
        return f"?boolean\n{str(result.boolean).lower()}\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def to_xml(result: Result) -> str:
    """SPARQL Query Results XML Format (the answers' other W3C format).

    >>> r = Result("select", ["s", "n"], [(ox.NamedNode("http://x.test/a"), ox.Literal("a < b", language="en"))])
    >>> print(to_xml(r), end="")
    <?xml version="1.0" encoding="utf-8"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
    <head><variable name="s"/><variable name="n"/></head>
    <results>
    <result><binding name="s"><uri>http://x.test/a</uri></binding><binding name="n"><literal xml:lang="en">a &lt; b</literal></binding></result>
    </results>
    </sparql>
    """
    from xml.sax.saxutils import escape as text
    from xml.sax.saxutils import quoteattr

    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        lines += ["<head/>", f"<boolean>{str(result.boolean).lower()}</boolean>", "</sparql>"]
        return "\n".join(lines) + "\n"
    lines.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    lines.append("<results>")
    for row in result.rows:
        bindings = []
        for name, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                inner = f"<uri>{text(term.value)}</uri>"
            elif isinstance(term, ox.BlankNode):
                inner = f"<bnode>{text(term.value)}</bnode>"
            elif term.language:
                inner = f"<literal xml:lang={quoteattr(term.language)}>{text(term.value)}</literal>"
            elif term.datatype.value != XSD_STRING:
                inner = f"<literal datatype={quoteattr(term.datatype.value)}>{text(term.value)}</literal>"
            else:
                inner = f"<literal>{text(term.value)}</literal>"
            bindings.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
        lines.append("<result>" + "".join(bindings) + "</result>")
    lines += ["</results>", "</sparql>"]
    document = "\n".join(lines) + "\n"
    if (reason := not_xml(document.encode("utf-8"))) is not None:
        raise UnsupportedData(f"{reason}; {XML_RESULTS_INSTEAD}")
    return document


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def to_json(result: Result) -> dict:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return {"head": {}, "boolean": result.boolean}
    bindings = [
        {name: term_json(term) for name, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


def to_table(result: Result, kg: Labels | None = None, width: int | None = None) -> str:
    """A table for the terminal: resources shown by their labels, not bare IRIs; cells wrap at
    spaces when the table is wider than the terminal, and a word too long for its column is
    cut with an ellipsis rather than broken across lines. A column is never narrower than its
    header or (up to 12 columns) its longest word; when the columns cannot all have that much,
    each row is printed as a record, a line per column, as ``psql``'s expanded display does (an
    8-column table squeezed into 80 columns cut every header and most words). Control characters
    in a value (ESC sequences, BEL, CR) are shown escaped
    (:func:`~kosovo_kg.core.terminal.terminal_text`); a value's line breaks are lines of its cell.

    >>> r = Result("select", ["state", "note"], [(ox.NamedNode("https://w3id.org/kosovo-kg/resource/spain"), ox.Literal("does not recognize Kosovo"))])
    >>> print(to_table(r, width=30), end="")
    ┏━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┓
    ┃ state     ┃ note           ┃
    ┡━━━━━━━━━━━╇━━━━━━━━━━━━━━━━┩
    │ kkr:spain │ does not       │
    │           │ recognize      │
    │           │ Kosovo         │
    └───────────┴────────────────┘
    1 row
    >>> print(to_table(r, width=24), end="")
    ── 1 ──────────────────
    state  kkr:spain
    note   does not
           recognize Kosovo
    1 row
    """
    if result.kind == "ask":
        return "yes\n" if result.boolean else "no\n"
    if width is None:
        width = terminal_width()
    header = [terminal_text(name) for name in result.variables]
    cells = [[terminal_text(_cell(term, kg), newlines=True) for term in row] for row in result.rows]
    columns = [[h, *(row[i] for row in cells)] for i, h in enumerate(header)]
    widths = [max(_width(line) for text in column for line in text.split("\n")) for column in columns]
    # what a column needs to be read: its header, and its longest word up to a point
    words = [max((_width(word) for text in column for word in text.split()), default=1) for column in columns]
    least = [min(w, max(_width(h), min(word, MIN_WORD))) for w, h, word in zip(widths, header, words, strict=True)]
    border = 3 * len(widths) + 1  # "│ " before each column, " " after it, and the last "│"
    if sum(least) + border > width and len(header) > 1:
        return _records(header, cells, width)
    while sum(widths) + border > width:
        slack = [w - m for w, m in zip(widths, least, strict=True)]
        if max(slack) <= 0:
            break  # one column, wider than the terminal: let the terminal wrap it
        widths[slack.index(max(slack))] -= 1

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def rows_of(values: list[str], side: str) -> list[str]:
        wrapped = [_wrap(value, w) for value, w in zip(values, widths, strict=True)]
        height = max((len(lines) for lines in wrapped), default=1)
        return [
            side
            + side.join(
                f" {_pad(lines[i] if i < len(lines) else '', w)} " for lines, w in zip(wrapped, widths, strict=True)
            )
            + side
            for i in range(height)
        ]

    out = [line("┏", "━", "┳", "┓"), *rows_of(header, "┃"), line("┡", "━", "╇", "┩")]
    for row in cells:
        out += rows_of(row, "│")
    out.append(line("└", "─", "┴", "┘"))
    out.append(_count(cells))
    return "\n".join(out) + "\n"


#: A column of a table is at least as wide as its longest word, up to this many columns.
MIN_WORD = 12


def _records(header: list[str], cells: list[list[str]], width: int) -> str:
    """Each row as a record: a rule with its number, then a line per column, values wrapped."""
    name_width = max(_width(name) for name in header)
    value_width = max(width - name_width - 2, 8)
    out = []
    for number, row in enumerate(cells, start=1):
        out.append(f"── {number} " + "─" * max(width - len(str(number)) - 5, 3))
        for name, value in zip(header, row, strict=True):
            lines = _wrap(value, value_width)
            out.append(f"{_pad(name, name_width)}  {lines[0]}".rstrip())
            out += [" " * (name_width + 2) + more for more in lines[1:]]
    out.append(_count(cells))
    return "\n".join(out) + "\n"


def _count(cells: list[list[str]]) -> str:
    return f"{len(cells)} row{'s' if len(cells) != 1 else ''}"


def terminal_width(default: int = 160) -> int:
    """The terminal's width: ``COLUMNS``, else the terminal of standard output, else ``default``.

    Not ``shutil.get_terminal_size``: importing shutil (and with it bz2 and lzma) costs a
    one-off query a few milliseconds for this one number.
    """
    import os
    import sys

    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):  # not a terminal, or no file descriptor
        return default


def _width(text: str) -> int:
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces; a word longer than that is cut
    with an ellipsis (a word broken across lines reads as two words)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if _width(paragraph) <= width:
            lines.append(paragraph)
            continue
        import textwrap

        pieces = textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False) or [""]
        lines += [piece if _width(piece) <= width else _cut(piece, width) for piece in pieces]
    return lines


def _cut(text: str, width: int) -> str:
    while _width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _cell(term, kg: Labels | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return kg.label(term.value) if kg is not None else shorten(term.value)
    return term.value


# --- Results as the bytes of a media type (``serve``'s content negotiation) -----------------------

#: Media types of SELECT and ASK results, the first the default.
RESULT_MEDIA_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media types of CONSTRUCT and DESCRIBE results (and of resource descriptions), the first the default.
GRAPH_MEDIA_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")


def graph_format(media_type: str) -> ox.RdfFormat:
    return {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
    }[media_type]


def serialize_triples(triples: list[ox.Triple], media_type: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in one of :data:`GRAPH_MEDIA_TYPES`; Turtle with the project's prefixes (and ``prefixes``)."""
    from kosovo_kg.namespaces import PREFIXES

    rdf_format = graph_format(media_type)
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return rdf_bytes(triples, rdf_format, {**PREFIXES, **(prefixes or {})})
    return rdf_bytes(triples, rdf_format)
