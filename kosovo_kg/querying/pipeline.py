"""One query pipeline for the command line, the Python API and ``serve``: options, then
prepare, run and render.

- :class:`QueryOptions` says where and how a query runs (engine, time limit, federation, the
  Wikidata endpoint, extra data files); it is immutable and checked once.
- :func:`prepare` turns SPARQL text or a stored query with its parameter values into the exact
  text an engine will run, after the screens every caller shares: an empty query, SPARQL Update,
  nesting deep enough to crash a parser, and (unless allowed) federation. Parameter values are
  typed and bound as RDF terms, never pasted into the text.
- :func:`evaluate` runs a prepared query on the options' engine, under the time limit if one is given.
- :func:`render` prints a result in one of the output formats.

>>> options = QueryOptions()
>>> kg = options.load_graph()
>>> prepared = prepare(get_stored_query("kfor-strength"), {}, options, kg)
>>> prepared.form
'SELECT'
>>> print(render(evaluate(prepared, kg, options), "csv", kg), end="")
date,troops,count
1999-06,20000,https://w3id.org/kosovo-kg/resource/kfor-strength-1999
2024,4500,https://w3id.org/kosovo-kg/resource/kfor-strength-2024
"""

from __future__ import annotations

import math
import re

import pyoxigraph as ox

from kosovo_kg.core.records import Record
from kosovo_kg.errors import EngineUnavailable, OptionError, QueryError
from kosovo_kg.querying.catalogue import StoredQuery, bind_parameters, get_stored_query
from kosovo_kg.querying.engines import ENGINES, make_engine, refuse_update
from kosovo_kg.querying.output import render
from kosovo_kg.querying.remote import WIKIDATA_SPARQL
from kosovo_kg.querying.results import Result, normal_result
from kosovo_kg.querying.sparqltext import (
    insert_values,
    operation_keyword,
    refuse_deep_nesting,
    refuse_federation,
    replace_iri,
)

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Mapping

    from kosovo_kg.core.store import KnowledgeGraph

REMOTE_SCHEMES = ("http://", "https://")
_HTTP_URL = r"https?://[^\s<>\"{}|^`\\]+"  # compiled by re on first use


class QueryOptions(Record):
    """Where and how queries run; the same options mean the same answers on every front end.

    ``data`` are extra RDF files loaded beside the packaged graph (or, with ``only_data``,
    instead of it). ``timeout`` is in seconds; ``None`` means no limit. ``base_iri`` is the base
    against which a query's relative IRIs resolve, overriding its own (``--base``; see :func:`prepare`).

    >>> QueryOptions(timeout=float("nan")).checked()
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.OptionError: the time limit must be a positive number of seconds, got nan
    >>> QueryOptions(engine="virtuoso").checked()
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.OptionError: unknown engine 'virtuoso': use oxigraph, rdflib or the URL of a SPARQL endpoint
    """

    __slots__ = ("allow_federation", "base_iri", "data", "engine", "only_data", "timeout", "wikidata_endpoint")
    engine: str
    timeout: float | None
    allow_federation: bool
    wikidata_endpoint: str | None
    data: tuple[str, ...]
    only_data: bool
    base_iri: str | None

    def __init__(
        self,
        engine: str = "oxigraph",
        timeout: float | None = None,
        allow_federation: bool = False,
        wikidata_endpoint: str | None = None,
        data: tuple[str, ...] = (),
        only_data: bool = False,
        base_iri: str | None = None,
    ) -> None:
        self._set(
            engine=engine,
            timeout=timeout,
            allow_federation=allow_federation,
            wikidata_endpoint=wikidata_endpoint,
            data=tuple(data),
            only_data=only_data,
            base_iri=base_iri,
        )

    @property
    def remote(self) -> bool:
        """Whether the engine is a SPARQL endpoint elsewhere (it holds its own data)."""
        return self.engine.startswith(REMOTE_SCHEMES)

    def checked(self) -> QueryOptions:
        """These options, or :class:`OptionError` naming the one that cannot be used."""
        if self.remote:
            check_url("--engine", self.engine)
            if self.data or self.only_data:
                raise OptionError(
                    "--data loads files into the embedded graph; a remote engine (--engine URL) answers from its own data"
                )
        elif self.engine not in ENGINES:
            raise OptionError(f"unknown engine {self.engine!r}: use oxigraph, rdflib or the URL of a SPARQL endpoint")
        if self.timeout is not None and not (math.isfinite(self.timeout) and self.timeout > 0):
            raise OptionError(f"the time limit must be a positive number of seconds, got {self.timeout:g}")
        if self.wikidata_endpoint is not None:
            check_url("--wikidata-endpoint", self.wikidata_endpoint)
        if self.only_data and not self.data:
            raise OptionError("--only-data needs the files to query: give them with --data FILE ...")
        if self.base_iri is not None:
            check_base_iri(self.base_iri)
        return self

    def load_graph(self, *, rdfs: bool = True) -> KnowledgeGraph | None:
        """The graph these options query: the packaged one plus ``data`` (none for a remote engine);
        ``rdfs=False`` for one that answers stored queries alone (see :func:`kosovo_kg.core.store.load_graph`)."""
        if self.remote:
            return None
        from kosovo_kg.core.store import load_graph

        return load_graph(self.data, packaged=not self.only_data, rdfs=rdfs)


def check_base_iri(iri: str, option: str = "--base") -> None:
    """An absolute IRI (RFC 3987), or :class:`OptionError` saying why not.

    >>> check_base_iri("queries/")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.OptionError: --base must be an absolute IRI (with a scheme, such as https: or file:), got 'queries/'
    """
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError as error:
        if "scheme" in str(error).lower():
            raise OptionError(
                f"{option} must be an absolute IRI (with a scheme, such as https: or file:), got {iri!r}"
            ) from None
        raise OptionError(f"{option} {iri!r} is not an IRI: {error}") from None


def base_of_text() -> str:
    """The base IRI of a query given as text: the working folder's ``file:`` URL, as for a file in it."""
    import os

    from kosovo_kg.core.paths import file_uri

    # resolved: abspath is enough for a base IRI, and spares a one-off query importing pathlib
    return file_uri(os.path.abspath(os.getcwd()), resolved=True).rstrip("/") + "/"


def check_url(option: str, url: str) -> None:
    """An http(s) URL that the HTTP client can use, or :class:`OptionError` naming the option.

    >>> check_url("--engine", "http://127.0.0.1:99999/sparql")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.OptionError: --engine 'http://127.0.0.1:99999/sparql' is not a usable URL: Port out of range 0-65535
    """
    if not re.fullmatch(_HTTP_URL, url):
        raise OptionError(f"{option} must be an http(s) URL, got {url!r}")
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading it checks it
    except ValueError as error:  # a port out of range, an unclosed [ host
        raise OptionError(f"{option} {url!r} is not a usable URL: {error}") from error
    if not parts.hostname:
        raise OptionError(f"{option} {url!r} is not a usable URL: it names no host")
    import pyoxigraph as ox

    try:  # it is written into RDF (VoID, service descriptions) as an IRI: Oxigraph's IRI parser decides
        ox.NamedNode(url)
    except ValueError as error:
        raise OptionError(f"{option} {url!r} is not a usable URL: {error}") from None


class PreparedQuery(Record):
    """A query that passed the screens, as the exact text an engine runs, and the stored query
    it was made from (if any)."""

    __slots__ = ("base_iri", "stored", "text")
    text: str
    stored: StoredQuery | None
    base_iri: str | None

    def __init__(self, text: str, stored: StoredQuery | None = None, base_iri: str | None = None) -> None:
        self._set(text=text, stored=stored, base_iri=base_iri)

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: what kind of answer to expect ("" if unknown).

        Read when asked for: it takes the query's tokens, which running it does not need.
        """
        form = operation_keyword(self.text) or ""
        return form if form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else ""


def prepare(
    query: str | StoredQuery,
    params: Mapping[str, object] | None,
    options: QueryOptions,
    kg: KnowledgeGraph | None,
    base_iri: str | None = None,
) -> PreparedQuery:
    """Screen a query and bind a stored query's parameters; raises :class:`QueryError` (or a subclass).

    ``kg`` is the local graph when there is one: resource parameters are checked against it, and
    FROM / FROM NAMED must name graphs it holds (see :mod:`kosovo_kg.querying.datasets`). ``base_iri`` is
    the URL the query came from (its file's, the endpoint's), which its relative IRIs resolve
    against; a stored query's is its file's, a text's without one the working folder's, and
    ``options.base_iri`` overrides them all.

    >>> prepare("DELETE WHERE { ?s ?p ?o }", None, QueryOptions(), None)
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryRefused: refused: DELETE is a SPARQL Update operation and the graph is read-only
    """
    stored = query if isinstance(query, StoredQuery) else None
    text = stored.text if stored is not None else query
    if not isinstance(text, str) or not text.strip():
        raise QueryError("the query is empty")
    if text.startswith("\ufeff"):
        raise QueryError(
            "the query starts with a byte-order mark (U+FEFF; EF BB BF in UTF-8), which SPARQL does not allow: "
            "save it as UTF-8 without a BOM"
        )
    if params and stored is None:
        raise QueryError("parameters are given to stored queries; write the values into the SPARQL text instead")
    refuse_update(text)
    refuse_deep_nesting(text)
    local = kg is not None and not options.remote
    if not options.allow_federation:
        refuse_federation(text, from_clauses=not local)
    if stored is not None:
        import os

        from kosovo_kg.core.paths import file_uri

        base_iri = file_uri(os.path.abspath(stored.path), resolved=True)
    base_iri = options.base_iri or base_iri or base_of_text()
    if local:
        assert kg is not None
        from kosovo_kg.querying.datasets import check_dataset_clauses, graph_names

        check_dataset_clauses(text, lambda: graph_names(kg), base_iri)
    if options.wikidata_endpoint:
        text = replace_iri(text, WIKIDATA_SPARQL, options.wikidata_endpoint)
    if stored is not None:
        bindings = bind_parameters(stored, dict(params or {}), kg)
        if bindings:
            text = insert_values(text, {name: str(term) for name, term in bindings.items()})
    return PreparedQuery(text, stored, base_iri)


def likely_typos(prepared: PreparedQuery, kg: KnowledgeGraph | None) -> list[str]:
    """The terms of the project's namespaces that the query names and the graph does not declare,
    each told with the closest it does (see :mod:`kosovo_kg.querying.terms`); none without a graph.

    A stored question's text is ours and checked by the tests: only what a user wrote is read.
    """
    if kg is None or prepared.stored is not None:
        return []
    from kosovo_kg.namespaces import KKG, KKR

    if not any(mark in prepared.text for mark in ("kkg:", "kkr:", KKG, KKR)):
        return []  # no term of ours: the terms module is not even imported
    from kosovo_kg.querying.terms import likely_typos as unknown_terms

    return unknown_terms(prepared.text, kg)


def recorded_doubts(result: Result, kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """The doubts the graph records about the resources an answer names, as (label, doubt): what a
    page shows beside its row, for the command line to say after its table.

    >>> from kosovo_kg import load_graph
    >>> kg = load_graph()
    >>> answer = execute(get_stored_query("statements-by-office"), {"office": "President of Kosovo"}, kg=kg)
    >>> [label for label, _ in recorded_doubts(answer, kg)]
    ['Jahjaga: Kosovo determined to join NATO']
    """
    from kosovo_kg.namespaces import KKG

    named = dict.fromkeys(
        term.value for row in result.rows for term in row if isinstance(term, ox.NamedNode)
    )  # in the answer's order, once each
    doubt = ox.NamedNode(KKG + "doubt")
    return [
        (kg.label(iri), quad.object.value)
        for iri in named
        for quad in kg.store.quads_for_pattern(ox.NamedNode(iri), doubt, None)
        if isinstance(quad.object, ox.Literal)
    ]


def evaluate(prepared: PreparedQuery, kg: KnowledgeGraph | None, options: QueryOptions) -> Result:
    """Run a prepared query on the options' engine.

    With a ``timeout``, an embedded query runs in a forked child that is killed at the limit
    (see :mod:`kosovo_kg.querying.deadline`) and a remote one under the HTTP client's timeout. Without
    one nothing extra is started. A stored query's numbers come in normal form
    (:func:`kosovo_kg.querying.results.normal_result`); any other query's terms are the engine's own.
    """
    engine = make_engine(options.engine, kg, options.timeout)
    try:
        if options.timeout is None or options.remote:
            result = engine.query(prepared.text, prepared.base_iri)
        else:
            from kosovo_kg.querying.deadline import run_with_deadline

            result = run_with_deadline(lambda: engine.query(prepared.text, prepared.base_iri), options.timeout)
    except EngineUnavailable as error:
        # whichever option named the endpoint, the message says which
        option = {options.engine: "--engine", options.wikidata_endpoint: "--wikidata-endpoint"}.get(error.url or "")
        if option is None or option in str(error):
            raise
        raise type(error)(f"{error} (given with {option})") from error
    # a stored question gives the same rows on every engine: its numbers in one lexical form
    return normal_result(result) if prepared.stored is not None else result


class RemoteLabels:
    """Labels of the resources in a remote engine's answer, as the endpoint gives them, for the
    table (the embedded engines' tables read them from the loaded graph)."""

    def __init__(self, labels: dict[str, str]):
        self.labels = labels

    def label(self, iri: str) -> str:
        from kosovo_kg.namespaces import shorten

        return self.labels.get(iri, shorten(iri))


#: The most resources whose labels are asked of a remote endpoint in one query.
MAX_REMOTE_LABELS = 2000


def remote_labels(result: Result, options: QueryOptions) -> tuple[RemoteLabels | None, str | None]:
    """The labels (``rdfs:label``: English, else without a language, else any) of the IRIs in a
    remote engine's answer, asked of the same endpoint in one query; or no labels and why not."""
    from kosovo_kg.namespaces import RDFS_LABEL

    iris = sorted({t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)})
    if not iris:
        return RemoteLabels({}), None
    if len(iris) > MAX_REMOTE_LABELS:
        return (
            None,
            f"the answer names {len(iris):,} resources, more than the {MAX_REMOTE_LABELS:,} whose labels are asked",
        )
    values = " ".join(f"<{iri}>" for iri in iris)
    query = f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?label }}"
    try:
        answer = make_engine(options.engine, None, options.timeout).query(query)
    except (QueryError, EngineUnavailable) as error:  # an endpoint that cannot answer this: the table shows names
        return None, str(error)
    from kosovo_kg.core.store import label_rank  # the graph's own choice of label, for the same table

    ranked: dict[str, tuple[int, str]] = {}
    for row in answer.rows:
        iri, label = (row[0], row[1]) if len(row) == 2 else (None, None)
        if not isinstance(iri, ox.NamedNode) or not isinstance(label, ox.Literal):
            continue
        rank = label_rank(label)
        if iri.value not in ranked or rank < ranked[iri.value][0]:
            ranked[iri.value] = (rank, label.value)
    return RemoteLabels({iri: text for iri, (_, text) in ranked.items()}), None


def execute(
    query: str | StoredQuery,
    params: Mapping[str, object] | None = None,
    options: QueryOptions | None = None,
    kg: KnowledgeGraph | None = None,
) -> Result:
    """Prepare and run a query, loading the options' graph when none is given."""
    options = (options or QueryOptions()).checked()
    if kg is not None and (options.data or options.only_data):
        raise OptionError("give either a loaded graph or data files to load, not both")
    if kg is None and not options.remote:
        kg = options.load_graph()
    return evaluate(prepare(query, params, options, kg), kg, options)


__all__ = [
    "PreparedQuery",
    "QueryOptions",
    "RemoteLabels",
    "check_url",
    "evaluate",
    "execute",
    "get_stored_query",
    "likely_typos",
    "prepare",
    "recorded_doubts",
    "remote_labels",
    "render",
]
