"""How the graph's files become a store without parsing them each time: the packaged graph read
back from its cache entry (ahead of the command line, on a thread: the preload) or parsed strictly
and cached; users' larger data files cached as an on-disk store, written in a process of its own
(see :func:`kosovo_kg.core.store.load_graph`, which uses these, and :mod:`kosovo_kg.core.cache`,
where the entries are kept)."""

from __future__ import annotations

import os

import pyoxigraph as ox

from kosovo_kg.core import paths

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Protocol

    class LoadedGraph(Protocol):
        """What a data entry is written from (a :class:`~kosovo_kg.core.store.KnowledgeGraph`,
        which loads through this module: named so, the two modules do not import each other)."""

        store: ox.Store
        graph_files: dict[str, str]

        def entail_rdfs(self) -> None: ...


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


def data_entry(files: Sequence[str], packaged: bool) -> tuple[str, str] | None:
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


def save_data_entry(kg: LoadedGraph, name: str, identity: str) -> None:
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


def _build_data_entry(kg: LoadedGraph, name: str, identity: str) -> None:
    import time

    from kosovo_kg.core.cache import save_store_entry

    started = time.monotonic()
    kg.entail_rdfs()
    save_store_entry(name, identity, kg.store, kg.graph_files, started)


#: Changes when what a cached graph holds changes shape.
_GRAPH_CACHE_FORMAT = b"kosovo-kg graph 2"
#: Cache entries of the packaged graph are named so; the newest few are kept.
_GRAPH_CACHE_PREFIX = "graph-"
GRAPH_CACHE_KEEP = 4


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


def take_preload() -> tuple[str, ox.Store, bool] | None:
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


def load_packaged(
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
        prune(_GRAPH_CACHE_PREFIX, keep=GRAPH_CACHE_KEEP)
    return store, True
