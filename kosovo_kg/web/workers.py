"""Query workers: processes that hold the graph, each query under a hard deadline.

The server loads the graph once, then forks a pool of workers (pebble's ``ProcessPool`` with
the fork context), so every worker shares the parsed store copy-on-write and none parses it
again. A query runs in a worker, never in the server process:

- **Deadline.** Neither embedded engine can be interrupted (pyoxigraph evaluates in Rust and
  checks no signal; see ``kosovo_kg.querying.deadline``), and ``concurrent.futures`` cannot stop a task
  that has started. pebble can: at the deadline it kills the worker running the task and
  starts another. Workers restore SIGTERM's default action, so that kill is immediate (pebble
  sends SIGTERM, and a Python handler would run only after the query).
- **Crashes.** A worker that dies (a segfault in a parser, an out-of-memory kill, SIGKILL from
  outside) costs the request it was running a 500; pebble starts a new worker.
- **Bounded queue.** At most ``capacity`` queries are running or waiting; past that a request
  gets :class:`ServerBusy` (503 with Retry-After) at once instead of waiting without bound.
- **No network, no orphan.** Each worker leaves the network (``sandbox.leave_network``) unless
  federation is allowed, and asks the kernel to kill it when the server goes
  (``sandbox.die_with_parent``). The pool talks to its workers through pipes, not ports.

Answers are cached by the exact prepared text and media type (:class:`AnswerCache`): the graph
is read-only while serving, so the same text always has the same answer, except for queries
that call RAND, NOW, UUID, STRUUID or BNODE, which are never cached.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import signal
import stat
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, CancelledError
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import pyoxigraph as ox
from pebble import ProcessExpired, ProcessPool

from kosovo_kg.errors import QueryError, QueryTimeout, ResultTooLarge, ServerBusy, WorkerCrashed
from kosovo_kg.namespaces import PREFIXES
from kosovo_kg.publish.pages import describe
from kosovo_kg.querying.engines import Result, normal_result, oxigraph_failure, oxigraph_query, syntax_message
from kosovo_kg.querying.output import graph_format
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, evaluate
from kosovo_kg.querying.sparqltext import keywords
from kosovo_kg.web.sandbox import die_with_parent, leave_network

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

T = TypeVar("T")

#: The graph a worker queries: chosen by its pool's initializer in the new worker, from the graphs
#: of every pool of this process (a worker forked later, to replace one, finds its pool's graph).
_GRAPH: KnowledgeGraph | None = None
_POOL_GRAPHS: dict[int, KnowledgeGraph] = {}
#: The embedded engine, without a limit of its own: the pool enforces the deadline.
_OPTIONS = QueryOptions()
#: Functions whose answer changes from one run to the next: such queries are not cached.
_VOLATILE = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})
#: Address space a worker may add to what it inherited: a query that builds a huge result in
#: memory fails its own request (the worker dies, 500) instead of pushing the machine into swap.
WORKER_EXTRA_MEMORY = 4 << 30


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


def _initialize(server_pid: int, isolate: bool, graph_key: int) -> None:
    """Runs in each new worker, before its first task."""
    global _GRAPH
    _GRAPH = _POOL_GRAPHS[graph_key]
    _close_inherited_sockets()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops the pool
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


def _ping() -> int:
    return os.getpid()


def _evaluate(text: str, base_iri: str | None = None) -> Result:
    """A stored question's or a page's query, its numbers in the command line's normal forms."""
    # the engine reads every row inside its own error handling: a SERVICE that cannot connect
    # (no network in the sandbox) is a QueryError from there
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
    return b"".join(output.parts)


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


class Answer(NamedTuple):
    body: bytes
    media_type: str
    cached: bool


class AnswerCache:
    """Answers by (prepared text, media type), least recently used out first, within a byte budget."""

    def __init__(self, budget: int):
        self.budget, self.size = budget, 0
        self.entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.hits = self.misses = 0

    @staticmethod
    def cacheable(text: str) -> bool:
        return not (keywords(text) & _VOLATILE)

    def get(self, key: tuple[str, str]) -> bytes | None:
        body = self.entries.get(key)
        if body is None:
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        cost = len(body) + len(key[0])
        if cost > self.budget // 8 or key in self.entries:  # one answer may not crowd out the rest
            return
        self.entries[key] = body
        self.size += cost
        while self.size > self.budget:
            (text, _), dropped = self.entries.popitem(last=False)
            self.size -= len(dropped) + len(text)


class QueryWorkers:
    """The pool, its queue bound, its deadline and the answer cache, as the app sees them."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        workers: int,
        timeout: float,
        queue: int,
        max_result_bytes: int,
        isolate: bool,
        cache_bytes: int = 0,
    ):
        self.kg, self.workers, self.timeout = kg, workers, timeout
        self.capacity = workers + queue
        self.max_result_bytes = max_result_bytes
        self.isolate = isolate
        self.cache = AnswerCache(cache_bytes) if cache_bytes > 0 else None
        self.pending = 0
        self.pool: ProcessPool | None = None

    def start(self) -> None:
        """Fork the workers now, from the calling thread, which must live as long as the server.

        PR_SET_PDEATHSIG fires when the thread that forked a worker ends. pebble forks the first
        workers in the thread that starts the pool (this one: the server's main thread) and
        replacements in its own manager thread, which lives as long as the pool.
        """
        _POOL_GRAPHS[id(self)] = self.kg
        self.pool = ProcessPool(
            max_workers=self.workers,
            initializer=_initialize,
            initargs=(os.getpid(), self.isolate, id(self)),
            context=multiprocessing.get_context("fork"),
        )
        for future in [self.pool.schedule(_ping) for _ in range(self.workers)]:
            future.result(timeout=60)

    def close(self) -> None:
        """Stop every worker (those still running a query are killed) and wait for them."""
        if self.pool is not None:
            self.pool.stop()
            self.pool.join(timeout=10)
            self.pool = None
        _POOL_GRAPHS.pop(id(self), None)

    def _restart(self) -> None:
        broken, self.pool = self.pool, None
        if broken is not None:
            broken.stop()
            broken.join(timeout=10)
        self.start()

    def worker_pids(self) -> list[int]:
        """The process ids of this pool's workers (pebble keeps them by pid and has no public accessor)."""
        if self.pool is None:
            return []
        return list(self.pool._pool_manager.worker_manager.workers)

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker, under the deadline; raises the errors a client is told."""
        if self.pool is None:
            raise WorkerCrashed("the query workers are not running (the server is stopping)")
        if self.pending >= self.capacity:
            raise ServerBusy(
                f"the server is busy: {self.pending} queries are running or waiting (the most it takes); retry shortly"
            )
        self.pending += 1
        try:
            try:
                future = self.pool.schedule(function, args, timeout=self.timeout)
            except RuntimeError:
                # pebble declares the whole pool broken when a worker dies while no task is
                # running (an idle worker killed from outside, by the OOM killer say): start a
                # new pool, from this thread (the event loop's, which lives as long as the server)
                self._restart()
                assert self.pool is not None
                future = self.pool.schedule(function, args, timeout=self.timeout)
            return await asyncio.wrap_future(future)
        except TimeoutError:
            raise QueryTimeout(
                f"query stopped: it ran longer than this server's limit of {self.timeout:g} seconds (--timeout)"
            ) from None
        except ProcessExpired as error:
            how = f"signal {-error.exitcode}" if (error.exitcode or 0) < 0 else f"exit code {error.exitcode}"
            raise WorkerCrashed(
                f"the worker process running the query ended abnormally ({how}); another has taken its place"
            ) from None
        except CancelledError:
            raise WorkerCrashed("the query was cancelled: the server is stopping") from None
        except BrokenExecutor:  # the pool broke under this query (see above); the next request gets a new one
            raise WorkerCrashed("the query workers failed while running the query; they are being restarted") from None
        finally:
            self.pending -= 1

    async def answer(
        self,
        prepared: PreparedQuery,
        media_type: str,
        *,
        as_cli: bool = False,
        dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
    ) -> Answer:
        """The body of a query's answer in ``media_type``, from the cache or a worker; ``as_cli``:
        written as the command line writes it (stored questions, JSON or CSV); ``dataset``: the
        request's default-graph-uri and named-graph-uri (see :func:`answer_in_worker`)."""
        how = media_type + (" as cli" if as_cli else "") + f" base {prepared.base_iri}"
        if dataset is not None:
            how += " default " + " ".join(dataset[0]) + " named " + " ".join(dataset[1])
        key = (prepared.text, how)
        cacheable = self.cache is not None and self.cache.cacheable(prepared.text)
        if cacheable and self.cache is not None:
            body = self.cache.get(key)
            if body is not None:
                return Answer(body, media_type, True)
        if as_cli:
            body = await self.call(rows_in_worker, prepared.text, media_type, self.max_result_bytes, prepared.base_iri)
        else:
            body = await self.call(
                answer_in_worker, prepared.text, media_type, self.max_result_bytes, prepared.base_iri, dataset
            )
        if cacheable and self.cache is not None:
            self.cache.put(key, body)
        return Answer(body, media_type, False)

    async def result(self, prepared: PreparedQuery) -> Result:
        return await self.call(result_in_worker, prepared.text, prepared.base_iri)

    async def describe(self, iri: str) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
        return await self.call(describe_in_worker, iri)
