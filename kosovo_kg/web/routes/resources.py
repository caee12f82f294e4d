"""Linked Data: ``/resource/NAME`` (an HTML page or RDF, by content negotiation), the dataset's
VoID description at ``/.well-known/void`` and the ontology at ``/ontology``."""

from __future__ import annotations

import asyncio
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kosovo_kg.core.paths import ontology_file
from kosovo_kg.errors import RequestError
from kosovo_kg.namespaces import KKR, shorten
from kosovo_kg.publish.profiles import profile_page, profile_queries
from kosovo_kg.publish.release.void import endpoint_void
from kosovo_kg.querying.output import GRAPH_MEDIA_TYPES, serialize_triples
from kosovo_kg.web.protocol import chosen, with_charset
from kosovo_kg.web.routes.pages import HTML, PAGE_CACHE
from kosovo_kg.web.routes.sparql import rdf_response
from kosovo_kg.web.state import base_of, state_of

#: A resource name: what follows /resource/ in the graph's IRIs (checked before it reaches an engine).
RESOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
RESOURCE_FORMATS = ("text/html", *GRAPH_MEDIA_TYPES)
FORMAT_NAMES = {
    "html": "text/html",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "xml": "application/rdf+xml",
}


async def resource(request: Request) -> Response:
    state = state_of(request)
    name = request.path_params["name"]
    if not RESOURCE_NAME.fullmatch(name):
        raise RequestError(
            400, f"{name!r} is not a resource name: names are letters, digits and - . _ ~ (for example kosovo)"
        )
    iri = KKR + name
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in FORMAT_NAMES:
            raise RequestError(400, f"format must be one of {', '.join(FORMAT_NAMES)}, not {fmt!r}")
        media = FORMAT_NAMES[fmt]
    else:
        media = chosen(request, RESOURCE_FORMATS)
    found = await state.workers.describe(iri)
    if found is None:
        raise RequestError(404, f"no resource {shorten(iri)} in the graph")
    outgoing, incoming = found
    headers = {"Vary": "Accept"}
    if media != "text/html":
        body = serialize_triples(outgoing + incoming, media)
        return Response(body, media_type=with_charset(media), headers=headers)
    planned = await run_in_threadpool(profile_queries, state.pages, iri)
    results = await asyncio.gather(*(state.workers.result(prepared) for _, prepared in planned))
    answers = {spec.query: result for (spec, _), result in zip(planned, results, strict=True)}
    page_url = base_of(request) + request.url.path
    page = await run_in_threadpool(profile_page, state.pages, iri, outgoing, incoming, answers, page_url)
    return Response(page, media_type=HTML, headers={**headers, "Cache-Control": PAGE_CACHE})


async def void(request: Request) -> Response:
    state, base = state_of(request), base_of(request)
    triples = await run_in_threadpool(state.once, "void", lambda: endpoint_void(base, state.kg))
    return rdf_response(triples, request)


async def ontology(request: Request) -> Response:
    return Response(ontology_file().read_bytes(), media_type="text/turtle; charset=utf-8")


ROUTES = [
    Route("/resource/{name:path}", resource, methods=["GET"]),
    Route("/.well-known/void", void, methods=["GET"]),
    Route("/ontology", ontology, methods=["GET"]),
]
