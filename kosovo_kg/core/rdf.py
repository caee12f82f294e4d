"""RDF in memory: triples serialized to bytes, and terms converted between pyoxigraph (what the
package works with) and rdflib (what pyshacl, the rdflib engine and JSON-LD need)."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kosovo_kg.errors import UnsupportedData
from kosovo_kg.namespaces import XSD_STRING, shorten

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


#: What XML 1.0 cannot hold at all, escaped or not: the C0 controls but tab and the line breaks, and
#: U+FFFE and U+FFFF; as UTF-8, where no lone surrogate can be and a byte under 0x20 is that character.
_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_NAME_START = (
    "A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
#: The end of an IRI that RDF/XML can write as an element's name (a property, a class): an XML name.
_ENDS_IN_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\xb7\u0300-\u036f\u203f\u2040]*$")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def xml_forbidden(data: bytes) -> str | None:
    r"""The first character of ``data`` (UTF-8) that XML 1.0 cannot hold, if any.

    >>> xml_forbidden("a\x1bb".encode()), xml_forbidden("tab\tand\nlines, é, \u2028".encode())
    ('\x1b', None)
    """
    found = _XML_FORBIDDEN.search(data)
    return found.group().decode("utf-8") if found else None


def not_xml(data: bytes, triples: list[Any] | None = None, where: str = "the answer") -> str | None:
    """Why ``data``, XML that Oxigraph wrote, is no XML (expat reads it), naming what in ``triples``
    it could not write; ``None`` when it is XML.

    Oxigraph's RDF/XML and SPARQL XML writers write a character XML 1.0 cannot hold raw (an ESC in
    a label), and a property or class whose IRI does not end in an XML name ("…/1", "…/") as an
    element named "oxprefix:": what they wrote is then refused by every XML parser.
    """
    import xml.parsers.expat

    try:
        xml.parsers.expat.ParserCreate(namespace_separator=" ").Parse(data, True)  # names read as XML Namespaces do
        return None
    except xml.parsers.expat.ExpatError as error:
        problem = str(error)
    character = xml_forbidden(data)
    if character is not None:
        holder = next((t for t in triples or () if character in getattr(t.object, "value", "")), None)
        if holder is not None:
            where = f"the value of {shorten(getattr(holder.subject, 'value', ''))} {shorten(holder.predicate.value)}"
        return f"{where} holds the character U+{ord(character):04X}, which XML 1.0 cannot carry, even escaped"
    for triple in triples or ():
        for iri in (triple.predicate.value, triple.object.value if triple.predicate.value == RDF_TYPE else "x"):
            if not _ENDS_IN_NAME.search(iri):
                return f"the IRI <{iri}> does not end in an XML name, as RDF/XML needs of a property or a class"
    return f"what Oxigraph wrote is not XML ({problem})"


def rdf_bytes(
    triples: Iterable[ox.Triple] | Iterable[ox.Quad], rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples serialized in memory (pyoxigraph returns None only when it writes to an output).

    RDF/XML that is no XML (see :func:`not_xml`) is :class:`UnsupportedData` naming the triple."""
    kept: Any = list(triples)  # read twice when one is to be named; triples or quads, as given
    data = ox.serialize(kept, format=rdf_format, prefixes=prefixes)
    assert data is not None
    if rdf_format == ox.RdfFormat.RDF_XML and (reason := not_xml(data, kept, "the graph")) is not None:
        raise UnsupportedData(f"{reason}; RDF/XML cannot hold it (Turtle, N-Triples and JSON-LD can)")
    return data


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with their blank nodes named canonically: a parse gives blank nodes random names,
    so without this two exports of the same graph would differ in every blank node. The same
    graph always gets the same names, whatever names it came with (see :mod:`kosovo_kg.core.blanks`)."""
    from kosovo_kg.core.blanks import canonical_labels

    unique = list(dict.fromkeys(quads))
    labels = canonical_labels(unique)
    if labels is None:  # RDF 1.2 triple terms, which this graph never holds: Oxigraph's RDFC-1.0
        dataset = ox.Dataset(unique)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return list(dataset)
    if not labels:
        return unique

    def renamed(term):
        return ox.BlankNode(labels[term.value]) if isinstance(term, ox.BlankNode) else term

    return [
        ox.Quad(renamed(q.subject), q.predicate, renamed(q.object), renamed(q.graph_name))
        if isinstance(q.subject, ox.BlankNode)
        or isinstance(q.object, ox.BlankNode)
        or isinstance(q.graph_name, ox.BlankNode)
        else q
        for q in unique
    ]


def canonical_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """:func:`canonical_quads` for triples (left as they are when they hold no blank node).

    >>> b = ox.BlankNode()
    >>> [str(t.subject) for t in canonical_triples([ox.Triple(b, ox.NamedNode("http://x.test/p"), ox.Literal("o"))])]
    ['_:k53997f55d7f2ac3d783b79f9']
    """
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        return triples
    return [quad.triple for quad in canonical_quads(ox.Quad(t.subject, t.predicate, t.object) for t in triples)]


def to_rdflib(term):
    """A pyoxigraph term as the rdflib term that rdflib's own Turtle parser would give."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Triple):
        from kosovo_kg.errors import UnsupportedData

        shown = str(term) if len(str(term)) <= 100 else str(term)[:100] + "…"
        raise UnsupportedData(
            f"the data holds a quoted triple, {shown} (RDF 1.2), which rdflib cannot hold: SHACL validation "
            "and --engine rdflib read the data through it (query it with the default engine, Oxigraph)"
        )
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def from_rdflib(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term (the neutral type of result rows).

    Typed ``Any``: the caller knows the term's position (a predicate is always an IRI), which
    a union of the three term types would make it prove again.
    """
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))
