"""The loaded knowledge graph: ontology plus data, parsed once, shared by every command."""

from __future__ import annotations

import os
from functools import cached_property

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.rdf import to_rdflib
from kosovo_kg.namespaces import PREFIXES, RDF, RDFS_LABEL, shorten

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import rdflib

    from kosovo_kg.core.nameindex import NameIndex


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
        RDFS entailments (see :mod:`kosovo_kg.core.entailment`), which queries see and exports leave out."""
        from kosovo_kg.core.entailment import ENTAILED_GRAPH as entailed

        return list(dict.fromkeys(quad.triple for quad in self.store if quad.graph_name != entailed))

    @cached_property
    def files(self) -> dict[str, str]:
        """Subject IRI -> the file (as shown to users) where it is described: the file that gives its
        type (rdf:type) where there is one, since files such as graph/wikidata.ttl and graph/names.ttl
        only add to nodes described elsewhere; otherwise the first file that mentions it as a subject."""
        found: dict[str, str] = {}
        from kosovo_kg.core.entailment import DATE_BOUNDS_GRAPH, ENTAILED_GRAPH

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
        from kosovo_kg.core.entailment import entailed_triples

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

    @cached_property
    def name_index(self) -> NameIndex:
        """Every name of every entity, folded for search (see :mod:`kosovo_kg.core.nameindex`)."""
        from kosovo_kg.core.nameindex import NameIndex

        return NameIndex.from_graph(self)

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
    graph_files: dict[str, str] = {}
    preloaded = _take_preload()  # joined even when unused: no thread is left writing a store
    store = _load_packaged(graph_files, preloaded) if packaged else ox.Store()
    extra = False
    for path in (os.fspath(given) for given in extra_files):
        from kosovo_kg.core.reading import load_file  # only for files beside the packaged graph

        graph_name = ox.NamedNode(paths.file_uri(path))
        if graph_name.value in graph_files:  # the same file given twice is loaded once
            continue
        load_file(store, path, graph_name)
        graph_files[graph_name.value] = paths.display_path(path)
        extra = True
    if extra:  # the packaged graph's own entailments came with it; these are what the files add
        from kosovo_kg.core import entailment

        entailment.add_entailments(store)
    return KnowledgeGraph(store=store, graph_files=graph_files)


#: Changes when what a cached graph holds changes shape.
_GRAPH_CACHE_FORMAT = b"kosovo-kg graph 1"
#: Cache entries of the packaged graph are named so; the newest few are kept.
_GRAPH_CACHE_PREFIX = "graph-"
_GRAPH_CACHE_KEEP = 4
_MERSENNE_127 = (1 << 127) - 1


def _packaged_files() -> tuple[list[str], list[ox.NamedNode]]:
    files = paths.data_file_paths()  # absolute, in the project's folder: no need to resolve them again
    return files, [ox.NamedNode(paths.file_uri(path, resolved=True)) for path in files]


def _cache_entry(files: Sequence[str]) -> str | None:
    """The name of the cache entry that holds exactly these files as they are now, or None when
    the cache is off or a file cannot be read (the strict load then says which and why).

    The name is made of every file's path, size and modification time, the test Python applies to
    its own .pyc files, read as one number and reduced modulo the prime 2^127 - 1: any change of
    fewer than 16 bytes always changes the name, and a larger one but for a chance of 2^-127.
    Not SHA-256 of the bytes (importing hashlib alone costs 11M instructions), nor zlib's
    checksums (importing zlib took 0.5 ms, a tenth of the time the preload saves).
    """
    from kosovo_kg.core.cache import cache_dir

    if cache_dir() is None:
        return None
    try:
        stamps = [f"{path} {status.st_size} {status.st_mtime_ns}\n" for path in files for status in [os.stat(path)]]
    except OSError:
        return None
    key = (_GRAPH_CACHE_FORMAT.decode() + ox.__version__ + "\n" + "".join(stamps)).encode()
    return f"{_GRAPH_CACHE_PREFIX}{int.from_bytes(key, 'big') % _MERSENNE_127:032x}.nq"


class _Preload:
    """The packaged graph being read back from its cache entry on a thread of its own.

    Oxigraph parses and indexes with Python's lock released, so the command line's own start-up
    (argparse, the rest of its imports, the parser it builds) runs meanwhile on another core.
    Measured on this project's 2-core machine, in 2 x 41 rounds of whole processes of
    ``kosovo-kg query kfor-strength --format csv``, one run of each per round: 2.22x
    ``python -c "import pyoxigraph"`` with the preload, 2.47x and 2.67x without. The thread is
    made with ``_thread``, not ``threading``, whose import costs 1.3 ms (``-X importtime``).
    Lowering the interpreter's switch interval while it runs was tried: no difference measured.
    """

    def __init__(self, entry: str, path: str) -> None:
        import _thread

        self.entry = entry
        self.store = ox.Store()
        self.loaded = False
        self._done = _thread.allocate_lock()
        self._done.acquire()
        _thread.start_new_thread(self._load, (path,))

    def _load(self, path: str) -> None:
        try:
            self.store.load(path=path, format=ox.RdfFormat.N_QUADS, lenient=True)
            self.loaded = True
        except Exception:  # whatever failed here, the main thread's own load of the entry reports it
            pass
        finally:
            self._done.release()

    def result(self) -> ox.Store | None:
        """The loaded store, once the thread is done; None when it could not load the entry."""
        with self._done:
            return self.store if self.loaded else None


_preload: _Preload | None = None


def preload_packaged_graph() -> None:
    """Start reading the packaged graph back from the cache, if it is there, on a thread of its
    own; the next :func:`load_graph` of the packaged graph takes the store from it.

    The console script calls this first thing for the commands that query the graph in this
    process; it is not for a program that forks before it loads (``serve``).
    """
    global _preload
    from kosovo_kg.core.cache import cache_dir

    if _preload is not None:
        return
    entry, folder = _cache_entry(_packaged_files()[0]), cache_dir()
    if entry is not None and folder is not None and os.path.isfile(os.path.join(folder, entry)):
        _preload = _Preload(entry, os.path.join(folder, entry))


def _take_preload() -> tuple[str, ox.Store] | None:
    """The entry and store :func:`preload_packaged_graph` loaded, once its thread is done."""
    global _preload
    preload, _preload = _preload, None
    if preload is None:
        return None
    store = preload.result()
    return None if store is None else (preload.entry, store)


def _load_packaged(graph_files: dict[str, str], preloaded: tuple[str, ox.Store] | None = None) -> ox.Store:
    """The ontology and ``graph/``, each file in its named graph: parsed strictly, or read back
    from the cache of the last strict parse of exactly these bytes.

    Measured with valgrind (instructions, which load on the machine does not change): parsing the
    Turtle files cost 98M instructions, reading the same quads back as N-Quads without
    re-validating them (``lenient``) 46M, in a one-off query of 150M.
    """
    from kosovo_kg.core.cache import prune, read_entry, write_entry

    files, names = _packaged_files()
    for path, name in zip(files, names, strict=True):
        graph_files[name.value] = paths.shown_in_project(path)
    entry = _cache_entry(files)
    if preloaded is not None and preloaded[0] == entry:
        return preloaded[1]
    store = ox.Store()
    if entry is not None:
        cached = read_entry(entry)
        if cached is not None:
            try:
                store.load(cached, ox.RdfFormat.N_QUADS, lenient=True)
                return store
            except SyntaxError:  # a damaged entry: parse afresh and replace it
                store.clear()
    from kosovo_kg.core import entailment
    from kosovo_kg.core.reading import load_file

    for path, name in zip(files, names, strict=True):
        load_file(store, path, name)
    entailment.add_entailments(store)  # what the loader derives (see entailment.py) is cached with it
    if entry is not None:
        dump = store.dump(format=ox.RdfFormat.N_QUADS)
        assert dump is not None  # dump() returns the bytes when given no output
        write_entry(entry, dump)
        prune(_GRAPH_CACHE_PREFIX, keep=_GRAPH_CACHE_KEEP)
    return store


def _label_rank(label: ox.Literal) -> int:
    """English first, then a label without a language, then any other."""
    language = label.language
    return 0 if language == "en" or (language or "").startswith("en-") else 1 if not language else 2
