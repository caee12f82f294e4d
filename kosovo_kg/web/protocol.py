"""The SPARQL 1.1 Protocol on top of Starlette: where the query is in a request, and which
media type the answer is sent as.

The HTTP framing (request line, headers, Content-Length, chunked bodies) is uvicorn's; this
module reads what the SPARQL 1.1 Protocol puts inside a request:

- ``GET /sparql?query=…``; ``POST`` with ``application/x-www-form-urlencoded`` (the field
  ``query``); ``POST`` with ``application/sparql-query`` (the query is the body).
- Updates (``update=``, ``application/sparql-update``) are refused: the graph is read-only.
- ``default-graph-uri`` / ``named-graph-uri`` choose the query's dataset among the graphs the
  store holds (each loaded file is a graph named by its URL), as Oxigraph's server does; they
  override the query's FROM and FROM NAMED, as the protocol says. The app refuses an IRI that
  names no graph of the store: nothing is ever fetched.
- The body is read up to a size limit and within a time limit, never without bound.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from typing import NamedTuple

from starlette.requests import ClientDisconnect, Request

from kosovo_kg.core.lexical import whole_number
from kosovo_kg.errors import RequestError
from kosovo_kg.querying.output import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES

#: The largest request body taken (a query, or a form holding one).
MAX_BODY = 1_000_000
#: Seconds a client may take to send the body of its request.
BODY_TIMEOUT = 10.0

#: Names clients use for the same formats.
ALIASES = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/plain": ("text/tab-separated-values", "application/n-triples"),
}


class SparqlRequest(NamedTuple):
    query: str | None  #: None: no query was given (the service description is the answer)
    default_graphs: tuple[str, ...] = ()  #: default-graph-uri, each given
    named_graphs: tuple[str, ...] = ()  #: named-graph-uri, each given

    @property
    def names_dataset(self) -> bool:
        """Whether the request chooses the dataset (then the query's FROM and FROM NAMED are not used)."""
        return bool(self.default_graphs or self.named_graphs)


def _refuse_update() -> RequestError:
    return RequestError(403, "the graph is read-only: SPARQL Update is refused")


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise RequestError(400, f"the parameter {name!r} is given {len(values)} times; give it once")
    return values[0] if values else None


def _dataset(params: dict[str, list[str]], query: str | None) -> SparqlRequest:
    """The request with its default-graph-uri and named-graph-uri, each IRI as given (the app
    checks that the store holds it)."""
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if name in params:  # SPARQL Update's parameters
            raise _refuse_update()
    return SparqlRequest(
        query,
        tuple(dict.fromkeys(params.get("default-graph-uri", []))),
        tuple(dict.fromkeys(params.get("named-graph-uri", []))),
    )


async def read_body(request: Request, limit: int = MAX_BODY, timeout: float = BODY_TIMEOUT) -> bytes:
    """The request body, or :class:`RequestError` 413 past ``limit`` bytes, 408 past ``timeout`` seconds.

    A declared Content-Length over the limit is refused before a byte is read; a chunked body
    is refused as soon as it passes the limit. uvicorn has parsed the framing, so the unread
    rest of a refused body is never taken for another request.
    """
    declared = whole_number(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise RequestError(413, f"the request body is larger than this server's limit of {limit:,} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise RequestError(413, f"the request body is larger than this server's limit of {limit:,} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise RequestError(408, f"the request body did not arrive within {timeout:g} seconds") from None
    except ClientDisconnect:
        raise RequestError(400, "the client went away before sending the whole request body") from None
    return b"".join(chunks)


def _text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestError(400, f"{what} is not UTF-8 (byte {error.start})") from None


async def sparql_request(request: Request, body_timeout: float = BODY_TIMEOUT) -> SparqlRequest:
    """The query a SPARQL 1.1 Protocol request carries; :class:`RequestError` for one that cannot be taken."""
    params = _params(request.url.query)
    if request.method in ("GET", "HEAD"):
        if "update" in params:
            raise _refuse_update()
        return _dataset(params, _one(params.get("query", []), "query"))
    if request.method != "POST":
        raise RequestError(405, f"{request.method} is not allowed on /sparql: use GET or POST")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/sparql-update":
        raise _refuse_update()
    if media_type == "application/sparql-query":
        request_dataset = _dataset(params, None)
        return request_dataset._replace(query=_text(await read_body(request, timeout=body_timeout), "the query"))
    if media_type == "application/x-www-form-urlencoded":
        form = _params(_text(await read_body(request, timeout=body_timeout), "the form"))
        if "update" in form:
            raise _refuse_update()
        query = _one(form.get("query", []), "query")
        if query is None:
            raise RequestError(400, "the form has no field 'query'")
        # the dataset may be in the URL, in the form, or in both: the protocol lists every one given
        merged = {name: params.get(name, []) + form.get(name, []) for name in {*params, *form}}
        return _dataset(merged, query)
    raise RequestError(
        415,
        "POST a query as application/sparql-query (the body is the query) or as "
        "application/x-www-form-urlencoded (the field 'query')",
    )


def _params(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=100)
    except UnicodeDecodeError:
        raise RequestError(400, "a parameter is not UTF-8 once percent-decoded") from None
    except ValueError as error:  # more than max_num_fields
        raise RequestError(400, f"the parameters cannot be read: {error}") from None


def _accepted(header: str) -> list[tuple[str, float, int]]:
    """``(media range, q, position)`` for each range of an Accept header, unreadable ones skipped."""
    ranges = []
    for position, part in enumerate(header.split(",")):
        pieces = part.split(";")
        media = pieces[0].strip().lower()
        if "/" not in media:
            continue
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered media type the Accept header prefers; the first offered when it names none
    (or is absent); ``None`` when it rules out every one (answer 406).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_MEDIA_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", GRAPH_MEDIA_TYPES)
    'text/turtle'
    >>> negotiate("application/json", GRAPH_MEDIA_TYPES)
    'application/ld+json'
    >>> negotiate("image/png", RESULT_MEDIA_TYPES) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for media, q, position in _accepted(accept):
        if q <= 0:
            continue
        candidates = [m for m in ALIASES.get(media, ()) if m in offered] or [media]
        for index, candidate in enumerate(offered):
            kind = candidate.split("/")[0]
            specific = candidate in candidates
            if specific or media == "*/*" or media == f"{kind}/*":
                # a named type beats a wildcard at the same q; then the client's order; then ours
                rank = (q, 1 if specific else 0, -position, -index)
                if best is None or rank > best:
                    best, chosen = rank, candidate
    if chosen is None:
        return None
    return chosen


def with_charset(media_type: str) -> str:
    """The Content-Type header for a media type: text types say they are UTF-8."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def offered_for(form: str) -> tuple[str, ...]:
    """The media types a query's answer can be sent as, by its form."""
    return GRAPH_MEDIA_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_MEDIA_TYPES


def not_acceptable(offered: tuple[str, ...]) -> RequestError:
    return RequestError(
        406,
        "none of the media types in the Accept header can be sent; this answer is available as " + ", ".join(offered),
    )


def chosen(request: Request, offered: tuple[str, ...]) -> str:
    """The media type to answer ``request`` with, of those ``offered``, or 406."""
    media = negotiate(request.headers.get("accept"), offered)
    if media is None:
        raise not_acceptable(offered)
    return media
