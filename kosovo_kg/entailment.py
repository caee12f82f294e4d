"""What the loader adds to the stated triples, each in a named graph of its own.

Two things, kept apart because they are exported differently:

* **Date bounds** (graph :data:`DATE_BOUNDS_GRAPH`). A date keeps the precision its source gives
  (``"1999"^^xsd:gYear``, ``"1999-03"^^xsd:gYearMonth``, ``"1999-03-24"^^xsd:date``), and literals of
  different precision cannot be compared in SPARQL without string tricks. So every node with a
  ``kkg:date``, ``kkg:startDate``, ``kkg:endDate`` or ``kkg:published`` gets the first and last day of
  the period its dates denote, as ``xsd:date``: ``kkg:earliestStart``, ``kkg:latestStart``,
  ``kkg:earliestEnd`` and ``kkg:latestEnd`` (an instant's start and end are its one date). No
  standard reasoner can derive them, so they are part of the graph as exported: an endpoint
  loaded from an export answers the stored queries that compare dates.
* **RDFS entailments** (graph :data:`ENTAILED_GRAPH`): the ``rdf:type`` triples that
  ``rdfs:subClassOf`` entails, the triples that ``rdfs:subPropertyOf`` entails, and the transitive
  closure of both hierarchies (RDFS rules rdfs5, rdfs7, rdfs9 and rdfs11), so that
  ``?x a kkg:Event`` finds wars and ``?x sem:hasActor ?a`` finds every role. Queries on the
  embedded engines see them (Oxigraph through its union default graph, rdflib through
  :attr:`KnowledgeGraph.rdflib_graph`); exports leave them out, as any RDFS reasoner can add them
  again. Stored queries are written so that they give the same rows with or without this graph,
  which is what lets an endpoint loaded from a plain export give the same answers.

Neither graph repeats a triple that is already stated: Oxigraph's union default graph would
otherwise return it twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

from .namespaces import KKG, XSD

#: The derived day bounds of every date, exported with the data.
DATE_BOUNDS_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/date-bounds")
#: The RDFS subclass and subproperty entailments, seen by queries, left out of exports.
ENTAILED_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/rdfs-entailments")

_XSD_DATE = ox.NamedNode(XSD + "date")
_EARLIEST_START = ox.NamedNode(KKG + "earliestStart")
_LATEST_START = ox.NamedNode(KKG + "latestStart")
_EARLIEST_END = ox.NamedNode(KKG + "earliestEnd")
_LATEST_END = ox.NamedNode(KKG + "latestEnd")

_BOUNDS = (_EARLIEST_START, _LATEST_START, _EARLIEST_END, _LATEST_END)

#: Which bounds each dated property gives: an instant (kkg:date, kkg:published) is its own start
#: and end; a period's start and end dates bound its start and its end.
_BOUNDS_OF = {
    ox.NamedNode(KKG + "date"): ((_EARLIEST_START, _LATEST_START), (_EARLIEST_END, _LATEST_END)),
    ox.NamedNode(KKG + "published"): ((_EARLIEST_START, _LATEST_START), (_EARLIEST_END, _LATEST_END)),
    ox.NamedNode(KKG + "startDate"): ((_EARLIEST_START, _LATEST_START),),
    ox.NamedNode(KKG + "endDate"): ((_EARLIEST_END, _LATEST_END),),
}

_PATTERNS = {
    XSD + "gYear": re.compile(r"(\d{4})"),
    XSD + "gYearMonth": re.compile(r"(\d{4})-(\d{2})"),
    XSD + "date": re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
}


def day_bounds(literal: ox.Literal) -> tuple[str, str] | None:
    """The first and last day (ISO 8601) of the period a date literal denotes, or None when the
    literal is not a year, a month or a day without a time zone (SHACL reports those).

    >>> day_bounds(ox.Literal("1999", datatype=ox.NamedNode(XSD + "gYear")))
    ('1999-01-01', '1999-12-31')
    >>> day_bounds(ox.Literal("2024-02", datatype=ox.NamedNode(XSD + "gYearMonth")))
    ('2024-02-01', '2024-02-29')
    >>> day_bounds(ox.Literal("1999-06-10", datatype=ox.NamedNode(XSD + "date")))
    ('1999-06-10', '1999-06-10')
    >>> day_bounds(ox.Literal("1999-13", datatype=ox.NamedNode(XSD + "gYearMonth"))) is None
    True
    """
    pattern = _PATTERNS.get(literal.datatype.value)
    match = pattern.fullmatch(literal.value) if pattern else None
    if match is None:
        return None
    year, month, day = (int(part) for part in (*match.groups(), 0, 0)[:3])
    if month == 0:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if not 1 <= month <= 12:
        return None
    last = _days_in_month(year, month)
    if day == 0:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    if not 1 <= day <= last:
        return None
    return (literal.value,) * 2


def _days_in_month(year: int, month: int) -> int:
    # not calendar.monthrange: it imports datetime, which a one-off query otherwise never loads
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def date_bound_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """The day bounds of every dated node in the store, as ``xsd:date`` triples."""
    # many facts share a date: each literal's bounds are worked out, and made terms, once
    days: dict[ox.Literal, tuple[ox.Literal, ox.Literal] | None] = {}
    for predicate, bound_pairs in _BOUNDS_OF.items():
        for quad in store.quads_for_pattern(None, predicate, None):
            literal = quad.object
            if not isinstance(literal, ox.Literal):
                continue
            if literal not in days:
                bounds = day_bounds(literal)
                days[literal] = bounds and (
                    ox.Literal(bounds[0], datatype=_XSD_DATE),
                    ox.Literal(bounds[1], datatype=_XSD_DATE),
                )
            first_and_last = days[literal]
            if first_and_last is None:
                continue
            for earliest, latest in bound_pairs:
                yield ox.Triple(quad.subject, earliest, first_and_last[0])
                yield ox.Triple(quad.subject, latest, first_and_last[1])


#: The RDFS rules, as SPARQL over the union of every graph loaded so far. The hierarchies are
#: closed first; then the entailed triples of each rule leave out what is already stated.
_RDFS_RULES = (
    # rdfs11, rdfs5: transitivity of the two hierarchies
    """CONSTRUCT { ?a rdfs:subClassOf ?c } WHERE {
         ?a rdfs:subClassOf/rdfs:subClassOf+ ?c . FILTER(ISIRI(?a) && ISIRI(?c) && ?a != ?c)
         MINUS { ?a rdfs:subClassOf ?c } }""",
    """CONSTRUCT { ?a rdfs:subPropertyOf ?c } WHERE {
         ?a rdfs:subPropertyOf/rdfs:subPropertyOf+ ?c . FILTER(ISIRI(?a) && ISIRI(?c) && ?a != ?c)
         MINUS { ?a rdfs:subPropertyOf ?c } }""",
    # rdfs7: a triple with a subproperty entails the same triple with each of its superproperties
    """CONSTRUCT { ?s ?super ?o } WHERE {
         ?p rdfs:subPropertyOf+ ?super . FILTER(ISIRI(?super) && ?p != ?super)
         ?s ?p ?o .
         MINUS { ?s ?super ?o } }""",
    # rdfs9: an instance of a class is an instance of each of its superclasses
    """CONSTRUCT { ?s a ?super } WHERE {
         ?class rdfs:subClassOf+ ?super . FILTER(ISIRI(?super) && ?class != ?super)
         ?s a ?class .
         MINUS { ?s a ?super } }""",
)
_PREFIXES = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def add_entailments(store: ox.Store) -> None:
    """Add the date bounds and then the RDFS entailments of everything in ``store`` to their
    named graphs. Called by :func:`kosovo_kg.store.load_graph` once every file is loaded."""
    stated = store.quads_for_pattern
    bounds = dict.fromkeys(date_bound_triples(store))
    # a file states bounds only when it is an export loaded again: check each one only then
    if any(next(stated(None, bound, None), None) is not None for bound in _BOUNDS):
        bounds = {t: None for t in bounds if next(stated(t.subject, t.predicate, t.object), None) is None}
    store.extend(ox.Quad(t.subject, t.predicate, t.object, DATE_BOUNDS_GRAPH) for t in bounds)
    for rule in _RDFS_RULES:
        found = store.query(rule, prefixes=_PREFIXES, use_default_graph_as_union=True)
        assert isinstance(found, ox.QueryTriples)  # the rules are CONSTRUCT queries
        # a CONSTRUCT may give a triple once per solution; the MINUS has left out stated ones
        entailed = dict.fromkeys(found)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ENTAILED_GRAPH) for t in entailed)


def entailed_triples(store: ox.Store) -> list[ox.Triple]:
    """The RDFS entailments that :func:`add_entailments` put in ``store``."""
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)]
