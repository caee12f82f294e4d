"""The peer that ``kosovo-kg serve --cache-mb 0`` is measured against (benchmarks/saturation.py): a
naive SPARQL endpoint, Starlette over an in-memory pyoxigraph store, under uvicorn with a process
per core, as a user might write it in thirty lines. It has none of serve's defences: no deadline
(a query can hold a process for ever), no screen, no sandbox (SERVICE reaches the network), no
queue bound, no cache.

    python benchmarks/naive_app.py --data graph.nt --workers 2 --port 8001

The data is one N-Triples file, loaded into the default graph (``NAIVE_DATA`` for each uvicorn
worker): saturation.py gives it the graph as serve holds it, and as ``kosovo-kg export`` writes it.
"""

from __future__ import annotations

import argparse
import os
import sys

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="the N-Triples file to serve")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="uvicorn processes (default: the cores)"
    )
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    import uvicorn

    os.environ["NAIVE_DATA"] = args.data
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    uvicorn.run(
        "naive_app:create_app",
        factory=True,
        workers=args.workers,
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
