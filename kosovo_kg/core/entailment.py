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

import pyoxigraph as ox

from kosovo_kg.core.lexical import day_bounds
from kosovo_kg.namespaces import KKG, XSD

#: The derived day bounds of every date, exported with the data.
DATE_BOUNDS_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/date-bounds")
#: The RDFS subclass and subproperty entailments, seen by queries, left out of exports.
ENTAILED_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/rdfs-entailments")

_XSD_DATE = ox.NamedNode(XSD + "date")
_PREFIXES = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "kkg": KKG, "xsd": XSD}
#: The day bounds each dated property gives: an instant (kkg:date, kkg:published) is its own
#: start and end; a period's start and end dates bound its start and its end. Each bound is the
#: period's first day (even positions) or its last (odd).
_BOUNDS_OF = {
    "kkg:date": ("kkg:earliestStart", "kkg:latestStart", "kkg:earliestEnd", "kkg:latestEnd"),
    "kkg:published": ("kkg:earliestStart", "kkg:latestStart", "kkg:earliestEnd", "kkg:latestEnd"),
    "kkg:startDate": ("kkg:earliestStart", "kkg:latestStart"),
    "kkg:endDate": ("kkg:earliestEnd", "kkg:latestEnd"),
}

#: The RDFS rules. The hierarchies are closed first; each rule then leaves out what is already
#: there, so a triple is never both stated and entailed (the union default graph would give it
#: twice) and running the rules again adds only what is new.
_HIERARCHY_RULES = {
    # rdfs11, rdfs5: transitivity of the two hierarchies
    "?a rdfs:subClassOf ?c": """?a rdfs:subClassOf/rdfs:subClassOf+ ?c . FILTER(ISIRI(?a) && ISIRI(?c) && ?a != ?c)
       MINUS { ?a rdfs:subClassOf ?c }""",
    "?a rdfs:subPropertyOf ?c": """?a rdfs:subPropertyOf/rdfs:subPropertyOf+ ?c . FILTER(ISIRI(?a) && ISIRI(?c) && ?a != ?c)
       MINUS { ?a rdfs:subPropertyOf ?c }""",
}
#: rdfs7 (a triple with a subproperty entails it with each superproperty) and rdfs9 (an instance
#: of a class is an instance of each superclass), one pair of terms at a time: with the pair
#: bound, each side of the MINUS is read from an index. Written for all pairs at once, the MINUS
#: read every triple of the store: at a million triples 4.4 s, against 0.7 s pair by pair.
_PAIRS = {
    "rdfs:subPropertyOf": ("CONSTRUCT {{ ?s {super} ?o }} WHERE {{ ?s {sub} ?o . MINUS {{ ?s {super} ?o }} }}"),
    "rdfs:subClassOf": ("CONSTRUCT {{ ?s a {super} }} WHERE {{ ?s a {sub} . MINUS {{ ?s a {super} }} }}"),
}


def add_entailments(store: ox.Store) -> None:
    """Add the date bounds and then the RDFS entailments of everything in ``store`` to their
    named graphs. Called by :func:`kosovo_kg.core.store.load_graph` once every file is loaded.

    Each is a CONSTRUCT over the union of the graphs (an update would see the default graph
    alone), serialized and loaded back by Oxigraph: no derived triple becomes a Python object.
    (Held as Python objects, the entailments of a million-triple graph raised the peak memory of
    its load from 1.0× to 2.5× what pyoxigraph alone takes, measured.) A graph has few distinct
    dates however many facts it has, so their bounds are worked out in Python once per date and
    given to every node that has the date by the store.
    """
    dates = store.query(
        "SELECT DISTINCT ?date WHERE { ?node kkg:date|kkg:published|kkg:startDate|kkg:endDate ?date }",
        prefixes=_PREFIXES,
        use_default_graph_as_union=True,
    )
    assert isinstance(dates, ox.QuerySolutions)
    rows = []
    for (date,) in dates:
        bounds = day_bounds(date.value, date.datatype.value) if isinstance(date, ox.Literal) else None
        if bounds is not None:
            first, last = (ox.Literal(day, datatype=_XSD_DATE) for day in bounds)
            rows.append(f"({date} {first} {last})")
    if rows:
        values = "VALUES (?date ?first ?last) { " + " ".join(rows) + " }"
        for dated, bounds_of_it in _BOUNDS_OF.items():
            for index, bound in enumerate(bounds_of_it):
                day = "?first" if index % 2 == 0 else "?last"
                _construct_into(
                    store,
                    f"CONSTRUCT {{ ?node {bound} {day} }} "
                    f"WHERE {{ {values} ?node {dated} ?date . MINUS {{ ?node {bound} {day} }} }}",
                    DATE_BOUNDS_GRAPH,
                )
    for head, body in _HIERARCHY_RULES.items():
        _construct_into(store, f"CONSTRUCT {{ {head} }} WHERE {{ {body} }}", ENTAILED_GRAPH)
    for hierarchy, rule in _PAIRS.items():
        pairs = store.query(
            f"SELECT DISTINCT ?sub ?super WHERE {{ ?sub {hierarchy}+ ?super . FILTER(ISIRI(?super) && ?sub != ?super) }}",
            prefixes=_PREFIXES,
            use_default_graph_as_union=True,
        )
        assert isinstance(pairs, ox.QuerySolutions)
        for narrower, broader in list(pairs):
            _construct_into(store, rule.format(sub=narrower, super=broader), ENTAILED_GRAPH)


def _construct_into(store: ox.Store, construct: str, graph: ox.NamedNode) -> None:
    """Add what a CONSTRUCT over the union of the store's graphs gives to ``graph``."""
    found = store.query(construct, prefixes=_PREFIXES, use_default_graph_as_union=True)
    assert isinstance(found, ox.QueryTriples)
    triples = found.serialize(format=ox.RdfFormat.N_TRIPLES)  # read whole before the store changes
    if triples:
        store.load(triples, ox.RdfFormat.N_TRIPLES, to_graph=graph)


def entailed_triples(store: ox.Store) -> list[ox.Triple]:
    """The RDFS entailments that :func:`add_entailments` put in ``store``."""
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)]
