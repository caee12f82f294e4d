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
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, prepare

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.querying.catalogue import StoredQuery
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
        """The query through the pipeline's screens (on a thread when it is long)."""
        text = query if isinstance(query, str) else query.text
        if len(text) > SCREEN_INLINE:
            return await run_in_threadpool(prepare, query, params, self.options, self.kg)
        return prepare(query, params, self.options, self.kg)


def served_release() -> Release:
    """What a citation of an answer served here names: the package's version and the date of the
    graph's files (the date ``kosovo-kg release`` would give them)."""
    from kosovo_kg.core import paths
    from kosovo_kg.publish.release.dates import release_date
    from kosovo_kg.version import VERSION

    return Release(VERSION, release_date(None, paths.data_files()).date)


def base_of(request: Request) -> str:
    """The address the server is reached at, for the descriptions that name it."""
    return str(request.base_url).rstrip("/")


def state_of(request: Request) -> ServeState:
    return request.app.state.serve


__all__ = ["ServeState", "base_of", "state_of"]
