"""RDF in memory: triples serialized to bytes, and terms converted between pyoxigraph (what the
package works with) and rdflib (what pyshacl, the rdflib engine and JSON-LD need)."""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.namespaces import XSD_STRING

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def rdf_bytes(
    triples: Iterable[ox.Triple] | Iterable[ox.Quad], rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples serialized in memory (pyoxigraph returns None only when it writes to an output)."""
    data = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with their blank nodes named by RDFC-1.0: a parse gives blank nodes random
    names, so without this two exports of the same graph would differ in every blank node."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return list(dataset)


def canonical_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """:func:`canonical_quads` for triples (left as they are when they hold no blank node).

    >>> b = ox.BlankNode()
    >>> [str(t.subject) for t in canonical_triples([ox.Triple(b, ox.NamedNode("http://x.test/p"), ox.Literal("o"))])]
    ['_:c14n0']
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
