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
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kosovo_kg.web.errors import HANDLERS
from kosovo_kg.web.routes import pages, questions, questions_pages, reconcile, resources, search, sparql
from kosovo_kg.web.settings import ServeSettings
from kosovo_kg.web.state import ServeState

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.web.workers import QueryWorkers


class Compressed:
    """gzip for every answer of 500 bytes or more to a client that takes it (Starlette's GZipMiddleware),
    and HEAD answered with the headers GET would have: the request runs as a GET and the body is
    dropped, so the Content-Length and Content-Encoding are those of the compressed body."""

    def __init__(self, app: ASGIApp) -> None:
        self.gzip = GZipMiddleware(app, minimum_size=500, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.gzip(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.gzip({**scope, "method": "GET"}, receive, headers_only)


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
        ),
        Middleware(Compressed),
    ]
    app = Starlette(
        routes=[
            *pages.ROUTES,
            *search.ROUTES,
            *reconcile.ROUTES,
            *sparql.ROUTES,
            *questions.ROUTES,
            *questions_pages.ROUTES,
            *resources.ROUTES,
        ],
        middleware=middleware,
        exception_handlers=HANDLERS,
    )
    app.state.serve = ServeState(kg, settings, workers)
    return app


__all__ = ["ServeSettings", "create_app"]
