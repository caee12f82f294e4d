"""``kosovo-kg serve``: a read-only SPARQL endpoint with its query UI, the stored-query API,
an OpenAPI description and a page for every resource of the graph.

Arbitrary SPARQL goes to a real engine: an Oxigraph server (PyPI package ``oxigraph``) started
read-only on a private loopback port with a query time limit. This front server screens each
query first (no updates; no SERVICE, LOAD or FROM unless started with ``--allow-federation``),
turns Oxigraph's cut-off answer to a timed-out query into an error that states the limit, and
caps the size of a result. Stored queries and entity pages run on the embedded store.
"""

from __future__ import annotations

import html
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from .catalogue import bind_parameters, catalogue, get_stored_query
from .engines import OxigraphEngine, refuse_update
from .errors import FederationRefused, KosovoKGError, ParameterError, QueryError
from .namespaces import KKG, KKR, PREFIXES, RDFS_LABEL, WD, shorten
from .output import to_csv, to_json
from .serialize import serialize_graph
from .sparqltext import insert_values, refuse_deep_nesting, refuse_federation
from .store import KnowledgeGraph

#: The last words of the body Oxigraph server sends, with HTTP 200, when it cancels a query.
OXIGRAPH_CANCELLED = "The SPARQL operation has been cancelled"
SPARQL_JSON = "application/sparql-results+json"
CORS_HEADERS = {
    # The data is public and read-only: any page may query it, without credentials.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_result_bytes: int = 20_000_000
    allow_federation: bool = False


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _json_reply(status: int, data: object) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False, indent=1).encode(), "application/json; charset=utf-8")


def _error(status: int, message: str) -> Reply:
    return _json_reply(status, {"error": message, "status": status})


class OxigraphBackend:
    """An Oxigraph server process serving the graph read-only on a private loopback port."""

    def __init__(self, kg: KnowledgeGraph, timeout: float):
        self.kg, self.timeout = kg, timeout
        self.folder = Path(tempfile.mkdtemp(prefix="kosovo-kg-serve-"))
        self.process: subprocess.Popen | None = None
        self.url = ""

    @staticmethod
    def binary() -> str:
        found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        if not Path(found).exists():
            raise KosovoKGError("the Oxigraph server is not installed (pip install oxigraph)")
        return found

    def start(self) -> None:
        binary = self.binary()
        data = self.folder / "graph.nt"
        data.write_bytes(serialize_graph(self.kg, "nt"))
        store = self.folder / "store"
        # Load first, then serve: a read-only server does not see data loaded after it started.
        subprocess.run([binary, "load", "--location", str(store), "--file", str(data)], check=True, capture_output=True)
        with _socket_on_free_port() as port:
            pass
        self.process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
             "--timeout-s", str(max(1, round(self.timeout)))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise KosovoKGError("the Oxigraph server did not start") from None
                time.sleep(0.05)

    def asset(self, name: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}/{name}", timeout=10) as response:
            return response.read()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class _socket_on_free_port:
    """A free loopback port, found by binding port 0 and releasing it."""

    def __enter__(self) -> int:
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        self.socket.close()


class App:
    """The routes, as plain functions of the request: the HTTP layer only moves bytes."""

    def __init__(self, kg: KnowledgeGraph, backend: OxigraphBackend, settings: ServeSettings):
        self.kg, self.backend, self.settings = kg, backend, settings
        self.engine = OxigraphEngine(kg)
        self.assets = {name: backend.asset(name) for name in ("yasgui.min.js", "yasgui.min.css")}
        # Charts are drawn on first request and kept: the graph does not change while serving.
        self.charts: dict[str, bytes] = {}
        self.chart_lock = threading.Lock()
        self._charts_section: str | None = None

    # --- routing -------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        accept = headers.get("accept", "")
        if method == "OPTIONS":
            return Reply(HTTPStatus.NO_CONTENT, b"", "text/plain")
        if path in ("/sparql", "/query"):
            return self.sparql(method, query, headers, body)
        if path in ("/update", "/store"):
            return _error(HTTPStatus.FORBIDDEN, "the graph is read-only: updates are refused")
        if method != "GET":
            return _error(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed on {path}")
        if path == "/":
            return Reply(HTTPStatus.OK, self.home_page().encode(), "text/html; charset=utf-8")
        if path.lstrip("/") in self.assets:
            kind = "text/css" if path.endswith(".css") else "text/javascript"
            return Reply(HTTPStatus.OK, self.assets[path.lstrip("/")], kind, {"Cache-Control": "max-age=86400"})
        if path == "/openapi.json":
            return _json_reply(HTTPStatus.OK, self.openapi())
        if path == "/api/queries":
            return _json_reply(HTTPStatus.OK, {"queries": [self.describe_query(q) for q in catalogue().values()]})
        if path.startswith("/api/queries/"):
            return self.stored_query(path.removeprefix("/api/queries/"), query, accept)
        if path.startswith("/resource/"):
            return self.entity(KKR + urllib.parse.unquote(path.removeprefix("/resource/")), accept)
        if path.startswith("/charts/"):
            return self.chart(path.removeprefix("/charts/"))
        if path == "/ontology":
            return Reply(HTTPStatus.OK, self._ontology_turtle(), "text/turtle; charset=utf-8")
        return _error(HTTPStatus.NOT_FOUND, f"nothing at {path}; see / for the query UI and /openapi.json for the API")

    # --- SPARQL endpoint -------------------------------------------------------------------

    def sparql(self, method: str, params: dict[str, list[str]], headers: dict[str, str], body: bytes) -> Reply:
        content_type = headers.get("content-type", "").split(";")[0].strip()
        text = None
        if method == "GET":
            text = (params.get("query") or [None])[0]
            if "update" in params:
                return _error(HTTPStatus.FORBIDDEN, "the graph is read-only: SPARQL Update is refused")
        elif method == "POST":
            if content_type == "application/sparql-update":
                return _error(HTTPStatus.FORBIDDEN, "the graph is read-only: SPARQL Update is refused")
            if content_type == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            elif content_type == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                if "update" in form:
                    return _error(HTTPStatus.FORBIDDEN, "the graph is read-only: SPARQL Update is refused")
                text = (form.get("query") or [None])[0]
            else:
                return _error(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST a query as application/sparql-query or as the form field 'query'",
                )
        else:
            return _error(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed on /sparql")
        if text is None:
            return Reply(HTTPStatus.OK, self.service_description().encode(), "text/turtle; charset=utf-8")
        try:
            refuse_update(text)
            refuse_deep_nesting(text)  # Oxigraph server's parser overflows its stack on very deep nesting
            if not self.settings.allow_federation:
                refuse_federation(text)
        except FederationRefused as error:
            return _error(HTTPStatus.FORBIDDEN, f"{error} when starting the server")
        except QueryError as error:
            return _error(HTTPStatus.FORBIDDEN, str(error))
        return self.forward(text, headers.get("accept") or SPARQL_JSON)

    def forward(self, text: str, accept: str) -> Reply:
        request = urllib.request.Request(
            f"{self.backend.url}/query",
            data=urllib.parse.urlencode({"query": text}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        limit = self.settings.max_result_bytes
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout + 10) as response:
                payload = response.read(limit + 1)
                content_type = response.headers.get("Content-Type", "application/octet-stream")
                status = response.status
        except urllib.error.HTTPError as error:
            message = error.read().decode("utf-8", "replace").strip() or error.reason
            return _error(error.code, message)
        except (urllib.error.URLError, TimeoutError) as error:
            return _error(
                HTTPStatus.SERVICE_UNAVAILABLE, f"the query engine did not answer: {getattr(error, 'reason', error)}"
            )
        if payload.rstrip().endswith(OXIGRAPH_CANCELLED.encode()):
            return _error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"query cancelled: it ran longer than this server's limit of {self.settings.timeout:g} seconds",
            )
        if len(payload) > limit:
            return _error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the result is larger than this server's limit of {limit:,} bytes; add a LIMIT to the query",
            )
        return Reply(status, payload, content_type)

    def service_description(self) -> str:
        features = "sd:BasicFederatedQuery" if self.settings.allow_federation else "sd:EmptyGraphs"
        formats = ", ".join(
            f"<http://www.w3.org/ns/formats/{name}>"
            for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                         "Turtle", "N-Triples", "RDF_XML", "JSON-LD")
        )  # fmt: skip
        return (
            "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
            "[] a sd:Service ;\n"
            "  sd:endpoint <sparql> ;\n"
            "  sd:supportedLanguage sd:SPARQL11Query ;\n"
            f"  sd:resultFormat {formats} ;\n"
            f"  sd:feature {features} ;\n"
            "  sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> .\n"
        )

    # --- stored-query API --------------------------------------------------------------------

    def describe_query(self, query) -> dict:
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

    def stored_query(self, name: str, params: dict[str, list[str]], accept: str) -> Reply:
        try:
            stored = get_stored_query(name)
        except QueryError as error:
            return _error(HTTPStatus.NOT_FOUND, str(error))
        fmt = (params.pop("format", [None]) or [None])[0]
        if fmt not in (None, "json", "csv"):
            return _error(HTTPStatus.BAD_REQUEST, f"format must be json or csv, not {fmt!r}")
        values: dict[str, object] = {}
        for key, given in params.items():
            if len(given) > 1:
                return _error(HTTPStatus.BAD_REQUEST, f"parameter {key!r} given more than once")
            values[key] = given[0]
        if stored.federated and not self.settings.allow_federation:
            return _error(
                HTTPStatus.FORBIDDEN,
                f"{name} asks Wikidata's query service; the server was started without --allow-federation",
            )
        try:
            bindings = bind_parameters(stored, values, self.kg)
            text = insert_values(stored.text, {n: str(t) for n, t in bindings.items()})
            result = self.engine.run(text)
        except ParameterError as error:
            return _error(HTTPStatus.BAD_REQUEST, str(error))
        except KosovoKGError as error:
            return _error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
        if fmt == "csv" or (fmt is None and "text/csv" in accept):
            return Reply(HTTPStatus.OK, to_csv(result).encode(), "text/csv; charset=utf-8")
        return Reply(HTTPStatus.OK, json.dumps(to_json(result), ensure_ascii=False).encode(), SPARQL_JSON)

    def openapi(self) -> dict:
        paths: dict[str, object] = {
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
                    "responses": {
                        "200": {"description": "Query results in the negotiated format"},
                        "400": {"description": "The query has a syntax error"},
                        "403": {"description": "Updates, and federation unless allowed, are refused"},
                        "503": {"description": "The query ran past the time limit"},
                    },
                }
            },
            "/resource/{name}": {
                "get": {
                    "summary": "A resource of the graph: HTML, Turtle or JSON-LD by the Accept header",
                    "operationId": "resource",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": "kosovo",
                        }
                    ],
                    "responses": {"200": {"description": "The resource"}, "404": {"description": "No such resource"}},
                }
            },
        }
        for query in catalogue().values():
            parameters = [
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required and p.default is None,
                    "schema": _parameter_schema(p.type, p.default),
                }
                for p in query.parameters
            ] + [
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json", "csv"]},
                }
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
                                SPARQL_JSON: {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": {"description": "A parameter is unknown or malformed"},
                        "403": {"description": "A federated question on a server started without --allow-federation"},
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

    # --- pages ---------------------------------------------------------------------------------

    def home_page(self) -> str:
        questions = []
        for query in catalogue().values():
            defaults = {}
            try:
                defaults = {n: str(t) for n, t in bind_parameters(query, {}, self.kg).items()}
            except ParameterError:
                pass
            text = insert_values(query.text, defaults)
            # the summaries of federated questions already say "(asks Wikidata)"
            note = " (needs --allow-federation)" if query.federated and not self.settings.allow_federation else ""
            questions.append({"name": query.name, "summary": query.summary + note, "query": text})
        page = HOME_PAGE.replace("__CHARTS__", self.charts_section())
        return page.replace("__QUESTIONS__", json.dumps(questions, ensure_ascii=False).replace("</", "<\\/"))

    def chart(self, file_name: str) -> Reply:
        from .charts import CHARTS, render_chart

        name, _, suffix = file_name.rpartition(".")
        if suffix != "svg" or name not in CHARTS:
            return _error(
                HTTPStatus.NOT_FOUND, f"no chart {file_name!r}; charts: {', '.join(f'{n}.svg' for n in CHARTS)}"
            )
        # One drawing at a time: matplotlib's settings and font cache are shared by all threads.
        with self.chart_lock:
            if name not in self.charts:
                self.charts[name] = render_chart(name, self.kg, "svg")
        return Reply(HTTPStatus.OK, self.charts[name], "image/svg+xml", {"Cache-Control": "max-age=3600"})

    def charts_section(self) -> str:
        """The home page's charts, each with its key facts and their sources (from the same rows)."""
        if self._charts_section is None:
            from .charts import CHARTS, chart_data, key_facts

            figures = []
            for name, (query, description) in CHARTS.items():
                data = chart_data(name, self.kg)
                facts = "".join(
                    f"<li>{html.escape(text)}"
                    + (f' <span class="sources">Sources: {html.escape("; ".join(sources))}</span>' if sources else "")
                    + "</li>"
                    for text, sources in key_facts(data)
                )
                figures.append(
                    f'<figure id="chart-{name}"><img src="/charts/{name}.svg" alt="{html.escape(data.title)}" loading="lazy">'
                    f"<figcaption><b>{html.escape(data.title)}</b> — {html.escape(description)}; stored query "
                    f'<a href="/api/queries/{query}?format=csv">{query}</a><ul>{facts}</ul></figcaption></figure>'
                )
            self._charts_section = "\n".join(figures)
        return self._charts_section

    def entity(self, iri: str, accept: str) -> Reply:
        if not self.kg.describes(iri):
            return _error(HTTPStatus.NOT_FOUND, f"no resource {shorten(iri)} in the graph")
        node = ox.NamedNode(iri)
        outgoing = [t for t in self.kg.triples if t.subject == node]
        if "text/turtle" in accept or "application/ld+json" in accept:
            triples = outgoing + [t for t in self.kg.triples if t.object == node]
            if "text/turtle" in accept:
                return Reply(
                    HTTPStatus.OK,
                    ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES),
                    "text/turtle; charset=utf-8",
                )
            return Reply(HTTPStatus.OK, ox.serialize(triples, format=ox.RdfFormat.JSON_LD), "application/ld+json")
        return Reply(HTTPStatus.OK, self.entity_page(node, outgoing).encode(), "text/html; charset=utf-8")

    def entity_page(self, node: ox.NamedNode, outgoing: list[ox.Triple]) -> str:
        label = self.kg.label(node.value)
        rows = []
        wikidata = ""
        for triple in sorted(outgoing, key=lambda t: (t.predicate.value != RDFS_LABEL, self._show(t.predicate))):
            if triple.object.value.startswith(WD):
                wikidata = triple.object.value
            rows.append(
                f"<tr><th>{html.escape(self._show(triple.predicate))}</th><td>{self._value(triple.object)}</td></tr>"
            )
        facts = self._facts_about(node)
        parts = [
            f"<h1>{html.escape(label)}</h1>",
            f'<p class="iri">{html.escape(node.value)}</p>',
        ]
        if wikidata:
            parts.append(
                f'<p>Wikidata: <a class="wikidata" href="https://www.wikidata.org/wiki/{html.escape(wikidata.removeprefix(WD))}">{html.escape(wikidata.removeprefix(WD))}</a></p>'
            )
        parts.append(f'<table class="properties">{"".join(rows)}</table>')
        if facts:
            parts.append("<h2>Facts about it, with their dates and sources</h2>")
            parts.append(
                '<table class="facts"><tr><th>date</th><th>fact</th><th>sources</th></tr>' + "".join(facts) + "</table>"
            )
        return PAGE.format(title=html.escape(label), body="\n".join(parts))

    def _facts_about(self, node: ox.NamedNode) -> list[str]:
        result = self.engine.run(
            f"""SELECT DISTINCT ?fact ?date ?source WHERE {{
                  ?fact ?p <{node.value}> ; a/rdfs:subClassOf* kkg:Fact ; kkg:source ?source .
                  OPTIONAL {{ ?fact kkg:date ?onDate }} OPTIONAL {{ ?fact kkg:startDate ?start }}
                  OPTIONAL {{ ?fact kkg:fieldworkStart ?fieldwork }}
                  BIND(COALESCE(?onDate, ?start, ?fieldwork) AS ?date)
                }} ORDER BY STR(?date) ?fact ?source"""
        )
        by_fact: dict[str, tuple[str, list[str]]] = {}
        for fact, date, source in result.rows:
            entry = by_fact.setdefault(fact.value, ("" if date is None else date.value, []))
            entry[1].append(self._value(source))
        return [
            f"<tr><td>{html.escape(date)}</td><td>{self._value(ox.NamedNode(fact))}</td><td>{'; '.join(sources)}</td></tr>"
            for fact, (date, sources) in by_fact.items()
        ]

    def _show(self, term: ox.NamedNode) -> str:
        return self.kg.labels.get(term.value) or shorten(term.value)

    def _value(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            text = html.escape(self._show(term))
            if term.value.startswith(KKR):
                return f'<a href="/resource/{html.escape(term.value.removeprefix(KKR))}">{text}</a>'
            if term.value.startswith(WD):
                return f'<a href="https://www.wikidata.org/wiki/{html.escape(term.value.removeprefix(WD))}">{html.escape(term.value.removeprefix(WD))}</a>'
            if term.value.startswith(KKG):
                return text
            return f'<a href="{html.escape(term.value)}">{text}</a>'
        if isinstance(term, ox.Literal):
            return html.escape(term.value)
        return html.escape(str(term))

    def _ontology_turtle(self) -> bytes:
        from .paths import ontology_file

        return ontology_file().read_bytes()


def _parameter_schema(kind: str, default: str | None) -> dict:
    schema: dict[str, object] = {
        "iri": {"type": "string", "description": "an IRI, a prefixed name or a resource name"},
        "string": {"type": "string"},
        "integer": {"type": "integer"},
        "decimal": {"type": "number"},
        "date": {"type": "string", "format": "date"},
        "gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    }[kind].copy()
    if default is not None:
        schema["default"] = default
    return schema


class Handler(BaseHTTPRequestHandler):
    app: App
    server_version = "kosovo-kg"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, a keep-alive
    # client then waits ~40 ms for the delayed ACK on every request.
    disable_nagle_algorithm = True

    def _serve(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            reply = _error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "requests are limited to 1,000,000 bytes")
        else:
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
                reply = self.app.handle(method, parsed.path, query, headers, body)
            except Exception as error:  # one bad request must not take the server down
                reply = _error(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(error).__name__}")
        self.send_response(reply.status)
        for name, value in {**CORS_HEADERS, **reply.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_OPTIONS(self) -> None:
        self._serve("OPTIONS")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server:
    """The backend, the app and the HTTP server, started and stopped together."""

    def __init__(self, kg: KnowledgeGraph, settings: ServeSettings):
        self.settings = settings
        self.backend = OxigraphBackend(kg, settings.timeout)
        self.backend.start()
        try:
            handler = type("BoundHandler", (Handler,), {"app": App(kg, self.backend, settings)})
            self.http = ThreadingHTTPServer((settings.host, settings.port), handler)
        except BaseException:
            self.backend.stop()
            raise
        self.http.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host}:{port}"

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.backend.stop()


def run_serve(kg: KnowledgeGraph, settings: ServeSettings, announce=print) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the backend and remove its files."""
    server = Server(kg, settings)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # SIGINT explicitly too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    announce(
        f"kosovo-kg serving at {server.url}/  (SPARQL at {server.url}/sparql, API at {server.url}/openapi.json; Ctrl-C stops)"
    )
    try:
        server.http.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.http.server_close()
        server.backend.stop()
        announce("stopped")


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — kosovo-kg</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} th, td {{ text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ color: #555; font-weight: 600; }} .iri {{ color: #777; font-size: .9rem; }} a {{ color: #0645ad; }}
</style></head><body>
<p><a href="/">kosovo-kg</a></p>
{body}
</body></html>
"""

HOME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kosovo-kg — SPARQL</title>
<link href="/yasgui.min.css" rel="stylesheet" type="text/css">
<script src="/yasgui.min.js"></script>
<style>
body { font-family: system-ui, sans-serif; margin: 0; display: flex; }
nav { width: 22rem; height: 100vh; overflow-y: auto; padding: 1rem; box-sizing: border-box; border-right: 1px solid #ddd; }
nav h1 { font-size: 1.2rem; } nav p { font-size: .9rem; color: #555; }
nav button { display: block; width: 100%; text-align: left; margin: .25rem 0; padding: .4rem; border: 1px solid #ccc;
  background: #f8f8f8; border-radius: 4px; cursor: pointer; font-size: .85rem; }
nav button:hover { background: #eef; } nav button b { display: block; }
main { flex: 1; min-width: 0; height: 100vh; overflow-y: auto; }
#charts { padding: 1rem 1.5rem; border-top: 1px solid #ddd; }
#charts h2 { font-size: 1.2rem; } #charts figure { margin: 0 0 2.5rem; }
#charts img { max-width: 100%; height: auto; border: 1px solid #eee; }
#charts figcaption { font-size: .9rem; max-width: 60rem; } #charts .sources { color: #555; font-size: .85rem; }
</style></head><body>
<nav>
<h1>kosovo-kg</h1>
<p>Kosovo–NATO relations, every fact dated and sourced. Pick a stored question, or write your own
SPARQL in the editor. <a href="/openapi.json">API</a> · <a href="/resource/kosovo">Kosovo</a> ·
<a href="#charts">Charts</a></p>
<div id="questions"></div>
</nav>
<main><div id="yasgui"></div>
<section id="charts"><h2>The graph at a glance</h2>
<p>Each chart is drawn from a stored question's answer; the facts under it come from the same rows.</p>
__CHARTS__
</section></main>
<script>
const questions = __QUESTIONS__;
// The prefix and class/property autocompleters fetch from prefix.cc and LOV: off, to stay offline.
Yasgui.Yasqe.defaults.autocompleters = [];
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: window.location.origin + "/sparql", method: "POST" },
  copyEndpointOnNewTab: true,
  persistenceId: null,
});
const list = document.getElementById("questions");
for (const q of questions) {
  const button = document.createElement("button");
  button.dataset.question = q.name;
  button.innerHTML = "<b></b><span></span>";
  button.querySelector("b").textContent = q.name;
  button.querySelector("span").textContent = q.summary;
  button.addEventListener("click", () => {
    const tab = yasgui.getTab();
    tab.setQuery(q.query);
    tab.getYasqe().query();
  });
  list.appendChild(button);
}
</script>
</body></html>
"""
