"""The peer that ``kosovo-kg serve --cache-mb 0`` is measured against (benchmarks/saturation.py): a
naive SPARQL endpoint, Starlette over an in-memory pyoxigraph store, under uvicorn with a process
per core, as a user might write it in thirty lines. It has none of serve's defences: no deadline
(a query can hold a process for ever), no screen, no sandbox (SERVICE reaches the network), no
queue bound, no cache.

    NAIVE_DATA=graph.nt uvicorn --app-dir benchmarks --factory naive_app:create_app --workers 2 --port 8001

``NAIVE_DATA`` is an N-Triples file: saturation.py gives it the graph as ``kosovo-kg export``
writes it (the stated triples and their date bounds, which the stored questions compare).
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app() -> Starlette:
    store = ox.Store()
    store.load(path=os.environ["NAIVE_DATA"], format=ox.RdfFormat.N_TRIPLES)

    async def sparql(request: Request) -> Response:
        if request.method == "POST":
            query = (await request.body()).decode()
        else:
            query = request.query_params.get("query", "")
        try:
            results = store.query(query)
        except SyntaxError as error:
            return Response(str(error), status_code=400)
        if isinstance(results, ox.QueryTriples):
            return Response(ox.serialize(results, format=ox.RdfFormat.N_TRIPLES), media_type="application/n-triples")
        body = results.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")

    return Starlette(routes=[Route("/sparql", sparql, methods=["GET", "POST"])])
