"""What runs inside a query worker of ``serve`` (forked by :mod:`kosovo_kg.web.workers`): its set-up
(the sandbox, the memory limit), the tasks it may be asked to run, and the frames it reads and
writes on its two pipes.

Every frame starts with its length (8 bytes, big-endian). A request frame then holds a pickled
(task name, arguments) (:func:`request_frame`); an answer frame its kind (one byte) and its body
(:func:`framed`): bytes (a serialized SPARQL answer, copied to the client as it is), a pickled
value (what the pages need as Python objects) or a pickled error.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import stat
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from kosovo_kg.core.rdf import not_xml
from kosovo_kg.errors import QueryError, ResultTooLarge, UnsupportedData
from kosovo_kg.namespaces import PREFIXES
from kosovo_kg.publish.profiles import describe
from kosovo_kg.querying.engines import oxigraph_failure, oxigraph_query, syntax_message
from kosovo_kg.querying.output import XML_RESULTS_INSTEAD, graph_format
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, evaluate
from kosovo_kg.querying.results import Result, normal_result
from kosovo_kg.web.sandbox import die_with_parent, leave_network

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: The graph a worker queries (set in the worker, after the fork).
_GRAPH: KnowledgeGraph | None = None
#: The embedded engine, without a limit of its own: the pool enforces the deadline.
_OPTIONS = QueryOptions()
#: Address space a worker may add to what it inherited: a query that builds a huge result in
#: memory fails its own request (the worker dies, 500) instead of pushing the machine into swap.
WORKER_EXTRA_MEMORY = 4 << 30
#: Bytes a pipe holds (F_SETPIPE_SZ; 1 MiB is the most an unprivileged process may ask): an
#: answer of up to this size is written by the worker without waiting for the server to read.
PIPE_BYTES = 1 << 20
#: The bytes of a frame's length, which comes first (big-endian).
FRAME_LENGTH = 8
BYTES_FRAME, PICKLED_FRAME, ERROR_FRAME = b"B", b"P", b"E"


def _close_inherited_sockets() -> None:
    """Close the server's sockets that fork copied: the listening one and every client's.

    A forked copy keeps a connection open after the server has closed it (no FIN is sent while
    any process holds it), and a worker has no business accepting. The pool's own channels are
    pipes, which stay.
    """
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:  # the listing's own descriptor, already gone
            pass


def _initialize(server_pid: int, isolate: bool) -> None:
    """Runs in each new worker, before its first task."""
    _close_inherited_sockets()
    signal.set_wakeup_fd(-1)  # the server's event loop's, whose socket is closed above
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops the pool
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # the server gone: nobody reads what we write
    if isolate:
        reason = leave_network()
        if reason is not None:  # never run a query with network where isolation was promised
            os._exit(3)
    die_with_parent(server_pid)
    try:
        size = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + WORKER_EXTRA_MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def _ping() -> bytes:
    return str(os.getpid()).encode()


def _evaluate(text: str, base_iri: str | None = None) -> Result:
    """A stored question's or a page's query, its numbers in the command line's normal forms."""
    # the engine reads every row inside its own error handling: a SERVICE that cannot connect
    # (no network in the sandbox) is a QueryError from there
    assert _GRAPH is not None
    return normal_result(evaluate(PreparedQuery(text, base_iri=base_iri), _GRAPH, _OPTIONS))


class _Capped:
    """A binary writer that refuses to hold more than ``limit`` bytes (pyoxigraph writes into it)."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:  # pyoxigraph passes the error of write() on as it is
            raise ResultTooLarge(
                f"the result is larger than this server's limit of {self.limit:,} bytes (--max-result-mb); "
                "add a LIMIT to the query"
            )
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def answer_in_worker(
    text: str,
    media_type: str,
    limit: int,
    base_iri: str | None = None,
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> bytes:
    """Run a prepared query and serialize its answer as ``media_type``, at most ``limit`` bytes (in a worker).

    ``dataset`` is the request's (default-graph-uri, named-graph-uri), already checked against
    the store's graphs; without it the query runs on the union of the graphs, or on its own FROM.

    The answer is written by pyoxigraph's own serializers as it is evaluated, into a writer
    that stops at the limit, instead of going through ``pipeline.evaluate``'s :class:`Result` and
    ``output``'s writers: measured on this graph, 100,000 rows as CSV took 3.6 s that way
    (rows made Python objects, then written) and 0.30 s natively, and a result over the limit
    is refused after the first 2 MB (14 ms) instead of after it has been built whole in memory.
    The query call is ``engines.OxigraphEngine.query``'s (``engines.oxigraph_query``: the same
    prefixes, the same dataset), so the rows are the CLI's. The stored-question API answers with
    :func:`rows_in_worker`, the command line's exact text.
    """
    assert _GRAPH is not None
    output = _Capped(limit)
    sink = cast("IO[bytes]", output)  # pyoxigraph calls only write() (and flush())
    defaults, named = dataset if dataset is not None else (None, None)
    try:
        answer = oxigraph_query(_GRAPH.store, text, base_iri, defaults, named)
        if isinstance(answer, ox.QueryTriples):
            rdf_format = graph_format(media_type)
            if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
                ox.serialize(answer, sink, format=rdf_format, prefixes=PREFIXES)
            else:
                ox.serialize(answer, sink, format=rdf_format)
        else:
            answer.serialize(sink, format=_RESULT_FORMATS[media_type])
    except SyntaxError as error:
        raise QueryError(syntax_message(str(error), text)) from None
    except OSError as error:  # a SERVICE that cannot connect fails while the rows are read
        raise QueryError(f"query failed: {error}") from None
    except RuntimeError as error:  # a function Oxigraph does not have
        raise QueryError(oxigraph_failure(error)) from None
    body = b"".join(output.parts)
    if media_type in ("application/rdf+xml", "application/sparql-results+xml"):
        # what Oxigraph's XML writers cannot write they write anyway (see core.rdf.not_xml)
        if (reason := not_xml(body)) is not None:
            instead = XML_RESULTS_INSTEAD if media_type.startswith("application/sparql") else "take Turtle or JSON-LD"
            raise UnsupportedData(f"{reason}; {instead}")
    return body


def rows_in_worker(text: str, media_type: str, limit: int, base_iri: str | None = None) -> bytes:
    """A stored question's answer exactly as the command line gives it (in a worker).

    Through ``pipeline.evaluate``'s :class:`Result` and ``output``'s writers, so that numbers have the
    same normal forms as ``kosovo-kg query NAME --format csv|json`` ("8.0", not "8"); stored
    questions' answers are small, so the slower path costs little here.
    """
    import json

    from kosovo_kg.querying.output import to_csv, to_json

    result = _evaluate(text, base_iri)
    if media_type == "text/csv":
        body = to_csv(result).encode()
    else:
        body = json.dumps(to_json(result), ensure_ascii=False, separators=(",", ":")).encode()
    if len(body) > limit:
        raise ResultTooLarge(
            f"the result is larger than this server's limit of {limit:,} bytes (--max-result-mb); add a LIMIT to the query"
        )
    return body


def result_in_worker(text: str, base_iri: str | None = None) -> Result:
    """Run a prepared query and hand back its :class:`Result` (in a worker; terms pickle)."""
    return _evaluate(text, base_iri)


def describe_in_worker(iri: str) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """The triples about a resource, out of it and into it, or ``None`` if the graph has none."""
    assert _GRAPH is not None
    return describe(_GRAPH, iri)


#: What a worker may be asked to run, by name (the name is what goes down the pipe).
TASKS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (_ping, answer_in_worker, rows_in_worker, result_in_worker, describe_in_worker)
}


def framed(kind: bytes, body: bytes) -> bytes:
    """An answer frame."""
    return (len(body) + 1).to_bytes(FRAME_LENGTH, "big") + kind + body


def request_frame(name: str, args: tuple[Any, ...]) -> bytes:
    """A request frame: run the task ``name`` (of :data:`TASKS`) with ``args``."""
    payload = pickle.dumps((name, args), -1)
    return len(payload).to_bytes(FRAME_LENGTH, "big") + payload


def read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a blocking descriptor, or None at its end."""
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, PIPE_BYTES))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve_requests(requests: int, answers: int) -> None:
    """A worker's life after its start: answer each request frame from ``requests`` on ``answers``,
    until the server closes its end."""
    pending = bytearray()  # read as much as is there: a request and its length in one read
    while True:
        while len(pending) < FRAME_LENGTH or len(pending) < FRAME_LENGTH + int.from_bytes(
            pending[:FRAME_LENGTH], "big"
        ):
            chunk = os.read(requests, PIPE_BYTES)
            if not chunk:
                return
            pending += chunk
        end = FRAME_LENGTH + int.from_bytes(pending[:FRAME_LENGTH], "big")
        name, args = pickle.loads(bytes(pending[FRAME_LENGTH:end]))
        del pending[:end]
        try:
            value = TASKS[name](*args)
            frame = (
                framed(BYTES_FRAME, value)
                if isinstance(value, bytes)
                else framed(PICKLED_FRAME, pickle.dumps(value, -1))
            )
        except Exception as error:  # told to the server, which raises it for the request
            try:
                frame = framed(ERROR_FRAME, pickle.dumps(error, -1))
            except Exception:  # an error that does not pickle: its words do
                frame = framed(ERROR_FRAME, pickle.dumps(QueryError(f"query failed: {error}"), -1))
        write_all(answers, frame)


def run_worker(kg: KnowledgeGraph, server_pid: int, isolate: bool, requests: int, answers: int) -> None:
    """A new worker's whole life, in the forked child: set up, then answer until the server closes
    its end of ``requests``."""
    global _GRAPH
    _GRAPH = kg
    _initialize(server_pid, isolate)
    _serve_requests(requests, answers)


__all__ = [
    "BYTES_FRAME",
    "ERROR_FRAME",
    "FRAME_LENGTH",
    "PICKLED_FRAME",
    "PIPE_BYTES",
    "TASKS",
    "WORKER_EXTRA_MEMORY",
    "answer_in_worker",
    "describe_in_worker",
    "framed",
    "read_exactly",
    "request_frame",
    "result_in_worker",
    "rows_in_worker",
    "run_worker",
    "write_all",
]
