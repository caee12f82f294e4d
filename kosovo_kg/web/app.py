"""The routes of ``kosovo-kg serve``, as a Starlette application.

Every query, from ``/sparql`` or the stored-query API, goes through the one pipeline
(``pipeline.prepare`` here, ``pipeline.run`` in a worker) and through the workers' deadline and
queue. An answer is sent only once it is complete and within the size limit: a query that fails
after it started gets an error status with a JSON message, never a 200 with a cut body.
"""

from __future__ import annotations

import json
import re
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..catalogue import catalogue, get_stored_query
from ..datasets import check_protocol_dataset, graph_names
from ..errors import (
    FederationRefused,
    KosovoKGError,
    ParameterError,
    QueryError,
    QueryTimeout,
    RequestError,
    ResultTooLarge,
    ServerBusy,
    WorkerCrashed,
)
from ..namespaces import KKR, shorten
from ..output import GRAPH_MEDIA_TYPES, serialize_triples
from ..pipeline import PreparedQuery, QueryOptions, prepare
from .descriptions import DESCRIPTION_PREFIXES, service_description, void_description
from .pages import STATIC, Pages, charts_section, facts_query
from .protocol import (
    MAX_BODY,
    SparqlRequest,
    negotiate,
    not_acceptable,
    offered_for,
    read_body,
    sparql_request,
    with_charset,
)

if TYPE_CHECKING:
    from ..catalogue import StoredQuery
    from ..store import KnowledgeGraph
    from .workers import QueryWorkers

#: A resource name: what follows /resource/ in the graph's IRIs (checked before it reaches an engine).
RESOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
#: Queries longer than this are screened on a thread, so a 1 MB text does not hold up other requests.
SCREEN_INLINE = 20_000
RESOURCE_FORMATS = ("text/html", *GRAPH_MEDIA_TYPES)
FORMAT_NAMES = {
    "html": "text/html",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "xml": "application/rdf+xml",
}


class ServeSettings(NamedTuple):
    """How ``serve`` runs; the command line's options."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    timeout: float = 10.0
    max_result_bytes: int = 20_000_000
    allow_federation: bool = False
    #: queries that may wait for a worker, beyond those running
    queue: int = 256
    #: the answer cache's budget in bytes (0: no cache)
    cache_bytes: int = 64_000_000
    #: seconds a client may take to send a request's headers, and then its body
    read_timeout: float = 10.0


def status_of(error: KosovoKGError) -> int:
    """The HTTP status a package error is answered with."""
    if isinstance(error, RequestError):
        return error.status
    if isinstance(error, ServerBusy):
        return 503
    if isinstance(error, QueryTimeout):
        return 503
    if isinstance(error, WorkerCrashed):
        return 500
    if isinstance(error, ResultTooLarge):
        return 413
    if isinstance(error, FederationRefused):
        return 403
    if isinstance(error, ParameterError):
        return 400
    if isinstance(error, QueryError) and str(error).startswith("refused:"):
        return 403  # the screens: updates, federation, nesting
    return 400


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


async def _package_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, KosovoKGError)
    status = status_of(error)
    message = str(error)
    if isinstance(error, FederationRefused):
        message += " when starting the server"
    headers = {"Retry-After": "1"} if isinstance(error, ServerBusy) else None
    return error_response(status, message, headers)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = f"nothing at {request.url.path}; see / for the query UI and /openapi.json for the API"
    elif error.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(error.detail)
    return error_response(error.status_code, message, dict(error.headers or {}))


async def _internal_error(request: Request, error: Exception) -> Response:
    # a bug: the client is told so in one line, never a traceback
    return error_response(500, f"internal error ({type(error).__name__}); please report it")


def public_base(settings: ServeSettings) -> str:
    """The server's public address, with a final slash: the base IRI of every query sent to it.

    ``--base-url`` where the server has one, else the address it listens on; never the request's
    Host header, which the client chooses.

    >>> public_base(ServeSettings(host="::1", port=8000))
    'http://[::1]:8000/'
    """
    given = getattr(settings, "base_url", None)
    if given:
        return given.rstrip("/") + "/"
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}/"


def create_app(kg: KnowledgeGraph, settings: ServeSettings, workers: QueryWorkers) -> Starlette:
    """The application, over a running pool of workers (the caller starts and stops it)."""
    options = QueryOptions(allow_federation=settings.allow_federation).checked()
    base_iri = public_base(settings)
    pages = Pages(kg, settings.allow_federation)
    made: dict[str, Any] = {}
    lock = threading.Lock()

    def once(key: str, make: Any) -> Any:
        """Made on first use and kept: the graph does not change while serving."""
        with lock:
            if key not in made:
                made[key] = make()
            return made[key]

    async def screened(query: str | StoredQuery, params: dict[str, object] | None) -> PreparedQuery:
        text = query if isinstance(query, str) else query.text
        if len(text) > SCREEN_INLINE:
            return await run_in_threadpool(prepare, query, params, options, kg, base_iri)
        return prepare(query, params, options, kg, base_iri)

    def chosen_dataset(asked: SparqlRequest) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The request's default-graph-uri and named-graph-uri, once checked against the store's graphs."""
        if not asked.names_dataset:
            return None
        graphs = once("graph names", lambda: graph_names(kg))
        check_protocol_dataset("default-graph-uri", asked.default_graphs, graphs)
        check_protocol_dataset("named-graph-uri", asked.named_graphs, graphs)
        return asked.default_graphs, asked.named_graphs

    def base_of(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def rdf_response(triples: list, request: Request) -> Response:
        media = _chosen(request, GRAPH_MEDIA_TYPES)
        body = serialize_triples(triples, media, DESCRIPTION_PREFIXES)
        return Response(body, media_type=with_charset(media), headers={"Vary": "Accept"})

    # --- SPARQL 1.1 Protocol ------------------------------------------------------------------

    async def sparql(request: Request) -> Response:
        asked = await sparql_request(request, settings.read_timeout)
        if asked.query is None:
            return rdf_response(service_description(base_of(request), settings.allow_federation), request)
        dataset = chosen_dataset(asked)
        prepared = await screened(asked.query, None)
        media = _chosen(request, offered_for(prepared.form))
        answer = await workers.answer(prepared, media, dataset=dataset)
        return Response(answer.body, media_type=with_charset(media), headers={"Vary": "Accept"})

    async def read_only(request: Request) -> Response:
        return error_response(403, "the graph is read-only: SPARQL Update and the Graph Store protocol are refused")

    # --- stored questions -----------------------------------------------------------------------

    def stored(name: str) -> StoredQuery:
        try:
            query = get_stored_query(name)
        except QueryError as error:
            raise RequestError(404, str(error)) from None
        if query.federated and not settings.allow_federation:
            raise RequestError(
                403, f"{name} asks Wikidata's query service; the server was started without --allow-federation"
            )
        return query

    def parameters(request: Request, skip: tuple[str, ...] = ()) -> dict[str, object]:
        values: dict[str, object] = {}
        for key in request.query_params:
            if key in skip:
                continue
            given = request.query_params.getlist(key)
            if len(given) > 1:
                raise RequestError(400, f"parameter {key!r} given more than once")
            values[key] = given[0]
        return values

    async def api_catalogue(request: Request) -> Response:
        return JSONResponse({"queries": [_describe(q) for q in catalogue().values()]})

    async def api_query(request: Request) -> Response:
        query = stored(request.path_params["name"])
        fmt = request.query_params.get("format")
        if fmt not in (None, "json", "csv"):
            raise RequestError(400, f"format must be json or csv, not {fmt!r}")
        prepared = await screened(query, parameters(request, skip=("format",)))
        if fmt is not None:
            media = "text/csv" if fmt == "csv" else "application/sparql-results+json"
        else:
            media = _chosen(request, ("application/sparql-results+json", "text/csv"))
        answer = await workers.answer(prepared, media, as_cli=True)
        return Response(answer.body, media_type=with_charset(media), headers={"Vary": "Accept"})

    async def api_prepared(request: Request) -> Response:
        """The exact text a stored question runs with these parameters (the UI's forms use it)."""
        query = stored(request.path_params["name"])
        prepared = await screened(query, parameters(request))
        return JSONResponse({"name": query.name, "query": prepared.text})

    async def api_labels(request: Request) -> Response:
        """English labels of the IRIs posted as a JSON list (the UI's results view asks)."""
        try:
            iris = json.loads(await read_body(request, MAX_BODY, settings.read_timeout))
        except ValueError:
            raise RequestError(400, "post a JSON list of IRIs") from None
        if not isinstance(iris, list) or len(iris) > 5000 or not all(isinstance(i, str) for i in iris):
            raise RequestError(400, "post a JSON list of at most 5000 IRIs (strings)")
        return JSONResponse({iri: pages.labels.get(iri) for iri in iris})

    async def openapi(request: Request) -> Response:
        return JSONResponse(once("openapi", _openapi))

    # --- Linked Data ----------------------------------------------------------------------------

    async def resource(request: Request) -> Response:
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
            media = _chosen(request, RESOURCE_FORMATS)
        found = await workers.describe(iri)
        if found is None:
            raise RequestError(404, f"no resource {shorten(iri)} in the graph")
        outgoing, incoming = found
        headers = {"Vary": "Accept"}
        if media != "text/html":
            body = serialize_triples(outgoing + incoming, media)
            return Response(body, media_type=with_charset(media), headers=headers)
        facts = await workers.result(PreparedQuery(facts_query(iri)))
        return Response(
            pages.resource(iri, outgoing, incoming, facts), media_type="text/html; charset=utf-8", headers=headers
        )

    async def void(request: Request) -> Response:
        base = base_of(request)
        triples = await run_in_threadpool(once, f"void {base}", lambda: void_description(base, kg))
        return rdf_response(triples, request)

    async def ontology(request: Request) -> Response:
        from ..paths import ontology_file

        return Response(ontology_file().read_bytes(), media_type="text/turtle; charset=utf-8")

    # --- pages ---------------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        charts = await run_in_threadpool(once, "charts", lambda: charts_section(kg))
        page = await run_in_threadpool(pages.home, charts)
        return Response(page, media_type="text/html; charset=utf-8")

    async def chart(request: Request) -> Response:
        from ..charts import CHARTS, render_chart

        file_name = request.path_params["file"]
        name, _, suffix = file_name.rpartition(".")
        if suffix != "svg" or name not in CHARTS:
            raise RequestError(404, f"no chart {file_name!r}; charts: {', '.join(f'{n}.svg' for n in CHARTS)}")
        # drawn once, on a thread (matplotlib takes a second), one at a time (its state is global)
        svg = await run_in_threadpool(once, f"chart {name}", lambda: render_chart(name, kg, "svg"))
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/update", read_only, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/store", read_only, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/api/queries", api_catalogue, methods=["GET"]),
        Route("/api/queries/{name}", api_query, methods=["GET"]),
        Route("/api/queries/{name}/prepared", api_prepared, methods=["GET"]),
        Route("/api/labels", api_labels, methods=["POST"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/resource/{name:path}", resource, methods=["GET"]),
        Route("/.well-known/void", void, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/charts/{file:path}", chart, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
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
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={KosovoKGError: _package_error, HTTPException: _http_error, Exception: _internal_error},
    )


def _chosen(request: Request, offered: tuple[str, ...]) -> str:
    media = negotiate(request.headers.get("accept"), offered)
    if media is None:
        raise not_acceptable(offered)
    return media


def _describe(query: StoredQuery) -> dict[str, object]:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "federated": query.federated,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required and p.default is None, "default": p.default}
            for p in query.parameters
        ],
        "url": f"/api/queries/{query.name}",
    }


def _parameter_schema(kind: str, default: str | None) -> dict[str, object]:
    schemas: dict[str, dict[str, object]] = {
        "iri": {"type": "string", "description": "an IRI, a prefixed name or a resource name"},
        "string": {"type": "string"},
        "integer": {"type": "integer"},
        "decimal": {"type": "number"},
        "date": {"type": "string", "format": "date"},
        "gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    }
    schema = schemas[kind].copy()
    if default is not None:
        schema["default"] = default
    return schema


def _openapi() -> dict[str, object]:
    """The OpenAPI description of the API: the stored questions, /sparql and /resource."""
    json_results = "application/sparql-results+json"
    errors: dict[str, Any] = {
        "400": {"description": "A parameter or query that cannot be used (JSON: error, status)"},
        "403": {"description": "Refused: an update, or federation on a server started without --allow-federation"},
        "413": {"description": "The result is larger than the server's limit"},
        "500": {"description": "The worker running the query crashed; the next request is served by another"},
        "503": {"description": "The query ran past the time limit, or the server is busy (Retry-After)"},
    }
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "summary": "The stored questions, with their parameters",
                "operationId": "listQueries",
                "responses": {
                    "200": {
                        "description": "The catalogue",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/sparql": {
            "get": {
                "summary": "SPARQL 1.1 query endpoint (read-only); without a query, the service description",
                "operationId": "sparqlQuery",
                "parameters": [{"name": "query", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Query results in the negotiated format"}, **errors},
            }
        },
        "/resource/{name}": {
            "get": {
                "summary": "A resource of the graph: HTML, Turtle, N-Triples or JSON-LD by the Accept header",
                "operationId": "resource",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}, "example": "kosovo"}
                ],
                "responses": {
                    "200": {"description": "The resource"},
                    "400": {"description": "Not a resource name"},
                    "404": {"description": "No such resource"},
                },
            }
        },
        "/.well-known/void": {
            "get": {
                "summary": "A VoID description of the dataset",
                "operationId": "void",
                "responses": {"200": {"description": "Turtle, N-Triples, JSON-LD or RDF/XML by the Accept header"}},
            }
        },
    }
    for query in catalogue().values():
        parameters: list[dict[str, Any]] = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required and p.default is None,
                "schema": _parameter_schema(p.type, p.default),
            }
            for p in query.parameters
        ] + [
            {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"]}}
        ]
        paths[f"/api/queries/{query.name}"] = {
            "get": {
                "summary": query.summary,
                "description": query.description,
                "operationId": "query_" + query.name.replace("-", "_"),
                "tags": list(query.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "SPARQL 1.1 JSON results, or CSV",
                        "content": {
                            json_results: {"schema": {"type": "object"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **errors,
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "kosovo-kg",
            "version": "0.1.0",
            "description": "Stored questions over a knowledge graph of Kosovo–NATO relations, every fact dated and sourced.",
        },
        "paths": paths,
    }


__all__ = ["ServeSettings", "create_app", "status_of"]
