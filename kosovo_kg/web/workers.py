"""Query workers: processes that hold the graph, each query under a hard deadline.

The server loads the graph once, then forks a pool of workers (one per core by default), so
every worker shares the parsed store copy-on-write and none parses it again. A query runs in a
worker, never in the server process:

- **Deadline.** Neither embedded engine can be interrupted (pyoxigraph evaluates in Rust and
  checks no signal; see ``kosovo_kg.querying.deadline``). At the deadline the worker running the
  query is killed (SIGKILL, which a stopped or busy process cannot delay) and another is forked
  in its place; nothing else waits for that, as no lock is held.
- **Crashes.** A worker that dies (a segfault in a parser, an out-of-memory kill, SIGKILL from
  outside) costs the request it was running a 500, and is replaced. A query is never handed to a
  dead worker: each is checked before it gets one (a dead worker is a zombie until this process
  reaps it), and a request that a worker died without reading is sent once more, to a fresh one.
- **Bounded queue.** At most ``capacity`` queries are running or waiting; past that a request
  gets :class:`ServerBusy` (503 with Retry-After) at once instead of waiting without bound.
- **No network, no orphan.** Each worker leaves the network (``sandbox.leave_network``) unless
  federation is allowed, and asks the kernel to kill it when the server goes
  (``sandbox.die_with_parent``). The server talks to its workers through pipes, not ports.

The round trip is one request frame down a pipe and one answer frame back, read by the event
loop itself (``add_reader``): no thread, no future from another thread. An answer to a SPARQL
query is the bytes the client asked for, serialized once in the worker, so the server copies
them to the client without decoding anything. Only the pages' data (a :class:`Result`, the
triples about a resource) is pickled, as the page templates need Python objects. This replaced
pebble's pool, whose round trip went through two threads of the server (its task and result
handlers, contending for the GIL with the event loop), and whose timeout sent SIGTERM, waited up
to 3 s and then SIGKILL, under a lock every other dispatch waited on (a stopped worker made its
query fail 5.1 s after a 2 s deadline), and which noticed a dead worker only on its next poll
(0.1 s), handing queries to it meanwhile.

Answers are cached by the exact prepared text and media type (:mod:`kosovo_kg.web.answer_cache`);
what runs inside a worker, and the frames on its pipes, is :mod:`kosovo_kg.web.worker_tasks`.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pyoxigraph as ox

from kosovo_kg.errors import QueryTimeout, ServerBusy, WorkerCrashed
from kosovo_kg.querying.pipeline import PreparedQuery
from kosovo_kg.querying.results import Result
from kosovo_kg.web.answer_cache import Answer, AnswerCache
from kosovo_kg.web.worker_tasks import (
    BYTES_FRAME,
    ERROR_FRAME,
    FRAME_LENGTH,
    PIPE_BYTES,
    TASKS,
    answer_in_worker,
    describe_in_worker,
    read_exactly,
    request_frame,
    result_in_worker,
    rows_in_worker,
    run_worker,
    write_all,
)

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

T = TypeVar("T")


class _Died(Exception):
    """A worker's pipe ended: the process is gone. ``unread`` says the request never reached it."""

    def __init__(self, unread: bool):
        self.unread = unread


class _Worker:
    """One worker process and the server's ends of its two pipes."""

    __slots__ = ("answers", "pid", "requests")

    def __init__(self, pid: int, requests: int, answers: int):
        self.pid, self.requests, self.answers = pid, requests, answers


#: The server's ends of every worker's pipes, in every pool of this process: a new worker closes
#: them, so that a pipe's end is seen when its own worker dies, not when the last copy closes.
_SERVER_ENDS: set[int] = set()


def _fail(waiter: asyncio.Future[Any], error: BaseException) -> None:
    if not waiter.done():
        waiter.set_exception(error)


class QueryWorkers:
    """The pool, its queue bound, its deadline and the answer cache, as the app sees them.

    Everything here runs on the thread of the event loop that awaits :meth:`call` (the server's
    main thread), and so needs no lock: a worker is taken, used and given back between awaits.
    """

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
        self.running = False
        self._all: dict[int, _Worker] = {}
        self._idle: deque[_Worker] = deque()
        self._waiting: deque[asyncio.Future[_Worker]] = deque()
        self._dead: set[int] = set()  # killed, not yet reaped

    def start(self) -> None:
        """Fork the workers now, from the calling thread, and wait until each is ready.

        PR_SET_PDEATHSIG fires when the thread that forked a worker ends: the first workers are
        forked by this thread (the server's main thread), replacements by the event loop's
        thread (the same, when serving; see server.py), both as long-lived as the server.
        """
        self.running = True
        for _ in range(self.workers):
            worker = self._fork()
            write_all(worker.requests, request_frame("_ping", ()))
            if self._wait_blocking(worker, 60) is None:
                self.close()
                raise WorkerCrashed("a query worker did not start (it could not leave the network?)")
            self._idle.append(worker)

    def _fork(self) -> _Worker:
        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        server = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                for fd in (*_SERVER_ENDS, requests_write, answers_read):
                    os.close(fd)
                run_worker(self.kg, server, self.isolate, requests_read, answers_write)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(requests_read)
        os.close(answers_write)
        try:
            fcntl.fcntl(answers_read, 1031, PIPE_BYTES)  # F_SETPIPE_SZ (Linux)
        except OSError:  # above /proc/sys/fs/pipe-max-size: the default (64 KiB) does
            pass
        os.set_blocking(requests_write, False)
        os.set_blocking(answers_read, False)
        _SERVER_ENDS.update((requests_write, answers_read))
        worker = _Worker(pid, requests_write, answers_read)
        self._all[pid] = worker
        return worker

    def _wait_blocking(self, worker: _Worker, seconds: float) -> bytes | None:
        """The next answer frame of a worker read without an event loop (at start), or None."""
        import select

        os.set_blocking(worker.answers, True)
        try:
            if not select.select([worker.answers], [], [], seconds)[0]:
                return None
            header = read_exactly(worker.answers, FRAME_LENGTH)
            return read_exactly(worker.answers, int.from_bytes(header, "big")) if header else None
        finally:
            os.set_blocking(worker.answers, False)

    def close(self) -> None:
        """Stop every worker (those still running a query are killed) and wait for them."""
        self.running = False
        stopping = WorkerCrashed("the query was cancelled: the server is stopping")
        for waiter in self._waiting:  # possibly on another thread's event loop
            waiter.get_loop().call_soon_threadsafe(_fail, waiter, stopping)
        self._waiting.clear()
        for worker in list(self._all.values()):
            self._discard(worker, kill=True)
        self._idle.clear()
        for pid in list(self._dead):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self._dead.clear()

    def worker_pids(self) -> list[int]:
        """The process ids of this pool's workers."""
        return list(self._all)

    def _discard(self, worker: _Worker, *, kill: bool) -> None:
        """Forget a worker (killed first if asked); its zombie is reaped later, without waiting."""
        if self._all.pop(worker.pid, None) is None:
            return
        for fd in (worker.requests, worker.answers):
            _SERVER_ENDS.discard(fd)
            os.close(fd)
        if kill:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._dead.add(worker.pid)
        self._reap()

    def _reap(self) -> None:
        for pid in list(self._dead):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self._dead.discard(pid)

    def _replace(self, worker: _Worker, *, kill: bool, keep: bool = False) -> _Worker | None:
        """Fork a worker in place of ``worker``; ``keep``: return it to the caller, who uses it at
        once, rather than handing it to the next request."""
        self._discard(worker, kill=kill)
        if not self.running:
            return None
        fresh = self._fork()
        if keep:
            return fresh
        self._release(fresh)
        return None

    def _release(self, worker: _Worker) -> None:
        """A worker free again: to the first request waiting for one, else to the idle ones."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _exited(self, worker: _Worker) -> int | None:
        """The wait status of a worker that has ended (a zombie: nobody else reaps it), else None."""
        try:
            pid, status = os.waitpid(worker.pid, os.WNOHANG)
        except ChildProcessError:
            return 0
        return status if pid else None

    async def _take(self) -> _Worker:
        """A live worker: an idle one (checked: a killed worker is replaced), else the next freed."""
        while True:
            if self._idle:
                worker = self._idle.popleft()
            else:
                waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
                self._waiting.append(waiter)
                try:
                    worker = await waiter
                except asyncio.CancelledError:  # given a worker, then cancelled before it could use it
                    if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                        self._release(waiter.result())
                    raise
            if worker.pid in self._all and self._exited(worker) is None:
                return worker
            self._all.pop(worker.pid, None)  # already reaped by _exited: only its pipes are left
            for fd in (worker.requests, worker.answers):
                _SERVER_ENDS.discard(fd)
                os.close(fd)
            if self.running:
                self._idle.append(self._fork())

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker, under the deadline; raises the errors a client is told."""
        if not self.running:
            raise WorkerCrashed("the query workers are not running (the server is stopping)")
        if self.pending >= self.capacity:
            raise ServerBusy(
                f"the server is busy: {self.pending} queries are running or waiting (the most it takes); retry shortly"
            )
        if TASKS.get(function.__name__) is not function:
            raise ValueError(f"{function.__name__} is not a task the workers run")
        request = request_frame(function.__name__, args)
        self.pending += 1
        try:
            self._reap()
            worker: _Worker | None = await self._take()
            for attempt in (1, 2):
                assert worker is not None
                try:
                    frame = await self._exchange(worker, request)
                except _Died as died:
                    status = self._wait_status(worker)
                    # it died before it read the request (killed as it was handed the query): once
                    # more, on the worker forked in its place (any other idle one may be dying too)
                    again = died.unread and attempt == 1
                    worker = self._replace(worker, kill=False, keep=again)
                    if again and worker is not None:
                        continue
                    how = self._how(status)
                    raise WorkerCrashed(
                        f"the worker process running the query ended abnormally ({how}); another has taken its place"
                    ) from None
                except TimeoutError:
                    self._replace(worker, kill=True)
                    raise QueryTimeout(
                        f"query stopped: it ran longer than this server's limit of {self.timeout:g} seconds (--timeout)"
                    ) from None
                except BaseException:  # cancelled (the server stopping): its answer would come too late
                    self._replace(worker, kill=True)
                    raise
                self._release(worker)
                kind, body = frame
                if kind == BYTES_FRAME:
                    return cast("T", body)
                value = pickle.loads(body)
                if kind == ERROR_FRAME:
                    raise value
                return cast("T", value)
            raise AssertionError("unreachable: the second attempt returns or raises")
        finally:
            self.pending -= 1

    def _wait_status(self, worker: _Worker) -> int:
        """How a worker whose pipe ended ended (it has exited, or is about to: wait for it)."""
        try:
            os.kill(worker.pid, signal.SIGKILL)  # a worker that closed its pipe without exiting
        except ProcessLookupError:
            pass
        try:
            _, status = os.waitpid(worker.pid, 0)
        except ChildProcessError:
            return 0
        return status

    @staticmethod
    def _how(status: int) -> str:
        if os.WIFSIGNALED(status):
            return f"signal {os.WTERMSIG(status)}"
        return f"exit code {os.waitstatus_to_exitcode(status)}"

    async def _exchange(self, worker: _Worker, request: bytes) -> tuple[bytes, bytes]:
        """Send a request frame and read the answer frame (its kind and body), within the deadline.

        Raises TimeoutError at the deadline and :class:`_Died` when the worker's pipe ends.
        """
        loop = asyncio.get_running_loop()
        done: asyncio.Future[tuple[bytes, bytes]] = loop.create_future()
        received = bytearray()
        expected = -1
        sent = memoryview(request)

        def unread() -> bool:
            """Whether the worker read none of the request (it died before it could run it)."""
            if sent:  # not all of it was written: the worker never had it whole
                return True
            import termios

            waiting = bytearray(4)
            try:
                fcntl.ioctl(worker.requests, termios.FIONREAD, waiting)
            except OSError:
                return False
            return int.from_bytes(waiting, sys.byteorder) == len(request)

        def readable() -> None:
            nonlocal expected
            try:
                # what is left of the frame, once its length is known: os.read allocates as much as it is asked for
                chunk = os.read(worker.answers, 1 << 16 if expected < 0 else min(expected - len(received), PIPE_BYTES))
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                if not done.done():
                    done.set_exception(_Died(unread()))
                return
            received.extend(chunk)
            if expected < 0 and len(received) >= FRAME_LENGTH:
                expected = FRAME_LENGTH + int.from_bytes(received[:FRAME_LENGTH], "big")
            if 0 <= expected <= len(received) and not done.done():
                whole = memoryview(received)
                done.set_result(
                    (bytes(whole[FRAME_LENGTH : FRAME_LENGTH + 1]), bytes(whole[FRAME_LENGTH + 1 : expected]))
                )
                whole.release()

        def writable() -> None:
            nonlocal sent
            try:
                sent = sent[os.write(worker.requests, sent) :]
            except BlockingIOError:
                return
            except OSError:  # the worker is gone (EPIPE): its answers pipe says how
                sent = sent[len(sent) :]
                loop.remove_writer(worker.requests)
                if not done.done():
                    done.set_exception(_Died(True))
                return
            if not sent:
                loop.remove_writer(worker.requests)

        def expire() -> None:
            if not done.done():
                done.set_exception(TimeoutError())

        timer = loop.call_later(self.timeout, expire)
        loop.add_reader(worker.answers, readable)
        try:
            writable()
            if sent:  # larger than the pipe holds: the rest as the worker reads
                loop.add_writer(worker.requests, writable)
            return await done
        finally:
            timer.cancel()
            loop.remove_reader(worker.answers)
            if sent:
                loop.remove_writer(worker.requests)

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
