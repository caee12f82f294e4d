"""``/search``: entities by name, as an HTML page for people or JSON for programs (the search box's
suggestions ask for JSON)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kosovo_kg.core.lexical import whole_number
from kosovo_kg.errors import RequestError
from kosovo_kg.namespaces import KKR
from kosovo_kg.publish.search_page import render_search
from kosovo_kg.web.protocol import negotiate
from kosovo_kg.web.state import state_of

#: The longest text searched for, and the most results asked for.
MAX_QUERY = 200
MAX_LIMIT = 100


def _one(request: Request, name: str, default: str | None = None) -> str | None:
    given = request.query_params.getlist(name)
    if len(given) > 1:
        raise RequestError(400, f"the parameter {name!r} is given {len(given)} times; give it once")
    return given[0] if given else default


async def search(request: Request) -> Response:
    state = state_of(request)
    text = (_one(request, "q") or "").strip()
    type_ = _one(request, "type") or None
    fmt = _one(request, "format")
    if fmt not in (None, "json", "html"):
        raise RequestError(400, f"format must be json or html, not {fmt!r}")
    wants_json = fmt == "json" or (
        fmt is None
        and negotiate(request.headers.get("accept"), ("text/html", "application/json")) == "application/json"
    )
    limit_text = _one(request, "limit", "20") or "20"
    limit = whole_number(limit_text)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise RequestError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit_text!r}")
    if len(text) > MAX_QUERY:
        raise RequestError(400, f"q is {len(text):,} characters long; at most {MAX_QUERY} are searched")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise RequestError(400, "q holds control characters")
    if type_ is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_:/#.-]{0,199}", type_):
        raise RequestError(400, f"type must be a class such as State, Person or Organization, not {type_!r}")
    index = state.kg.name_index
    found = index.search(text, type=type_, limit=limit) if text else []
    found = [m for m in found if m.iri.startswith(KKR)]  # the resources, which have pages
    if wants_json:
        if not text:
            raise RequestError(400, "give the text to look for as q, e.g. /search?q=Kosovo")
        return JSONResponse({"query": text, "results": [m.to_json() for m in found]}, headers={"Vary": "Accept"})
    page = render_search(state.pages, text, type_, found)
    return Response(page, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


ROUTES = [Route("/search", search, methods=["GET"])]
