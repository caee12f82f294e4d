"""The loaded knowledge graph: ontology plus data, parsed once, shared by every command."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import paths
from .fileio import parse_file
from .namespaces import PREFIXES, RDFS_LABEL, XSD_STRING, shorten

if TYPE_CHECKING:
    import rdflib


class KnowledgeGraph:
    """The triples of the ontology and the data, with the file each subject was stated in.

    The embedded Oxigraph store is built on first use, the rdflib graph too (only
    validation, the rdflib engine and JSON-LD export need rdflib).

    >>> kg = load_graph()
    >>> kg.label("https://w3id.org/kosovo-kg/resource/kosovo")
    'Kosovo'
    >>> len(kg) > 1000
    True
    """

    def __init__(self, triples: Sequence[ox.Triple], files: dict[str, str]):
        self.triples = list(triples)
        #: subject IRI -> the file (as shown to users) where it is first described
        self.files = files

    def __len__(self) -> int:
        return len(self.triples)

    @cached_property
    def store(self) -> ox.Store:
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        return store

    @cached_property
    def rdflib_graph(self) -> rdflib.Graph:
        import rdflib

        graph = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        add = graph.add
        for triple in self.triples:
            add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    @cached_property
    def labels(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for triple in self.triples:
            if triple.predicate.value == RDFS_LABEL and isinstance(triple.subject, ox.NamedNode):
                found.setdefault(triple.subject.value, triple.object.value)
        return found

    def label(self, iri: str) -> str:
        """The English label of a resource, or its prefixed name when it has none."""
        return self.labels.get(iri, shorten(iri))

    def file_of(self, iri: str) -> str | None:
        return self.files.get(iri)


def load_graph(extra_files: Iterable[Path | str] = ()) -> KnowledgeGraph:
    """Parse the ontology, every file of ``graph/`` and any extra files into one graph."""
    triples: list[ox.Triple] = []
    files: dict[str, str] = {}
    for path in [*paths.data_files(), *map(Path, extra_files)]:
        parsed = parse_file(path)
        shown = paths.display_path(path)
        for triple in parsed:
            if isinstance(triple.subject, ox.NamedNode):
                files.setdefault(triple.subject.value, shown)
        triples.extend(parsed)
    return KnowledgeGraph(triples, files)


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
