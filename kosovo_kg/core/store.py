"""The loaded knowledge graph: ontology plus data, parsed once, shared by every command."""

from __future__ import annotations

import os
from functools import cached_property

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.rdf import from_rdflib, to_rdflib
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
        #: whether the store holds the RDFS entailments of all it states (see :meth:`entail_rdfs`)
        self.rdfs_entailed = True

    def entail_rdfs(self) -> None:
        """Add the RDFS entailments that :func:`load_graph` left out (``rdfs=False``), if it did."""
        if not self.rdfs_entailed:
            from kosovo_kg.core.entailment import add_rdfs_entailments

            add_rdfs_entailments(self.store)
            self.rdfs_entailed = True
            self.__dict__.pop("rdflib_graph", None)

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
    def rdflib_dataset(self) -> rdflib.Dataset:
        """The graphs as the rdflib engine queries them: each in its named graph, the union of all
        the default graph, as on Oxigraph.

        A file's graph is read again from the file, so that rdflib sees it as written: Oxigraph's
        store keeps numbers and booleans as values and gives them back in canonical form
        (``"123.0"^^xsd:decimal`` comes back as ``"123"``, which ``123.0`` in a query no longer
        matches), and does not keep an explicit ``^^xsd:string``, which rdflib tells apart. See
        :func:`rdflib_dataset_as_written`.
        """
        return rdflib_dataset_as_written(self)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every resource's English label (see :meth:`label`), for callers that need many."""
        found: dict[str, tuple[int, str]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(RDFS_LABEL), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                rank = label_rank(quad.object)
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
                rank = label_rank(quad.object)
                if best is None or rank < best[0]:
                    best = (rank, quad.object.value)
        return best[1] if best is not None else shorten(iri)

    def file_of(self, iri: str) -> str | None:
        return self.files.get(iri)


def rdflib_dataset_as_written(kg: KnowledgeGraph) -> rdflib.Dataset:
    """An rdflib Dataset of ``kg``'s graphs, each file's as rdflib itself reads the file.

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

    # rdflib logs a traceback for every literal whose text is not of its datatype (see rdflib_graph)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    # default_union: a pattern outside GRAPH matches in every graph (rdflib's SPARQL takes the
    # dataset itself as the default graph, and a Dataset without it matches its default graph alone)
    dataset = rdflib.Dataset(default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    derived = (DATE_BOUNDS_GRAPH, ENTAILED_GRAPH)
    reread = False
    graphs: list[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, rdflib.Graph]] = []
    for name in [ox.DefaultGraph(), *kg.store.named_graphs()]:
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
        for quad in kg.store.quads_for_pattern(None, None, None, name):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    if reread:  # the derived graphs, over the triples rdflib read
        source = ox.Store()
        for name, graph in graphs:
            source.extend(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), name) for s, p, o in graph)
        add_entailments(source)
        store = source
    else:
        store = kg.store
    for name in derived:
        graph = dataset.graph(to_rdflib(name))
        for quad in store.quads_for_pattern(None, None, None, name):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


def load_graph(
    extra_files: Iterable[str | os.PathLike[str]] = (),
    *,
    packaged: bool = True,
    cache: bool = True,
    rdfs: bool = True,
) -> KnowledgeGraph:
    """Load the ontology, every file of ``graph/`` and any extra files into one graph; with
    ``packaged=False``, only the extra files (``--only-data``).

    A file that cannot be read or parsed raises :class:`LoadError` naming it and the line.

    Extra files of :data:`DATA_CACHE_MIN_BYTES` or more are cached like the packaged graph: the
    first load parses them and writes an on-disk Oxigraph store of the whole graph (in a
    process of its own when the command line runs, see :data:`BUILD_IN_BACKGROUND`), and the
    next load of the same files, as they are then, opens it read-only instead of parsing them
    again (see :mod:`kosovo_kg.core.cache`). ``cache=False`` neither reads nor writes it.

    ``rdfs=False`` leaves out the RDFS entailments (not the date bounds) where they are not read
    from a cache entry that has them: for a graph that only answers stored queries, which give
    the same rows without them (see :mod:`kosovo_kg.core.entailment`). They are a sixth of the
    packaged graph's quads and a third more quads for a user's data, with their time and memory;
    :meth:`KnowledgeGraph.entail_rdfs` adds them later.
    """
    preloaded = _take_preload()  # joined even when unused: no thread is left writing a store
    extra = list(dict.fromkeys(os.fspath(given) for given in extra_files))
    entry = _data_entry(extra, packaged) if extra and cache else None
    if entry is not None:
        from kosovo_kg.core.cache import open_store_entry

        opened = open_store_entry(*entry)
        if opened is not None:
            return KnowledgeGraph(store=opened[0], graph_files=opened[1])
    graph_files: dict[str, str] = {}
    store, entailed = _load_packaged(graph_files, preloaded, cache=cache, rdfs=rdfs) if packaged else (ox.Store(), True)
    loaded = False
    for path in extra:
        from kosovo_kg.core.reading import load_file  # only for files beside the packaged graph

        graph_name = ox.NamedNode(paths.file_uri(path))
        if graph_name.value in graph_files:  # the same file given twice is loaded once
            continue
        load_file(store, path, graph_name)
        graph_files[graph_name.value] = paths.display_path(path)
        loaded = True
    kg = KnowledgeGraph(store=store, graph_files=graph_files)
    kg.rdfs_entailed = entailed and not loaded
    if loaded:  # the packaged graph's own date bounds came with it; these are what the files add
        from kosovo_kg.core import entailment

        entailment.add_date_bounds(store)
    if rdfs:
        kg.entail_rdfs()
    if entry is not None:
        _save_data_entry(kg, *entry)
    return kg


#: Extra files smaller than this together are parsed at every load rather than cached: opening
#: an on-disk store (RocksDB starts a thread per file it opens, 183 for one store) took 35 ms,
#: as long as parsing 1 MB of N-Triples, and its queries ran 2-10x slower than in memory.
DATA_CACHE_MIN_BYTES = 4 << 20
#: Whether a load that parsed extra files writes their cache entry in a process of its own
#: (the console script sets it), so that the command's answer does not wait for the entry:
#: building an on-disk store took 3-4x as long as loading the same files into memory.
BUILD_IN_BACKGROUND = False
#: Changes when what a cached store of users' data holds changes shape (what is derived, how).
_DATA_CACHE_FORMAT = "kosovo-kg data 1"


def _data_entry(files: Sequence[str], packaged: bool) -> tuple[str, str] | None:
    """The name and identity of the cache entry for these extra files (and the packaged graph),
    or None when they are too small to be worth one, the cache is off, or a file cannot be read
    (the strict load then says which and why)."""
    from kosovo_kg.core.cache import cache_dir, file_identity, store_entry_name

    if cache_dir() is None:
        return None
    try:
        lines = [file_identity(os.path.realpath(path)) for path in files]
        size = sum(os.stat(path).st_size for path in files)
        packaged_entry = _cache_entry(_packaged_files()[0]) if packaged else "none"
    except OSError:
        return None
    if size < DATA_CACHE_MIN_BYTES or packaged_entry is None:
        return None
    identity = f"{_DATA_CACHE_FORMAT} pyoxigraph {ox.__version__} packaged {packaged_entry}\n" + "".join(lines)
    return store_entry_name(identity), identity


#: The processes forked to start a builder, each gone (or about to be) once it has: reaped
#: without waiting, so that a command's answer never waits for one (under load, waiting for the
#: short-lived middle process took 0.37 s).
_STARTERS: list[int] = []


def _save_data_entry(kg: KnowledgeGraph, name: str, identity: str) -> None:
    """Write the graph as the cache entry ``name``, with its RDFS entailments: here, or in a
    detached process of its own (see :data:`BUILD_IN_BACKGROUND`), which shares the loaded store
    with this one until either changes it (fork)."""
    if not BUILD_IN_BACKGROUND or not hasattr(os, "fork"):
        _build_data_entry(kg, name, identity)
        return
    for starter in list(_STARTERS):
        try:
            if os.waitpid(starter, os.WNOHANG)[0]:
                _STARTERS.remove(starter)
        except ChildProcessError:
            _STARTERS.remove(starter)
    child = os.fork()
    if child == 0:
        try:
            os.setsid()  # out of the terminal's process group: Ctrl-C on the next command spares it
            if os.fork() == 0:  # the grandchild, whom nobody waits for, builds
                try:
                    devnull = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2):  # a reader of our output (a pipe) sees its end now
                        os.dup2(devnull, fd)
                    os.closerange(3, 1 << 16)
                    os.nice(10)
                    _build_data_entry(kg, name, identity)
                finally:
                    os._exit(0)
        finally:
            os._exit(0)
    _STARTERS.append(child)


def _build_data_entry(kg: KnowledgeGraph, name: str, identity: str) -> None:
    import time

    from kosovo_kg.core.cache import save_store_entry

    started = time.monotonic()
    kg.entail_rdfs()
    save_store_entry(name, identity, kg.store, kg.graph_files, started)


#: Changes when what a cached graph holds changes shape.
_GRAPH_CACHE_FORMAT = b"kosovo-kg graph 2"
#: Cache entries of the packaged graph are named so; the newest few are kept.
_GRAPH_CACHE_PREFIX = "graph-"
_GRAPH_CACHE_KEEP = 4


def _packaged_files() -> tuple[list[str], list[ox.NamedNode]]:
    files = paths.data_file_paths()  # absolute, in the project's folder: no need to resolve them again
    return files, [ox.NamedNode(paths.file_uri(path, resolved=True)) for path in files]


def _cache_entry(files: Sequence[str]) -> str | None:
    """The name of the cache entry that holds exactly these files as they are now, or None when
    the cache is off or a file cannot be read (the strict load then says which and why).

    The name is the :func:`kosovo_kg.core.cache.short_digest` of every file's identity
    (:func:`kosovo_kg.core.cache.file_identity`: path, size, modification and change times,
    inode). The entry itself carries the name and a checksum of its content, checked before it
    is used.
    """
    from kosovo_kg.core.cache import cache_dir, file_identity, short_digest

    if cache_dir() is None:
        return None
    try:
        stamps = [file_identity(path) for path in files]
    except OSError:
        return None
    key = (_GRAPH_CACHE_FORMAT.decode() + ox.__version__ + "\n" + "".join(stamps)).encode()
    return f"{_GRAPH_CACHE_PREFIX}{short_digest(key)}.nq"


class _Preload:
    """The packaged graph being read back from its cache entry on a thread of its own.

    Oxigraph parses and indexes with Python's lock released (and zlib checksums so), so the
    command line's own start-up (argparse, the rest of its imports, the parser it builds) runs
    meanwhile on another core. Measured on this project's 2-core machine, in 2 x 41 rounds of
    whole processes of ``kosovo-kg query kfor-strength --format csv``, one run of each per round:
    2.22x ``python -c "import pyoxigraph"`` with the preload, 2.47x and 2.67x without. The thread
    is made with ``_thread``, not ``threading``, whose import costs 1.3 ms (``-X importtime``).
    """

    def __init__(self, entry: str, rdfs: bool) -> None:
        import _thread

        self.entry, self.rdfs = entry, rdfs
        self.store: ox.Store | None = None
        self._done = _thread.allocate_lock()
        self._done.acquire()
        _thread.start_new_thread(self._load, ())

    def _load(self) -> None:
        try:
            self.store = _read_packaged_entry(self.entry, self.rdfs)
        except Exception:  # whatever failed here, the main thread's own load reports it
            pass
        finally:
            self._done.release()

    def result(self) -> ox.Store | None:
        """The loaded store, once the thread is done; None when it could not load the entry."""
        with self._done:
            return self.store


_preload: _Preload | None = None


def preload_packaged_graph(rdfs: bool = True) -> None:
    """Start reading the packaged graph back from the cache, if it is there, on a thread of its
    own; the next :func:`load_graph` of the packaged graph takes the store from it (``rdfs``:
    with its RDFS entailments, which the console script leaves out for ``query NAME``).

    The console script calls this first thing for the commands that query the graph in this
    process; it is not for a program that forks before it loads (``serve``).
    """
    global _preload
    from kosovo_kg.core.cache import cache_dir

    if _preload is not None:
        return
    entry, folder = _cache_entry(_packaged_files()[0]), cache_dir()
    if entry is not None and folder is not None and os.path.isfile(os.path.join(folder, entry)):
        _preload = _Preload(entry, rdfs)


def _take_preload() -> tuple[str, ox.Store, bool] | None:
    """The entry, store and whether it has the RDFS entailments, of what :func:`preload_packaged_graph`
    loaded, once its thread is done."""
    global _preload
    preload, _preload = _preload, None
    if preload is None:
        return None
    store = preload.result()
    return None if store is None else (preload.entry, store, preload.rdfs)


def _read_packaged_entry(entry: str, rdfs: bool) -> ox.Store | None:
    """The packaged graph from its cache entry (with the RDFS entailments if ``rdfs``), or None
    when there is none or it fails its check."""
    from kosovo_kg.core.cache import read_entry

    sections = read_entry(entry, identity=entry, sections=2 if rdfs else 1)
    if sections is None or not sections:
        return None
    store = ox.Store()
    try:  # one parse of both: a blank node's label names the same node only within one parse
        store.load(b"".join(sections) if rdfs else sections[0], ox.RdfFormat.N_QUADS, lenient=True)
    except SyntaxError:  # its checksums held, yet it does not parse: written by a broken writer
        return None
    return store


def _load_packaged(
    graph_files: dict[str, str],
    preloaded: tuple[str, ox.Store, bool] | None = None,
    *,
    cache: bool = True,
    rdfs: bool = True,
) -> tuple[ox.Store, bool]:
    """The ontology and ``graph/``, each file in its named graph, with their date bounds and (if
    ``rdfs``) their RDFS entailments: parsed strictly, or read back from the cache of the last
    strict parse of exactly these files as they are now. Also says whether the RDFS entailments
    are there.

    The entry has two sections: the stated quads with the date bounds, and the RDFS
    entailments, which ``query NAME`` does not read (they are a sixth of the quads, and reading
    the entry is most of a one-off query's work). Measured with valgrind (instructions, which
    load on the machine does not change): parsing the Turtle files cost 95M instructions, reading
    the quads back as N-Quads without re-validating them (``lenient``) 100M with the entailments,
    in a one-off query of 210M.
    """
    from kosovo_kg.core.cache import prune, write_entry

    files, names = _packaged_files()
    for path, name in zip(files, names, strict=True):
        graph_files[name.value] = paths.shown_in_project(path)
    entry = _cache_entry(files) if cache else None
    if preloaded is not None and preloaded[0] == entry and (preloaded[2] or not rdfs):
        return preloaded[1], preloaded[2]
    if entry is not None:
        store = _read_packaged_entry(entry, rdfs)
        if store is not None:
            return store, rdfs
    from kosovo_kg.core import entailment
    from kosovo_kg.core.reading import load_file

    store = ox.Store()
    for path, name in zip(files, names, strict=True):
        load_file(store, path, name)
    entailment.add_date_bounds(store)  # what the loader derives (see entailment.py) is cached with it
    stated = store.dump(format=ox.RdfFormat.N_QUADS)
    entailment.add_rdfs_entailments(store)
    if entry is not None:
        entailed = ox.serialize(
            store.quads_for_pattern(None, None, None, entailment.ENTAILED_GRAPH), format=ox.RdfFormat.N_QUADS
        )
        assert stated is not None and entailed is not None  # serialized to bytes when given no output
        write_entry(entry, [stated, entailed], identity=entry)
        prune(_GRAPH_CACHE_PREFIX, keep=_GRAPH_CACHE_KEEP)
    return store, True


def label_rank(label: ox.Literal) -> int:
    """English first, then a label without a language, then any other."""
    language = label.language
    return 0 if language == "en" or (language or "").startswith("en-") else 1 if not language else 2
