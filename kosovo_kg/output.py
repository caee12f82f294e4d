"""Query results as a readable table, or as SPARQL 1.1 CSV, TSV and JSON results."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .engines import Result
from .namespaces import XSD_STRING, shorten

if TYPE_CHECKING:
    from .store import KnowledgeGraph

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")


def render(result: Result, output_format: str, kg: KnowledgeGraph | None = None) -> str:
    if result.kind == "graph":
        return ox.serialize(result.triples, format=ox.RdfFormat.TURTLE).decode("utf-8")
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


def to_table(result: Result, kg: KnowledgeGraph | None = None) -> str:
    """A table for the terminal: resources shown by their labels, not bare IRIs."""
    import shutil

    from rich.console import Console
    from rich.table import Table

    width = shutil.get_terminal_size((160, 24)).columns
    import io

    console = Console(width=width, record=True, file=io.StringIO(), highlight=False, soft_wrap=False)
    if result.kind == "ask":
        console.print("yes" if result.boolean else "no")
        return console.export_text()
    table = Table(show_lines=False, header_style="bold", expand=False)
    for name in result.variables:
        table.add_column(name, overflow="fold")
    for row in result.rows:
        table.add_row(*(_cell(term, kg) for term in row))
    console.print(table)
    console.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")
    return console.export_text()


def _cell(term, kg: KnowledgeGraph | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return kg.label(term.value) if kg is not None else shorten(term.value)
    return term.value
