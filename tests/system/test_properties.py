"""Property-based tests (hypothesis): parameter binding cannot change a query's structure, and
literals survive the exports (Turtle -> JSON-LD -> Turtle) unchanged."""

from __future__ import annotations

import datetime
import decimal

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kosovo_kg import sparql
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import PREFIXES, XSD
from kosovo_kg.publish.export import serialize_graph
from kosovo_kg.querying.catalogue import Parameter, typed_value
from kosovo_kg.querying.sparqltext import insert_values

# Moderate example counts: the whole suite must stay fast on two cores.
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text as users can type it: any character but lone surrogates, which no RDF literal can hold.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
#: The pieces an injection would be made of, mixed into arbitrary text.
NASTY = st.sampled_from(
    ['"', "'", "\\", "\\u0022", "\\U00000022", "}", "{", "#", "<", ">", ".", ";", "\n", "\r", "\t", "\x00",
     '"} ?s ?p ?o {', "> } ; DROP ALL #", "SERVICE <http://127.0.0.1:9/>", "\"\"\"", "'''", "?_text_string"]
)  # fmt: skip
VALUES = st.lists(st.one_of(TEXT, NASTY), max_size=6).map("".join)

TEXT_PARAMETER = Parameter("text", "_text_string", "string", True)
#: A template in the shape of a stored query: the parameter in a pattern, a FILTER and the projection.
TEMPLATE = """SELECT ?s ?echo ?_text_string WHERE {
  OPTIONAL { ?s rdfs:label ?_text_string }
  FILTER(STRLEN(?_text_string) >= 0)
  BIND(?_text_string AS ?echo)
}"""


def bind(value: str) -> str:
    term = typed_value(TEXT_PARAMETER, value)
    return insert_values(TEMPLATE, {TEXT_PARAMETER.variable: str(term)})


def shape(query: str, value: str) -> object:
    """rdflib's algebra of the query as nested tuples, with the bound value's literal blanked out."""
    import rdflib
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    bound = rdflib.Literal(value)

    def walk(node: object) -> object:
        if isinstance(node, CompValue):
            return (node.name, tuple(sorted((k, walk(v)) for k, v in node.items() if not k.startswith("_"))))
        if isinstance(node, dict):
            return tuple(sorted((str(k), walk(v)) for k, v in node.items()))
        if isinstance(node, (list, tuple, set, frozenset)):
            items = [walk(v) for v in node]
            return tuple(sorted(items, key=repr)) if isinstance(node, (set, frozenset)) else tuple(items)
        if isinstance(node, rdflib.Literal) and node == bound and node.datatype is None:
            return "BOUND-VALUE"
        return repr(node)

    algebra = translateQuery(parseQuery(query), initNs=PREFIXES).algebra
    return walk(algebra)


HARMLESS = "harmless"
HARMLESS_SHAPE = None


@PROPERTY_SETTINGS
@given(VALUES)
@example('"} ?s ?p ?o {')
@example("> } ; DROP ALL #")
@example("\\u0022} ?s ?p ?o {")
@example("a\\")
def test_binding_never_changes_the_query_structure(value):
    global HARMLESS_SHAPE
    if HARMLESS_SHAPE is None:
        HARMLESS_SHAPE = shape(bind(HARMLESS), HARMLESS)
    assert shape(bind(value), value) == HARMLESS_SHAPE


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_bound_value_comes_back_unchanged(kg, engine):
    @PROPERTY_SETTINGS
    @given(VALUES)
    @example("\\u0022")
    @example("\\\\u0041")
    @example("\x00")
    def check(value):
        text = TEMPLATE.replace("OPTIONAL { ?s rdfs:label ?_text_string }", "")
        bound = insert_values(text, {TEXT_PARAMETER.variable: str(typed_value(TEXT_PARAMETER, value))})
        result = sparql(bound, graph=kg, engine=engine)
        assert result.variables == ["s", "echo", "_text_string"]
        assert len(result.rows) == 1
        assert result.rows[0][1] == ox.Literal(value)

    check()


# --- literals through the exports -------------------------------------------------------------

LANGUAGE_TAGS = st.one_of(
    st.sampled_from(["en", "sq", "sr-latn", "sr-cyrl", "en-gb", "de-ch"]), st.from_regex(r"\A[a-z]{2,3}\Z")
)
DATES = st.dates(min_value=datetime.date(1, 1, 1)).map(
    lambda d: ox.Literal(d.isoformat(), datatype=ox.NamedNode(XSD + "date"))
)
INTEGERS = st.integers(min_value=-(10**30), max_value=10**30).map(
    lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))
)
DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12).map(
    lambda d: ox.Literal(_canonical_decimal(d), datatype=ox.NamedNode(XSD + "decimal"))
)
LITERALS = st.one_of(
    TEXT.map(ox.Literal),
    st.tuples(TEXT, LANGUAGE_TAGS).map(lambda pair: ox.Literal(pair[0], language=pair[1])),
    DATES,
    INTEGERS,
    DECIMALS,
)


def _canonical_decimal(value: decimal.Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


SUBJECT = ox.NamedNode("https://w3id.org/kosovo-kg/resource/property-test")
PREDICATES = [ox.NamedNode("https://w3id.org/kosovo-kg/ontology#note"), ox.NamedNode(PREFIXES["rdfs"] + "comment")]


def parse(data: bytes, rdf_format: ox.RdfFormat) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(data, rdf_format)]


@PROPERTY_SETTINGS
@given(st.lists(LITERALS, min_size=1, max_size=6, unique=True))
@example([ox.Literal(""), ox.Literal("0")])  # rdflib's JSON-LD writer dropped the empty string
@example(
    [ox.Literal("0", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))]
)
@example([ox.Literal('line\nbreak "quoted" \\ back\tslash')])
@example([ox.Literal("x", language="sr-latn")])
@example([ox.Literal("0.0", datatype=ox.NamedNode(XSD + "decimal"))])
def test_literals_survive_turtle_to_jsonld_to_turtle(literals):
    triples = {ox.Triple(SUBJECT, PREDICATES[i % 2], literal) for i, literal in enumerate(literals)}
    turtle = serialize_graph(KnowledgeGraph(sorted(triples, key=str)), "turtle")
    from_turtle = parse(turtle, ox.RdfFormat.TURTLE)
    jsonld = serialize_graph(KnowledgeGraph(from_turtle), "jsonld")
    from_jsonld = parse(jsonld, ox.RdfFormat.JSON_LD)
    again = parse(serialize_graph(KnowledgeGraph(from_jsonld), "turtle"), ox.RdfFormat.TURTLE)
    assert set(from_turtle) == triples
    assert set(from_jsonld) == triples
    assert set(again) == triples
