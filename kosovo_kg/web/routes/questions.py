"""``/api/queries``: the stored questions as an API (their catalogue, answers, prepared text),
the labels the query UI shows, and the OpenAPI description of it all."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kosovo_kg.errors import QueryError, RequestError
from kosovo_kg.querying.catalogue import StoredQuery, catalogue, get_stored_query
from kosovo_kg.web.openapi import describe_query, openapi_description
from kosovo_kg.web.protocol import MAX_BODY, chosen, read_body, with_charset
from kosovo_kg.web.state import state_of


def stored(request: Request) -> StoredQuery:
    """The stored question the path names, if this server may run it."""
    name = request.path_params["name"]
    try:
        query = get_stored_query(name)
    except QueryError as error:
        raise RequestError(404, str(error)) from None
    if query.federated and not state_of(request).settings.allow_federation:
        raise RequestError(
            403, f"{name} asks Wikidata's query service; the server was started without --allow-federation"
        )
    return query


def parameters(request: Request, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """The query string as parameter values, each given once."""
    values: dict[str, object] = {}
    for key in request.query_params:
        if key in skip:
            continue
        given = request.query_params.getlist(key)
        if len(given) > 1:
            raise RequestError(400, f"parameter {key!r} given more than once")
        values[key] = given[0]
    return values


async def list_questions(request: Request) -> Response:
    return JSONResponse({"queries": [describe_query(q) for q in catalogue().values()]})


async def answer_question(request: Request) -> Response:
    state = state_of(request)
    query = stored(request)
    fmt = request.query_params.get("format")
    if fmt not in (None, "json", "csv"):
        raise RequestError(400, f"format must be json or csv, not {fmt!r}")
    prepared = await state.screened(query, parameters(request, skip=("format",)))
    if fmt is not None:
        media = "text/csv" if fmt == "csv" else "application/sparql-results+json"
    else:
        media = chosen(request, ("application/sparql-results+json", "text/csv"))
    answer = await state.workers.answer(prepared, media, as_cli=True)
    return Response(answer.body, media_type=with_charset(media), headers={"Vary": "Accept"})


async def prepared_text(request: Request) -> Response:
    """The exact text a stored question runs with these parameters (the UI's forms use it)."""
    query = stored(request)
    prepared = await state_of(request).screened(query, parameters(request))
    return JSONResponse({"name": query.name, "query": prepared.text})


async def labels(request: Request) -> Response:
    """English labels of the IRIs posted as a JSON list (the UI's results view asks)."""
    state = state_of(request)
    try:
        iris = json.loads(await read_body(request, MAX_BODY, state.settings.read_timeout))
    except ValueError:
        raise RequestError(400, "post a JSON list of IRIs") from None
    if not isinstance(iris, list) or len(iris) > 5000 or not all(isinstance(i, str) for i in iris):
        raise RequestError(400, "post a JSON list of at most 5000 IRIs (strings)")
    return JSONResponse({iri: state.pages.labels.get(iri) for iri in iris})


async def openapi(request: Request) -> Response:
    return JSONResponse(state_of(request).once("openapi", openapi_description))


ROUTES = [
    Route("/api/queries", list_questions, methods=["GET"]),
    Route("/api/queries/{name}", answer_question, methods=["GET"]),
    Route("/api/queries/{name}/prepared", prepared_text, methods=["GET"]),
    Route("/api/labels", labels, methods=["POST"]),
    Route("/openapi.json", openapi, methods=["GET"]),
]
