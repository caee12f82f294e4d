"""``/sparql``: the SPARQL 1.1 Protocol's query operation; ``/update`` and ``/store`` refused."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kosovo_kg.errors import RequestError
from kosovo_kg.querying.output import GRAPH_MEDIA_TYPES, serialize_triples
from kosovo_kg.web.descriptions import DESCRIPTION_PREFIXES, service_description
from kosovo_kg.web.protocol import chosen, offered_for, sparql_request, with_charset
from kosovo_kg.web.state import base_of, state_of


def rdf_response(triples: list, request: Request) -> Response:
    """Triples in the RDF format the client asked for."""
    media = chosen(request, GRAPH_MEDIA_TYPES)
    body = serialize_triples(triples, media, DESCRIPTION_PREFIXES)
    return Response(body, media_type=with_charset(media), headers={"Vary": "Accept"})


async def sparql(request: Request) -> Response:
    state = state_of(request)
    asked = await sparql_request(request, state.settings.read_timeout)
    if asked.query is None:
        return rdf_response(service_description(base_of(request), state.settings.allow_federation), request)
    prepared = await state.screened(asked.query, None)
    media = chosen(request, offered_for(prepared.form))
    answer = await state.workers.answer(prepared, media)
    return Response(answer.body, media_type=with_charset(media), headers={"Vary": "Accept"})


async def read_only(request: Request) -> Response:
    raise RequestError(403, "the graph is read-only: SPARQL Update and the Graph Store protocol are refused")


ROUTES = [
    Route("/sparql", sparql, methods=["GET", "POST"]),
    Route("/update", read_only, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    Route("/store", read_only, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
]
