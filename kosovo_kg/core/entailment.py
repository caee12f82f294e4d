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
  again. Stored queries are written so that they give the same rows with or without this graph
  (a test holds every one to it), which is what lets an endpoint loaded from a plain export give
  the same answers, and what lets ``kosovo-kg query NAME --data FILE`` leave them underived
  (:func:`add_rdfs_entailments` is then not called; see :func:`kosovo_kg.core.store.load_graph`).

Neither graph repeats a triple that is already stated: Oxigraph's union default graph would
otherwise return it twice.

Both are computed inside Oxigraph, as SPARQL updates (``INSERT … WHERE``): no derived triple
becomes a Python object, nor is serialized and parsed again. An update's WHERE clause sees the
store's default graph alone, so each pattern names its graph (``GRAPH ?g``); the closures of the
two hierarchies, which must be read across files, are read first with the union default graph
(they are a few hundred pairs) and given to the updates as ``VALUES``. Measured on the graph plus
100 renamed copies of its data (500k triples, 2 cores): the CONSTRUCTs that were serialized and
loaded back, one per pair of terms, took 3.9 s; these updates 0.3 s for the date bounds and
1.2 s for the RDFS entailments, and a blank node keeps its identity (a CONSTRUCT's output loaded
back gave the entailed ``rdf:type`` of a blank node to a new blank node).
"""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.core.lexical import day_bounds
from kosovo_kg.namespaces import KKG, RDFS, XSD

#: The derived day bounds of every date, exported with the data.
DATE_BOUNDS_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/date-bounds")
#: The RDFS subclass and subproperty entailments, seen by queries, left out of exports.
ENTAILED_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/rdfs-entailments")

_XSD_DATE = ox.NamedNode(XSD + "date")
_PREFIXES = {"rdfs": RDFS, "kkg": KKG, "xsd": XSD}
#: The day bounds each dated property gives: an instant (kkg:date, kkg:published) is its own
#: start and end; a period's start and end dates bound its start and its end. Each bound is the
#: period's first day (even positions) or its last (odd).
_BOUNDS_OF = {
    "kkg:date": ("kkg:earliestStart", "kkg:latestStart", "kkg:earliestEnd", "kkg:latestEnd"),
    "kkg:published": ("kkg:earliestStart", "kkg:latestStart", "kkg:earliestEnd", "kkg:latestEnd"),
    "kkg:startDate": ("kkg:earliestStart", "kkg:latestStart"),
    "kkg:endDate": ("kkg:earliestEnd", "kkg:latestEnd"),
}
_BOUNDS = "kkg:earliestStart|kkg:latestStart|kkg:earliestEnd|kkg:latestEnd"

#: rdfs7 (a triple with a subproperty entails it with each superproperty) and rdfs9 (an instance
#: of a class is an instance of each superclass): the hierarchy, what each pair entails, and from what.
_RULES = (
    ("rdfs:subPropertyOf", "?s ?super ?o", "?s ?sub ?o"),
    ("rdfs:subClassOf", "?s a ?super", "?s a ?sub"),
)


def add_entailments(store: ox.Store) -> None:
    """Add the date bounds and then the RDFS entailments of everything in ``store``."""
    add_date_bounds(store)
    add_rdfs_entailments(store)


def add_date_bounds(store: ox.Store) -> None:
    """Add the day bounds of every date in ``store`` to :data:`DATE_BOUNDS_GRAPH`.

    A graph has few distinct dates however many facts it has, so their bounds are worked out in
    Python once per date and given to every node that has the date by the store. Where no file
    states a bound itself (the usual case: only a reloaded export does), the four bounds of a
    dated property are inserted by one update without looking each up first (0.29 s against
    0.68 s at 500k triples).
    """
    rows = []
    for (date,) in _select(
        store, "SELECT DISTINCT ?date WHERE { ?node kkg:date|kkg:published|kkg:startDate|kkg:endDate ?date }"
    ):
        bounds = day_bounds(date.value, date.datatype.value) if isinstance(date, ox.Literal) else None
        if bounds is not None:
            first, last = (ox.Literal(day, datatype=_XSD_DATE) for day in bounds)
            rows.append(f"({date} {first} {last})")
    if not rows:
        return
    values = "VALUES (?date ?first ?last) { " + " ".join(rows) + " }"
    stated = store.query(
        f"ASK {{ GRAPH ?g {{ ?node {_BOUNDS} ?day }} FILTER(?g != {DATE_BOUNDS_GRAPH}) }}", prefixes=_PREFIXES
    )
    for dated, bounds_of_it in _BOUNDS_OF.items():
        days = [(bound, "?first" if index % 2 == 0 else "?last") for index, bound in enumerate(bounds_of_it)]
        if not stated:
            template = " ".join(f"?node {bound} {day} ." for bound, day in days)
            _insert(store, DATE_BOUNDS_GRAPH, template, f"{values} GRAPH ?g {{ ?node {dated} ?date }}")
            continue
        for bound, day in days:
            _insert(
                store,
                DATE_BOUNDS_GRAPH,
                f"?node {bound} {day}",
                f"{values} GRAPH ?g {{ ?node {dated} ?date }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?node {bound} {day} }} }}",
            )


def add_rdfs_entailments(store: ox.Store) -> None:
    """Add the RDFS entailments of everything in ``store`` (date bounds included) to :data:`ENTAILED_GRAPH`.

    The hierarchies are closed first; each rule then leaves out what is already there, so a
    triple is never both stated and entailed, and running the rules again adds only what is new.
    """
    for hierarchy in ("rdfs:subClassOf", "rdfs:subPropertyOf"):  # rdfs11, rdfs5
        predicate = ox.NamedNode(RDFS + hierarchy.removeprefix("rdfs:"))
        closure = _select(
            store,
            f"SELECT DISTINCT ?a ?c WHERE {{ ?a {hierarchy}/{hierarchy}+ ?c . "
            f"FILTER(ISIRI(?a) && ISIRI(?c) && ?a != ?c) MINUS {{ ?a {hierarchy} ?c }} }}",
        )
        store.bulk_extend(
            ox.Quad(narrower, predicate, broader, ENTAILED_GRAPH)
            for narrower, broader in closure
            if isinstance(narrower, ox.NamedNode)  # as the FILTER says: for the type checker
        )
    for hierarchy, head, body in _RULES:  # rdfs7, rdfs9
        pairs = _select(
            store,
            f"SELECT DISTINCT ?sub ?super WHERE {{ ?sub {hierarchy}+ ?super . FILTER(ISIRI(?super) && ?sub != ?super) }}",
        )
        if pairs:
            values = (
                "VALUES (?sub ?super) { " + " ".join(f"({narrower} {broader})" for narrower, broader in pairs) + " }"
            )
            _insert(
                store,
                ENTAILED_GRAPH,
                head,
                f"{values} GRAPH ?g {{ {body} }} FILTER NOT EXISTS {{ GRAPH ?h {{ {head} }} }}",
            )


def _select(store: ox.Store, query: str) -> list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal, ...]]:
    """The rows of a SELECT over the union of the store's graphs."""
    found = store.query(query, prefixes=_PREFIXES, use_default_graph_as_union=True)
    assert isinstance(found, ox.QuerySolutions)
    return [tuple(row) for row in found]


def _insert(store: ox.Store, graph: ox.NamedNode, template: str, where: str) -> None:
    store.update(f"INSERT {{ GRAPH {graph} {{ {template} }} }} WHERE {{ {where} }}", prefixes=_PREFIXES)


def entailed_triples(store: ox.Store) -> list[ox.Triple]:
    """The RDFS entailments that :func:`add_rdfs_entailments` put in ``store``."""
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)]
