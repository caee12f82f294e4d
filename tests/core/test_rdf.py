"""core/rdf.py: triples serialized in memory, blank nodes named by RDFC-1.0, and terms converted
between pyoxigraph and rdflib both ways."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import rdflib

from kosovo_kg.core.rdf import canonical_quads, canonical_triples, from_rdflib, rdf_bytes, to_rdflib
from kosovo_kg.namespaces import XSD

EX = "https://w3id.org/kosovo-kg/test/"
TURTLE = f"""@prefix ex: <{EX}> .
ex:poll ex:answer [ ex:share 60 ; ex:option "support"@en ] , [ ex:share 40 ; ex:option "opposed"@en ] .
"""


def parsed() -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(TURTLE.encode(), ox.RdfFormat.TURTLE)]


def test_rdf_bytes_serializes_triples_or_quads_with_the_prefixes_given():
    triples = [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x"))]
    assert rdf_bytes(triples, ox.RdfFormat.N_TRIPLES) == f'<{EX}a> <{EX}p> "x" .\n'.encode()
    turtle = rdf_bytes(triples, ox.RdfFormat.TURTLE, {"ex": EX}).decode()
    assert turtle.startswith(f"@prefix ex: <{EX}> .") and 'ex:a ex:p "x" .' in turtle
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(EX + "g")) for t in triples]
    assert rdf_bytes(quads, ox.RdfFormat.N_QUADS) == f'<{EX}a> <{EX}p> "x" <{EX}g> .\n'.encode()
    assert rdf_bytes([], ox.RdfFormat.N_TRIPLES) == b""


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x08", "\x0c", "\ufffe", "\uffff"])
def test_rdf_xml_that_xml_cannot_hold_is_refused_naming_the_triple(character):
    """Oxigraph writes such a character raw, which no XML parser then reads (an ESC in a label)."""
    import xml.dom.minidom

    from kosovo_kg.errors import UnsupportedData

    plain = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("tab\t, line\n\r, é \u2028 \x85 ]]>"))
    xml.dom.minidom.parseString(rdf_bytes([plain], ox.RdfFormat.RDF_XML, {"ex": EX}))
    hostile = ox.Triple(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "label"), ox.Literal(f"x{character}y", language="en"))
    with pytest.raises(UnsupportedData) as refused:
        rdf_bytes([plain, hostile], ox.RdfFormat.RDF_XML)
    assert str(refused.value) == (
        f"the value of {EX}b {EX}label holds the character U+{ord(character):04X}, which XML 1.0 cannot carry, "
        "even escaped; RDF/XML cannot hold it (Turtle, N-Triples and JSON-LD can)"
    )
    # N-Triples carries it
    assert [q.triple for q in ox.parse(rdf_bytes([hostile], ox.RdfFormat.N_TRIPLES), ox.RdfFormat.N_TRIPLES)] == [
        hostile
    ]


@pytest.mark.parametrize(
    ("predicate", "value", "iri"),
    [
        (EX + "1", ox.Literal("x"), EX + "1"),
        (EX + "p#", ox.Literal("x"), EX + "p#"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(EX + "Class/"), EX + "Class/"),
    ],
)
def test_rdf_xml_cannot_write_a_property_or_class_whose_iri_ends_in_no_xml_name(predicate, value, iri):
    """Oxigraph writes it as an element named "oxprefix:", which no XML parser reads."""
    from kosovo_kg.errors import UnsupportedData

    triple = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(predicate), value)
    with pytest.raises(UnsupportedData) as refused:
        rdf_bytes([triple], ox.RdfFormat.RDF_XML)
    assert str(refused.value) == (
        f"the IRI <{iri}> does not end in an XML name, as RDF/XML needs of a property or a class; "
        "RDF/XML cannot hold it (Turtle, N-Triples and JSON-LD can)"
    )
    named = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p1"), ox.NamedNode(EX + "C2"))
    assert b"<ex:p1" in rdf_bytes([named], ox.RdfFormat.RDF_XML, {"ex": EX})


def test_two_parses_of_the_same_graph_get_the_same_blank_node_names():
    first, second = parsed(), parsed()
    assert {str(t) for t in first} != {str(t) for t in second}  # a parse names blank nodes at random
    canonical = [sorted(map(str, canonical_triples(triples))) for triples in (first, second)]
    assert canonical[0] == canonical[1]
    names = {t.subject.value for t in canonical_triples(first) if isinstance(t.subject, ox.BlankNode)}
    assert len(names) == 2 and all(re.fullmatch("k[0-9a-f]{24}", name) for name in names)  # core/blanks
    quads = canonical_quads(ox.Quad(t.subject, t.predicate, t.object) for t in second)
    assert sorted(str(q.triple) for q in quads) == canonical[0]


def test_triples_without_blank_nodes_are_left_as_they_are():
    triples = [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x"))]
    assert canonical_triples(triples) is triples


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (ox.NamedNode(EX + "kosovo"), rdflib.URIRef(EX + "kosovo")),
        (ox.BlankNode("b0"), rdflib.BNode("b0")),
        (ox.Literal("Kosova", language="sq"), rdflib.Literal("Kosova", lang="sq")),
        (ox.Literal("4500", datatype=ox.NamedNode(XSD + "integer")), rdflib.Literal("4500", datatype=rdflib.XSD.integer)),
        (ox.Literal("2008-02", datatype=ox.NamedNode(XSD + "gYearMonth")), rdflib.Literal("2008-02", datatype=rdflib.XSD.gYearMonth)),
        # a plain string: what rdflib's own Turtle parser gives for "text"
        (ox.Literal("text"), rdflib.Literal("text")),
        # a text that is not of its datatype is kept as written
        (ox.Literal("2025-02-30", datatype=ox.NamedNode(XSD + "date")), rdflib.Literal("2025-02-30", datatype=rdflib.XSD.date)),
    ],
)  # fmt: skip
def test_terms_convert_both_ways(ours, theirs):
    converted = to_rdflib(ours)
    assert converted == theirs and type(converted) is type(theirs)
    if isinstance(theirs, rdflib.Literal):
        assert (converted.datatype, converted.language) == (theirs.datatype, theirs.language)
    assert from_rdflib(theirs) == ours


def test_a_plain_rdflib_literal_comes_back_as_an_xsd_string():
    back = from_rdflib(rdflib.Literal("text"))
    assert back == ox.Literal("text", datatype=ox.NamedNode(XSD + "string"))
    assert to_rdflib(ox.Literal("text", datatype=ox.NamedNode(XSD + "string"))).datatype is None


def test_a_quoted_triple_which_rdflib_cannot_hold_is_a_clear_error_not_a_crash():
    # regression: validate ended with "internal error ... AttributeError" on RDF 1.2 data
    from kosovo_kg.errors import UnsupportedData

    ex = ox.NamedNode("https://x.test/a")
    with pytest.raises(
        UnsupportedData, match=r"^the data holds a quoted triple, <https://x.test/a> .* rdflib cannot hold"
    ):
        to_rdflib(ox.Triple(ex, ex, ex))
