"""The loaded knowledge graph: ontology plus data, parsed once, shared by every command."""

from __future__ import annotations

import os
from functools import cached_property

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.loading import data_entry, load_packaged, save_data_entry, take_preload
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
        :func:`kosovo_kg.core.rdflib_view.rdflib_dataset_as_written`.
        """
        from kosovo_kg.core.rdflib_view import rdflib_dataset_as_written

        return rdflib_dataset_as_written(self.store)

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

    Extra files of :data:`~kosovo_kg.core.loading.DATA_CACHE_MIN_BYTES` or more are cached like
    the packaged graph: the first load parses them and writes an on-disk Oxigraph store of the
    whole graph (in a process of its own when the command line runs, see
    :data:`~kosovo_kg.core.loading.BUILD_IN_BACKGROUND`), and the next load of the same files, as
    they are then, opens it read-only instead of parsing them again (see :mod:`kosovo_kg.core.loading`
    and :mod:`kosovo_kg.core.cache`). ``cache=False`` neither reads nor writes it.

    ``rdfs=False`` leaves out the RDFS entailments (not the date bounds) where they are not read
    from a cache entry that has them: for a graph that only answers stored queries, which give
    the same rows without them (see :mod:`kosovo_kg.core.entailment`). They are a sixth of the
    packaged graph's quads and a third more quads for a user's data, with their time and memory;
    :meth:`KnowledgeGraph.entail_rdfs` adds them later.
    """
    preloaded = take_preload()  # joined even when unused: no thread is left writing a store
    extra = list(dict.fromkeys(os.fspath(given) for given in extra_files))
    entry = data_entry(extra, packaged) if extra and cache else None
    if entry is not None:
        from kosovo_kg.core.cache import open_store_entry

        opened = open_store_entry(*entry)
        if opened is not None:
            return KnowledgeGraph(store=opened[0], graph_files=opened[1])
    graph_files: dict[str, str] = {}
    store, entailed = load_packaged(graph_files, preloaded, cache=cache, rdfs=rdfs) if packaged else (ox.Store(), True)
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
        save_data_entry(kg, *entry)
    return kg


def label_rank(label: ox.Literal) -> int:
    """English first, then a label without a language, then any other."""
    language = label.language
    return 0 if language == "en" or (language or "").startswith("en-") else 1 if not language else 2
