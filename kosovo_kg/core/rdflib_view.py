"""The graphs as the rdflib engine reads them: each file's graph as rdflib itself parses the file."""

from __future__ import annotations

import os

import pyoxigraph as ox

from kosovo_kg.core.rdf import from_rdflib, to_rdflib
from kosovo_kg.namespaces import PREFIXES

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    import rdflib


def rdflib_dataset_as_written(store: ox.Store) -> rdflib.Dataset:
    """An rdflib Dataset of the graphs of ``store`` (a :class:`~kosovo_kg.core.store.KnowledgeGraph`'s),
    each file's as rdflib itself reads the file.

    A graph named by the ``file:`` URL of a Turtle or N-Triples file that can still be read is
    parsed again by rdflib, with the loader's base IRI, as plain rdflib would read it. The other
    graphs come from the store: RDF/XML and JSON-LD (rdflib's parsers of those would fetch
    what the loader refuses to: external entities, remote contexts), a file rdflib cannot parse
    (Oxigraph's parser, which loaded it, is the project's reference), graphs made in memory. The
    derived graphs (date bounds, RDFS entailments) are worked out again over what was read, on
    a scratch store that keeps the blank nodes' names, so that they speak of the same nodes.
    """
    import logging
    from urllib.parse import unquote, urlsplit

    import rdflib

    from kosovo_kg.core.entailment import DATE_BOUNDS_GRAPH, ENTAILED_GRAPH, add_entailments

    # rdflib logs a traceback for every literal whose text is not of its datatype (see KnowledgeGraph.rdflib_graph)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    # default_union: a pattern outside GRAPH matches in every graph (rdflib's SPARQL takes the
    # dataset itself as the default graph, and a Dataset without it matches its default graph alone)
    dataset = rdflib.Dataset(default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    derived = (DATE_BOUNDS_GRAPH, ENTAILED_GRAPH)
    reread = False
    graphs: list[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, rdflib.Graph]] = []
    for name in [ox.DefaultGraph(), *store.named_graphs()]:
        if name in derived:
            continue
        graph = dataset.default_context if isinstance(name, ox.DefaultGraph) else dataset.graph(to_rdflib(name))
        graphs.append((name, graph))
        if isinstance(name, ox.NamedNode) and name.value.startswith("file:"):
            path = unquote(urlsplit(name.value).path)
            rdflib_format = {".ttl": "turtle", ".nt": "nt"}.get(os.path.splitext(path)[1].lower())
            if rdflib_format is not None and os.path.isfile(path):
                # parsed straight into the dataset's graph: through a Graph of its own and a copy,
                # the packaged graph's dataset took twice as long (median 1.8-2.1 s against 0.9 s)
                try:
                    graph.parse(path, format=rdflib_format, publicID=name.value)
                except Exception:  # whatever rdflib's parser fails on: the store's copy is used
                    graph.remove((None, None, None))
                else:
                    reread = True
                    continue
        for quad in store.quads_for_pattern(None, None, None, name):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    if reread:  # the derived graphs, over the triples rdflib read
        source = ox.Store()
        for name, graph in graphs:
            source.extend(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), name) for s, p, o in graph)
        add_entailments(source)
        store = source
    for name in derived:
        graph = dataset.graph(to_rdflib(name))
        for quad in store.quads_for_pattern(None, None, None, name):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset
