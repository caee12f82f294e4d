"""The loaded knowledge graph: ontology plus data, parsed once, shared by every command."""

from __future__ import annotations

import os
from functools import cached_property

import pyoxigraph as ox

from . import paths
from .namespaces import PREFIXES, RDF, RDFS_LABEL, XSD_STRING, shorten

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

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
        from .entailment import ENTAILED_GRAPH as entailed

        return list(dict.fromkeys(quad.triple for quad in self.store if quad.graph_name != entailed))

    @cached_property
    def files(self) -> dict[str, str]:
        """Subject IRI -> the file (as shown to users) where it is described: the file that gives its
        type (rdf:type) where there is one, since files such as graph/wikidata.ttl and graph/names.ttl
        only add to nodes described elsewhere; otherwise the first file that mentions it as a subject."""
        found: dict[str, str] = {}
        from .entailment import DATE_BOUNDS_GRAPH, ENTAILED_GRAPH

        derived = (DATE_BOUNDS_GRAPH, ENTAILED_GRAPH)  # stated in no file
        rdf_type = ox.NamedNode(RDF + "type")
        for typed_first in (True, False):
            for quad in self.store.quads_for_pattern(None, rdf_type if typed_first else None, None):
                graph = quad.graph_name
                if isinstance(quad.subject, ox.NamedNode) and isinstance(graph, ox.NamedNode) and graph not in derived:
                    found.setdefault(quad.subject.value, self.graph_files.get(graph.value, graph.value))
        return found

    def __len__(self) -> int:
        return len(self.triples)

    def describes(self, iri: str) -> bool:
        """Whether the graph states anything about this resource."""
        return next(self.store.quads_for_pattern(ox.NamedNode(iri), None, None), None) is not None

    @cached_property
    def rdflib_graph(self) -> rdflib.Graph:
        import logging

        import rdflib

        # rdflib logs a traceback for every literal whose text is not of its datatype
        # ("2025-02-30"^^xsd:date); validate reports those itself, in one line each.
        logging.getLogger("rdflib.term").setLevel(logging.ERROR)
        graph = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        add = graph.add
        for triple in self.triples:
            add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        from .entailment import entailed_triples

        # the rdflib engine sees the RDFS entailments as Oxigraph's union default graph does
        for triple in entailed_triples(self.store):
            add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every resource's English label (see :meth:`label`), for callers that need many."""
        found: dict[str, tuple[int, str]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(RDFS_LABEL), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                rank = _label_rank(quad.object)
                known = found.get(quad.subject.value)
                if known is None or rank < known[0]:
                    found[quad.subject.value] = (rank, quad.object.value)
        return {iri: text for iri, (_, text) in found.items()}

    def label(self, iri: str) -> str:
        """The English label of a resource (else one without a language, else any), or its
        prefixed name when it has none.

        A one-off query labels a few cells: they are looked up one by one rather than by
        reading every label of the graph into :attr:`labels`.
        """
        if "labels" in self.__dict__:
            return self.labels.get(iri, shorten(iri))
        best: tuple[int, str] | None = None
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDFS_LABEL), None):
            if isinstance(quad.object, ox.Literal):
                rank = _label_rank(quad.object)
                if best is None or rank < best[0]:
                    best = (rank, quad.object.value)
        return best[1] if best is not None else shorten(iri)

    def file_of(self, iri: str) -> str | None:
        return self.files.get(iri)


def load_graph(extra_files: Iterable[str | os.PathLike[str]] = (), *, packaged: bool = True) -> KnowledgeGraph:
    """Load the ontology, every file of ``graph/`` and any extra files into one graph; with
    ``packaged=False``, only the extra files (``--only-data``).

    A file that cannot be read or parsed raises :class:`LoadError` naming it and the line.
    """
    store = ox.Store()
    graph_files: dict[str, str] = {}
    if packaged:
        _load_packaged(store, graph_files)
    extra = False
    for path in (os.fspath(given) for given in extra_files):
        from .fileio import file_uri, load_file  # only for files beside the packaged graph

        graph_name = ox.NamedNode(file_uri(path))
        if graph_name.value in graph_files:  # the same file given twice is loaded once
            continue
        load_file(store, path, graph_name)
        graph_files[graph_name.value] = paths.display_path(path)
        extra = True
    if extra:  # the packaged graph's own entailments came with it; these are what the files add
        from . import entailment

        entailment.add_entailments(store)
    return KnowledgeGraph(store=store, graph_files=graph_files)


#: Changes when what a cached graph holds changes shape.
_GRAPH_CACHE_FORMAT = b"kosovo-kg graph 1"


def _load_packaged(store: ox.Store, graph_files: dict[str, str]) -> None:
    """The ontology and ``graph/``, each file in its named graph: parsed strictly, or read back
    from the cache of the last strict parse of exactly these bytes.

    Measured with valgrind (instructions, which load on the machine does not change): parsing the
    Turtle files cost 98M instructions, reading the same quads back as N-Quads without
    re-validating them (``lenient``) 46M, in a one-off query of 150M. The entry is named by
    CRC-32 and Adler-32 checksums of every file's path, size and modification time, the test
    Python applies to its own .pyc files (not SHA-256 of the bytes: importing hashlib alone costs
    11M instructions); editing a file changes the name.
    """
    import zlib

    from .cache import cache_dir, read_entry, write_entry

    files = paths.data_file_paths()  # absolute, in the project's folder: no need to resolve them again
    names = [ox.NamedNode(_file_uri(path)) for path in files]
    for path, name in zip(files, names, strict=True):
        graph_files[name.value] = paths.shown_in_project(path)
    try:
        # what Python itself trusts to tell a changed source file from its .pyc: size and mtime
        stamps = [f"{path} {status.st_size} {status.st_mtime_ns}\n" for path in files for status in [os.stat(path)]]
    except OSError:
        stamps = []  # the strict load below says which file and why
    entry = None
    if stamps and cache_dir() is not None:
        key = (_GRAPH_CACHE_FORMAT.decode() + ox.__version__ + "\n" + "".join(stamps)).encode()
        entry = f"graph-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.nq"
        cached = read_entry(entry)
        if cached is not None:
            try:
                store.load(cached, ox.RdfFormat.N_QUADS, lenient=True)
                return
            except SyntaxError:  # a damaged entry: parse afresh and replace it
                store.clear()
    from . import entailment
    from .fileio import load_file

    for path, name in zip(files, names, strict=True):
        load_file(store, path, name)
    entailment.add_entailments(store)  # what the loader derives (see entailment.py) is cached with it
    if entry is not None:
        dump = store.dump(format=ox.RdfFormat.N_QUADS)
        assert dump is not None  # dump() returns the bytes when given no output
        write_entry(entry, dump)


def _label_rank(label: ox.Literal) -> int:
    """English first, then a label without a language, then any other."""
    language = label.language
    return 0 if language == "en" or (language or "").startswith("en-") else 1 if not language else 2


#: Characters a file: URI carries as they are (RFC 3986 unreserved, and the path's slashes).
_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def _file_uri(path: str) -> str:
    """``Path(path).as_uri()`` for an absolute path, without importing pathlib when no character
    needs escaping (the usual case; otherwise pathlib does it)."""
    if _URI_SAFE.issuperset(path):
        return "file://" + path
    from pathlib import Path

    return Path(path).as_uri()


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
