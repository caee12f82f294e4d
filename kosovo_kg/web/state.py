"""What every route of ``serve`` shares, kept on ``app.state.serve``: the graph, the settings, the
workers, the pages, and what is made once and kept while the server runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.pages import Pages
from kosovo_kg.querying.datasets import check_protocol_dataset, graph_names
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, prepare

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.querying.catalogue import StoredQuery
    from kosovo_kg.web.protocol import SparqlRequest
    from kosovo_kg.web.settings import ServeSettings
    from kosovo_kg.web.workers import QueryWorkers

#: Queries longer than this are screened on a thread, so a 1 MB text does not hold up other requests.
SCREEN_INLINE = 20_000

Made = TypeVar("Made")


class ServeState:
    """The server's shared state; routes reach it with :func:`state_of`."""

    def __init__(self, kg: KnowledgeGraph, settings: ServeSettings, workers: QueryWorkers) -> None:
        self.kg, self.settings, self.workers = kg, settings, workers
        self.options = QueryOptions(allow_federation=settings.allow_federation).checked()
        self.base_iri = public_base(settings)
        self.pages = Pages(kg, settings.allow_federation, release=served_release)
        self._made: dict[str, object] = {}
        self._lock = threading.Lock()

    def once(self, key: str, make: Callable[[], Made]) -> Made:
        """Made on first use and kept: the graph does not change while serving."""
        with self._lock:
            if key not in self._made:
                self._made[key] = make()
            return self._made[key]  # type: ignore[return-value]

    async def screened(self, query: str | StoredQuery, params: dict[str, object] | None) -> PreparedQuery:
        """The query through the pipeline's screens (on a thread when it is long); its relative IRIs
        resolve against the server's public base (:func:`public_base`)."""
        text = query if isinstance(query, str) else query.text
        if len(text) > SCREEN_INLINE:
            return await run_in_threadpool(prepare, query, params, self.options, self.kg, self.base_iri)
        return prepare(query, params, self.options, self.kg, self.base_iri)

    def chosen_dataset(self, asked: SparqlRequest) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The request's default-graph-uri and named-graph-uri, once checked against the store's graphs."""
        if not asked.names_dataset:
            return None
        graphs = self.once("graph names", lambda: graph_names(self.kg))
        check_protocol_dataset("default-graph-uri", asked.default_graphs, graphs)
        check_protocol_dataset("named-graph-uri", asked.named_graphs, graphs)
        return asked.default_graphs, asked.named_graphs


def served_release() -> Release:
    """What a citation of an answer served here names: the release ``kosovo-kg release`` makes of
    the same files by default, its date and the version that date gives (the package's version
    named a release no command makes)."""
    from kosovo_kg.core import paths
    from kosovo_kg.publish.release.dates import default_version, release_date

    date = release_date(None, paths.data_files()).date
    return Release(default_version(date), date)


def base_of(request: Request) -> str:
    """The server's public address, for the descriptions that name it: ``serve --base-url``, else
    the listening address; never the client's Host header (see :mod:`kosovo_kg.web.door`)."""
    return state_of(request).settings.public_base


def public_base(settings: ServeSettings) -> str:
    """The server's public address, with a final slash: the base IRI of every query sent to it.

    ``--base-url`` where the server has one, else the address it listens on; never the request's
    Host header, which the client chooses (and the answer cache is shared between clients).

    >>> from kosovo_kg.web.settings import ServeSettings
    >>> public_base(ServeSettings(host="::1", port=8000))
    'http://[::1]:8000/'
    """
    return settings.public_base + "/"


def state_of(request: Request) -> ServeState:
    return request.app.state.serve


__all__ = ["ServeState", "base_of", "public_base", "state_of"]
