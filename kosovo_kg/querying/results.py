"""What a query returns, on every engine: a :class:`Result` of pyoxigraph terms, its rows as
:class:`Row` mappings of Python values, and the normal form of numbers and booleans.

The embedded engines give the terms as they computed them (as pyoxigraph and rdflib do when used
directly, which is what the W3C test suite holds them to); a remote endpoint's numbers and
booleans are put in normal form, and so are a stored query's answers on every engine
(:func:`normal_result`), so that a stored query gives equal rows on each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from kosovo_kg.namespaces import XSD, XSD_STRING

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from typing import Any, Literal

    RowBase = Mapping[str, Any]
else:
    RowBase = Mapping  # subscripted only for the type checker: typing is not imported here

Term = ox.NamedNode | ox.BlankNode | ox.Literal

_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


class Row(RowBase):
    """One solution: ``row["name"]`` is the value as Python, ``row.term("name")`` the RDF term.

    Values are typed by their datatype (``str``, ``int``, ``Decimal``, ``float``, ``bool``,
    ``datetime.date`` or ``None`` when unbound), so they are ``Any`` to a type checker, as a
    database row's are.
    """

    def __init__(self, variables: list[str], terms: tuple[Term | None, ...]):
        self._variables, self._terms = variables, terms

    def term(self, name: str) -> Term | None:
        return self._terms[self._variables.index(name)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._variables:
            raise KeyError(name)
        return to_python(self.term(name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"


class Result:
    """What a query returned: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    def __init__(
        self,
        kind: Literal["select", "ask", "graph"],
        variables: list[str] | None = None,
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ):
        self.kind = kind
        self.variables = variables if variables is not None else []
        self.rows = rows if rows is not None else []
        self.boolean = boolean
        self.triples = triples if triples is not None else []

    def __repr__(self) -> str:
        size = f"{len(self)} rows" if self.kind == "select" else f"{len(self.triples)} triples"
        return f"<Result {self.kind}: {self.boolean if self.kind == 'ask' else size}>"

    def __iter__(self) -> Iterator[Row]:
        return (Row(self.variables, terms) for terms in self.rows)

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


def to_python(term: Term | None) -> object:
    """An RDF term as a plain Python value: IRIs as strings, numbers, dates and booleans typed.

    >>> to_python(ox.Literal("4500", datatype=ox.NamedNode(XSD + "integer")))
    4500
    >>> to_python(ox.Literal("2012-07", datatype=ox.NamedNode(XSD + "gYearMonth")))
    '2012-07'
    """
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value
    datatype = term.datatype.value
    # decimal and datetime are imported where a value needs them: a one-off query may not
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == XSD + "decimal":
            from decimal import Decimal

            return Decimal(term.value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value, re.ASCII):
            import datetime

            return datetime.date.fromisoformat(term.value)
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        pass
    return term.value


def normal_term(term: Term | None) -> Term | None:
    """Numbers and booleans in one lexical form (their normal form, not RDFC-1.0's canonical labels), so engines that print 4.0 and 4.00 give equal rows.

    Virtuoso writes every boolean as ``"1"`` or ``"0"``, lexical forms XSD allows for true and false:

    >>> normal_term(ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean"))).value
    'true'
    """
    if not isinstance(term, ox.Literal):
        return term
    datatype = term.datatype.value
    if datatype == XSD_STRING:  # most cells: nothing to do
        return term
    if datatype == XSD + "boolean":
        if term.value in ("1", "0"):
            return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
        return term
    try:
        if datatype in _INTEGER_TYPES:
            return ox.Literal(str(int(term.value)), datatype=term.datatype)
        if datatype == XSD + "decimal":
            from decimal import Decimal

            value = Decimal(term.value).normalize()
            text = format(value, "f")
            return ox.Literal(text if "." in text else text + ".0", datatype=term.datatype)
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        pass
    return term


def normal_result(result: Result) -> Result:
    """The result with every number and boolean in :func:`normal_term` form (a stored query's answer)."""
    if result.kind == "select":
        result.rows = [tuple(map(normal_term, row)) for row in result.rows]
    elif result.kind == "graph":
        result.triples = [
            ox.Triple(t.subject, t.predicate, normal_term(t.object) or t.object)
            if isinstance(t.object, ox.Literal)
            else t
            for t in result.triples
        ]
    return result
