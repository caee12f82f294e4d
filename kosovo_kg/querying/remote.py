"""A SPARQL endpoint over HTTP as an engine (``--engine URL``), and the words for an endpoint
that cannot be reached or fails, which the embedded engines use too for a SERVICE clause's.
"""

from __future__ import annotations

import re
import time

import pyoxigraph as ox

from kosovo_kg.core.lexical import whole_number
from kosovo_kg.errors import EngineError, EngineUnavailable, OptionError, QueryError, QueryTimeout
from kosovo_kg.namespaces import PREFIXES
from kosovo_kg.querying.results import Result, normal_term
from kosovo_kg.querying.sparqltext import tokens

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    import http.client

#: The last words of the body Oxigraph server sends, with HTTP 200, when it cancels a query.
OXIGRAPH_CANCELLED = "The SPARQL operation has been cancelled"
#: The endpoint federated queries name in their SERVICE clauses; ``wikidata_endpoint`` replaces it.
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
#: Seconds a remote endpoint may take to connect or send data when no --timeout is given.
DEFAULT_REMOTE_TIMEOUT = 60.0
#: The largest answer read from a remote endpoint: a server that never stops sending cannot fill memory.
MAX_REMOTE_ANSWER = 1 << 30


class RemoteEngine:
    """Any SPARQL 1.1 endpoint over HTTP; the default prefixes are declared in the text it sends.

    ``timeout`` is the HTTP client's: it bounds the connection and each wait for data, and the
    whole exchange is cut at the same limit once the answer starts (a slow trickle cannot last).
    """

    def __init__(self, url: str, timeout: float | None = None):
        self.name = self.url = url
        self.timeout = timeout

    def query(self, query: str, base_iri: str | None = None) -> Result:
        import http.client
        import urllib.error
        import urllib.parse
        import urllib.request

        declared = {t.text[:-1].lower() for t in tokens(query) if t.kind == "word" and t.text.endswith(":")}
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
        if base_iri is not None:  # the query's own BASE, if it has one, comes later and wins
            prologue = f"BASE <{base_iri}>\n" + prologue
        text = prologue + query
        body = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            },
        )
        started = time.monotonic()
        limit = self.timeout or DEFAULT_REMOTE_TIMEOUT
        try:
            with _opener().open(request, timeout=limit) as response:
                content_type = response.headers.get("Content-Type", "")
                payload = self._read(response, started)
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace").strip()[:500]
            raise QueryError(f"{self.url} answered HTTP {error.code}: {detail or error.reason}") from error
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(f"{self.url} did not answer within {_seconds(limit)}") from error
            raise unreachable(self.url, plain_reason(reason)) from error
        except http.client.HTTPException as error:  # a broken status line, a body cut short
            raise EngineError(f"{self.url} sent a broken HTTP answer: {type(error).__name__} {error}") from error
        except ValueError as error:  # http.client's InvalidURL: a port out of range, a bad host
            raise OptionError(f"--engine {self.url!r} is not a usable URL: {error}") from error
        return self._parse(payload, content_type)

    def _parse(self, payload: bytes, content_type: str) -> Result:
        """The endpoint's answer as a :class:`Result`, or :class:`EngineError` when it cannot be read.

        Both parsers are lazy: rows and triples are read inside the ``try`` so that a body
        that goes wrong halfway is reported, not raised as a parser's own error.
        """
        if payload.rstrip().endswith(OXIGRAPH_CANCELLED.encode()):
            raise QueryTimeout(f"{self.url} cancelled the query: it ran past that server's own time limit")
        try:
            if "n-triples" in content_type or "turtle" in content_type:
                fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in content_type else ox.RdfFormat.TURTLE
                return Result("graph", triples=[q.triple for q in ox.parse(payload, fmt)])
            answer = ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
            if isinstance(answer, ox.QueryBoolean):
                return Result("ask", boolean=bool(answer))
            variables = [v.value for v in answer.variables]
            return Result("select", variables, [tuple(map(normal_term, solution)) for solution in answer])
        except (SyntaxError, ValueError) as error:  # UnicodeDecodeError is a ValueError
            kind = content_type.split(";")[0].strip() or "no content type"
            detail = " ".join(str(error).split())[:300]
            raise EngineError(f"{self.url} sent results that cannot be read ({kind}): {detail}") from error

    def _read(self, response: http.client.HTTPResponse, started: float) -> bytes:
        """The body, no larger than :data:`MAX_REMOTE_ANSWER` and, with a time limit, no slower."""
        chunks, size = [], 0
        while chunk := response.read(1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REMOTE_ANSWER:
                raise EngineError(f"{self.url} sent more than {MAX_REMOTE_ANSWER >> 20} MiB; add a LIMIT to the query")
            if self.timeout is not None and time.monotonic() - started > self.timeout:
                raise QueryTimeout(f"{self.url} did not finish its answer within {_seconds(self.timeout)}")
        declared = whole_number(response.headers.get("Content-Length"))
        if declared is not None and size < declared:  # http.client's read(n) does not say so itself
            raise EngineError(f"{self.url} sent a broken HTTP answer: cut short at {size} of {declared} bytes")
        return b"".join(chunks)


def _opener():
    """urllib's opener without its redirects: an endpoint's redirect is a URL the user did not give
    (urllib would follow a 302 to any host, turning the POST into a GET), so it is told, not
    followed."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            raise EngineError(
                f"{req.full_url} answered HTTP {code}, a redirect to {newurl}: not followed, as no URL is fetched "
                f"that you did not give; to query that endpoint, give it with --engine"
            )

    return urllib.request.build_opener(NoRedirect)


def unreachable(url: str, reason: str) -> EngineUnavailable:
    """The error for an endpoint that cannot be reached, with its address (exit 3)."""
    error = EngineUnavailable(f"cannot reach the SPARQL endpoint {url}: {reason}")
    error.url = url
    return error


def service_iris(query: str) -> list[str]:
    """The IRIs that the query's SERVICE clauses name, as written (``<…>`` removed)."""
    found, words = [], [t for t in tokens(query) if t.kind in ("word", "iri")]
    for index, token in enumerate(words[:-1]):
        if token.kind == "word" and token.text.upper() == "SERVICE":
            target = words[index + 1]
            if target.kind == "word" and target.text.upper() == "SILENT" and index + 2 < len(words):
                target = words[index + 2]
            if target.kind == "iri":
                found.append(target.text[1:-1])
    return found


def service_failure(query: str, reason: str, answered: bool) -> QueryError | EngineUnavailable:
    """A SERVICE clause that failed: an endpoint that answered with an error is the query's
    failure (exit 2); one that could not be reached is a missing engine (exit 3), named by URL."""
    if answered:
        return QueryError(f"query failed: {reason}")
    endpoints = list(dict.fromkeys(service_iris(query)))
    if len(endpoints) == 1:
        return unreachable(endpoints[0], reason)
    named = f" ({', '.join(endpoints)})" if endpoints else ""
    return EngineUnavailable(f"cannot reach the SPARQL endpoint of a SERVICE clause{named}: {reason}")


def one_line_reason(text: str) -> str:
    """Oxigraph's message on one line, without the error number it adds ("(os error 111)"), as
    urllib's reason reads for the other engines."""
    return re.sub(r" \(os error \d+\)$", "", " ".join(text.split()))


def plain_reason(reason: object) -> str:
    """An OS error's words without its number: 'Connection refused', not '[Errno 111] ...'."""
    return getattr(reason, "strerror", None) or str(reason)


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")
