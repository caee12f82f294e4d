"""``/reconcile``: the W3C Entity Reconciliation API 0.2 for OpenRefine and its peers (the answers
are :mod:`kosovo_kg.publish.reconciliation`'s; this module reads the requests).

One endpoint takes the manifest (GET with no parameters), batches of queries (``queries``) and
data extension (``extend``), by GET or by a form POST; suggest, preview, view and property
proposals have paths of their own under it. Every answer allows any origin (the CORS middleware of
the app), since OpenRefine and web clients call it from elsewhere.
"""

from __future__ import annotations

import urllib.parse
from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kosovo_kg.core.lexical import whole_number
from kosovo_kg.errors import RequestError
from kosovo_kg.publish.pages import render
from kosovo_kg.publish.reconciliation import Reconciliation, id_to_name, parse_json
from kosovo_kg.web.protocol import read_body
from kosovo_kg.web.state import ServeState, base_of, state_of

#: The largest form a POST may send: a batch of 50 queries of 500 characters fits many times over.
MAX_FORM = 1_000_000


@cache
def _service(state: ServeState) -> Reconciliation:
    return Reconciliation(state.kg)


def service_of(request: Request) -> Reconciliation:
    return _service(state_of(request))


async def _form(request: Request) -> dict[str, str]:
    """The request's parameters: the query string, and for a POST its urlencoded form; each once."""
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, MAX_FORM, state_of(request).settings.read_timeout)
        if media == "application/x-www-form-urlencoded":
            try:
                pairs += urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise RequestError(400, "the form is not UTF-8") from None
        elif body:
            raise RequestError(415, "post a form (application/x-www-form-urlencoded) with the field queries or extend")
    found: dict[str, str] = {}
    for name, value in pairs:
        if name in found:
            raise RequestError(400, f"the parameter {name!r} is given more than once; give it once")
        found[name] = value
    return found


async def endpoint(request: Request) -> Response:
    service = service_of(request)
    form = await _form(request)
    if "queries" in form and "extend" in form:
        raise RequestError(400, "give either queries or extend, not both")
    if "queries" in form:
        return JSONResponse(service.reconcile(parse_json(form["queries"], "queries")))
    if "extend" in form:
        return JSONResponse(service.extend(parse_json(form["extend"], "extend")))
    if "query" in form:  # the single-query form of older clients
        return JSONResponse(service.reconcile({"q0": {"query": form["query"]}})["q0"])
    return JSONResponse(service.manifest(base_of(request)))


def _cursor(request: Request) -> int:
    text = request.query_params.get("cursor", "0")
    cursor = whole_number(text)
    if cursor is None or cursor > 10_000:
        raise RequestError(400, f"cursor must be a whole number of suggestions to skip, not {text!r}")
    return cursor


def _prefix(request: Request) -> str:
    prefix = request.query_params.get("prefix")
    if prefix is None:
        raise RequestError(400, "give the text typed so far as prefix")
    return prefix


async def suggest_entity(request: Request) -> Response:
    return JSONResponse(service_of(request).suggest_entities(_prefix(request), _cursor(request)))


async def suggest_type(request: Request) -> Response:
    return JSONResponse(service_of(request).suggest_types(_prefix(request), _cursor(request)))


async def suggest_property(request: Request) -> Response:
    return JSONResponse(service_of(request).suggest_properties(_prefix(request), _cursor(request)))


async def properties(request: Request) -> Response:
    limit_text = request.query_params.get("limit")
    limit = whole_number(limit_text)
    if limit_text is not None and (limit is None or not 1 <= limit <= 100):
        raise RequestError(400, f"limit must be a whole number from 1 to 100, not {limit_text!r}")
    return JSONResponse(service_of(request).propose_properties(request.query_params.get("type"), limit))


def _entity_id(request: Request) -> str:
    iri = request.query_params.get("id")
    if not iri:  # a request without what it asks about: the client's mistake, not a missing entity
        raise RequestError(
            400, "give the entity's id (its IRI, such as https://w3id.org/kosovo-kg/resource/kosovo) as id"
        )
    if id_to_name(iri) is None:
        raise RequestError(
            404,
            f"{iri!r} is not an entity of this graph; ids are its IRIs, such as https://w3id.org/kosovo-kg/resource/kosovo",
        )
    return iri


async def preview(request: Request) -> Response:
    shown = service_of(request).preview(_entity_id(request))
    if shown is None:
        raise RequestError(404, "no such entity in the graph")
    links = state_of(request).pages.links
    return HTMLResponse(render("reconcile-preview.html", entity=shown, href=links.resource(str(shown["name"]))))


async def view(request: Request) -> Response:
    """The entity's page, where the manifest's view URL sends a user."""
    name = id_to_name(_entity_id(request))
    return RedirectResponse(state_of(request).pages.links.resource(str(name)), status_code=303)


ROUTES = [
    Route("/reconcile", endpoint, methods=["GET", "POST"]),
    Route("/reconcile/suggest/entity", suggest_entity, methods=["GET"]),
    Route("/reconcile/suggest/type", suggest_type, methods=["GET"]),
    Route("/reconcile/suggest/property", suggest_property, methods=["GET"]),
    Route("/reconcile/properties", properties, methods=["GET"]),
    Route("/reconcile/preview", preview, methods=["GET"]),
    Route("/reconcile/view", view, methods=["GET"]),
]
