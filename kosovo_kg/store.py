"""The loaded knowledge graph: ontology plus data, parsed once, shared by every command."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import entailment, paths
from .fileio import load_file
from .namespaces import PREFIXES, RDFS_LABEL, XSD_STRING, shorten

if TYPE_CHECKING:
    import rdflib


class KnowledgeGraph:
    """The ontology and the data in an embedded Oxigraph store, each file in a named graph of
    its own, so that every statement keeps the file it came from.

    Queries see the union of those graphs as their default graph. The triples as Python
    objects, the file map and the rdflib graph are made on first use (only validation, the
    rdflib engine and the exports need them), so a one-off query parses the Turtle once, in Rust.

    >>> kg = load_graph()
    >>> kg.label("https://w3id.org/kosovo-kg/resource/kosovo")
    'Kosovo'
    >>> kg.file_of("https://w3id.org/kosovo-kg/resource/kosovo")
    'graph/actors.ttl'
    >>> len(kg) > 1000
    True
    """

    def __init__(
        self,
        triples: Sequence[ox.Triple] | None = None,
        files: dict[str, str] | None = None,
        *,
        store: ox.Store | None = None,
        graph_files: dict[str, str] | None = None,
    ):
        if store is None:
            store = ox.Store()
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples or ())
        self.store = store
        #: named graph (the file's URI) -> the file as shown to users
        self.graph_files = graph_files or {}
        if triples is not None:
            self.__dict__["triples"] = list(dict.fromkeys(triples))
        if files is not None:
            self.__dict__["files"] = files

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """Every distinct triple, whichever file states it, with the derived date bounds; not the
        RDFS entailments (see :mod:`kosovo_kg.entailment`), which queries see and exports leave out."""
        entailed = entailment.ENTAILED_GRAPH
        return list(dict.fromkeys(quad.triple for quad in self.store if quad.graph_name != entailed))

    @cached_property
    def files(self) -> dict[str, str]:
        """Subject IRI -> the file (as shown to users) where it is first described."""
        found: dict[str, str] = {}
        for quad in self.store:
            if quad.graph_name in (entailment.ENTAILED_GRAPH, entailment.DATE_BOUNDS_GRAPH):
                continue  # derived, not stated in a file
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.graph_name, ox.NamedNode):
                shown = self.graph_files.get(quad.graph_name.value, quad.graph_name.value)
                found.setdefault(quad.subject.value, shown)
        return found

    def __len__(self) -> int:
        return len(self.triples)

    def describes(self, iri: str) -> bool:
        """Whether the graph states anything about this resource."""
        return next(self.store.quads_for_pattern(ox.NamedNode(iri), None, None), None) is not None

    @cached_property
    def rdflib_graph(self) -> rdflib.Graph:
        import rdflib

        graph = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        add = graph.add
        for triple in self.triples:
            add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        # the rdflib engine sees the RDFS entailments as Oxigraph's union default graph does
        for triple in entailment.entailed_triples(self.store):
            add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    @cached_property
    def labels(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(RDFS_LABEL), None):
            if isinstance(quad.subject, ox.NamedNode):
                found.setdefault(quad.subject.value, quad.object.value)
        return found

    def label(self, iri: str) -> str:
        """The English label of a resource, or its prefixed name when it has none."""
        return self.labels.get(iri, shorten(iri))

    def file_of(self, iri: str) -> str | None:
        return self.files.get(iri)


def load_graph(extra_files: Iterable[Path | str] = ()) -> KnowledgeGraph:
    """Load the ontology, every file of ``graph/`` and any extra files into one graph.

    A file that cannot be read or parsed raises :class:`LoadError` naming it and the line.
    """
    store = ox.Store()
    graph_files: dict[str, str] = {}
    for path in [*paths.data_files(), *map(Path, extra_files)]:
        graph_name = ox.NamedNode(Path(path).resolve().as_uri())
        load_file(store, path, graph_name)
        graph_files[graph_name.value] = paths.display_path(path)
    entailment.add_entailments(store)
    return KnowledgeGraph(store=store, graph_files=graph_files)


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


def from_rdflib(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (the neutral type of result rows)."""
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
