"""``serve``'s application: Starlette, assembled from the route modules in :mod:`kosovo_kg.web.routes`.

Every query, from ``/sparql`` or the stored-query API, goes through the one pipeline
(``pipeline.prepare`` in the routes, ``pipeline.evaluate`` in a worker) and through the workers'
deadline and queue. An answer is sent only once it is complete and within the size limit: a query
that fails after it started gets an error status with a JSON message, never a 200 with a cut body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from kosovo_kg.web.errors import HANDLERS
from kosovo_kg.web.routes import pages, questions, reconcile, resources, search, sparql
from kosovo_kg.web.settings import ServeSettings
from kosovo_kg.web.state import ServeState

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.web.workers import QueryWorkers


def create_app(kg: KnowledgeGraph, settings: ServeSettings, workers: QueryWorkers) -> Starlette:
    """The application, over a running pool of workers (the caller starts and stops it)."""
    middleware = [
        # The data is public and read-only: any page may query it, without credentials.
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type"],
            max_age=86400,
        )
    ]
    app = Starlette(
        routes=[*pages.ROUTES, *search.ROUTES, *reconcile.ROUTES, *sparql.ROUTES, *questions.ROUTES, *resources.ROUTES],
        middleware=middleware,
        exception_handlers=HANDLERS,
    )
    app.state.serve = ServeState(kg, settings, workers)
    return app


__all__ = ["ServeSettings", "create_app"]
