"""Running ``kosovo-kg serve``: the listening socket, the workers, uvicorn, the access log, and
stopping all of it together.

The socket is bound here and handed to uvicorn, so a busy port or an unusable host is one
``error:`` line (:class:`ListenError`, exit 2) rather than uvicorn's log and traceback.
"""

from __future__ import annotations

import asyncio
import resource
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kosovo_kg.errors import ListenError
from kosovo_kg.web.app import create_app
from kosovo_kg.web.sandbox import probe_network_namespace
from kosovo_kg.web.settings import ServeSettings
from kosovo_kg.web.workers import QueryWorkers

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: Pending connections the kernel holds for us (http.server's was 5: clients were dropped at 64).
BACKLOG = 2048
#: Connections (and requests in progress) past which uvicorn answers 503 at once.
MAX_CONNECTIONS = 4096


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``, or :class:`ListenError` saying why not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise ListenError(f"cannot listen on {host}:{port}: {getattr(error, 'strerror', None) or error}") from None
    family, kind, proto, _, address = found[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


class AccessLog:
    """One line per request on ``stream``: client, method, path, status and milliseconds.

    uvicorn's own access log has no duration; this middleware is the one place lines are written.
    """

    def __init__(self, app: Any, stream: TextIO | None = None):
        self.app, self.stream = app, stream

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            stream = self.stream or sys.stderr
            stream.write(
                f"{client[0] if client else '-'} {scope['method']} {scope['path']} {status or '-'} "
                f"{(time.perf_counter() - started) * 1000:.1f}ms\n"
            )


def guarded_protocol(read_timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with a limit on how long a request's headers may take.

    uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but arms that
    timer only after a response, and any byte received cancels it: a connection that never
    sends a request, or sends its headers a byte at a time, is held open indefinitely
    (measured on uvicorn 0.54 with httptools and timeout_keep_alive=5: a connection that sent
    nothing, and one sending a header byte per second, were both still open after 30 s, when
    the measurement stopped). Here the headers of each request must be complete within
    ``read_timeout`` seconds of the connection opening or of the previous response; the
    parsing itself stays uvicorn's (httptools).
    """

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(read_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.pipeline and not self.transport.is_closing():
                self._arm()

    return GuardedHttpToolsProtocol


class Serving:
    """The socket, the workers and uvicorn, started and stopped together."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        settings: ServeSettings,
        announce: Callable[[str], None] = print,
        log: TextIO | None = None,
    ):
        self.settings = settings
        self.socket = listen(settings.host, settings.port)
        try:
            self.network_reason = None if settings.allow_federation else probe_network_namespace()
            self.workers = QueryWorkers(
                kg,
                workers=settings.workers,
                timeout=settings.timeout,
                queue=settings.queue,
                max_result_bytes=settings.max_result_bytes,
                isolate=not settings.allow_federation and self.network_reason is None,
                cache_bytes=settings.cache_bytes,
            )
            self.workers.start()
        except BaseException:
            self.socket.close()
            raise
        _raise_open_files_limit()
        # the app's own address (its queries' base IRI) is the port bound, when 0 asked for any
        bound = settings._replace(port=self.socket.getsockname()[1])
        self.app = AccessLog(create_app(kg, bound, self.workers), log)
        self.config = uvicorn.Config(
            self.app,
            http=guarded_protocol(settings.read_timeout),
            loop="auto",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_keep_alive=5,
            # SIGTERM: stop accepting, let running queries finish (they end by the deadline), then stop
            timeout_graceful_shutdown=int(settings.timeout) + 5,
            limit_concurrency=MAX_CONNECTIONS,
            backlog=BACKLOG,
            server_header=False,
        )
        self.server = uvicorn.Server(self.config)
        self.announce = announce
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM (from the main thread), then stop everything."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.close()

    def start_in_thread(self) -> None:
        """Serve from a thread (the tests): uvicorn installs no signal handlers there."""
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=self.settings.timeout + 10)
            self._thread = None
        self.workers.close()
        self.socket.close()


def _raise_open_files_limit() -> None:
    """Each connection is a file descriptor: allow as many as the hard limit (up to 65536)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def startup_lines(serving: Serving) -> list[str]:
    """What ``serve`` says when it starts: where it listens, and how its workers are kept off the network."""
    url, settings = serving.url, serving.settings
    lines = [
        f"kosovo-kg serving at {url}/  (SPARQL at {url}/sparql, API at {url}/openapi.json; "
        f"{settings.workers} query worker{'s' if settings.workers != 1 else ''}; Ctrl-C stops)"
    ]
    if settings.allow_federation:
        lines.append("warning: --allow-federation: queries may make the workers connect to other servers (SERVICE)")
    elif serving.network_reason is not None:
        lines.append(
            "warning: the query workers cannot have a network namespace of their own here "
            f"({serving.network_reason}); only the SERVICE screen keeps queries from the network"
        )
    return lines


def serve_until_stopped(kg: KnowledgeGraph, settings: ServeSettings, announce: Callable[[str], None] = print) -> None:
    """Serve until Ctrl-C or SIGTERM: in-flight queries finish, then the workers stop."""
    serving = Serving(kg, settings, announce)
    # uvicorn re-raises the signal that stopped it once it has drained, under the handler that
    # was in place before it: this one, so that the exit is an ordinary one.
    stopping = {"signal": 0}

    def note(signum: int, frame: object) -> None:
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, note)
    signal.signal(signal.SIGTERM, note)
    for line in startup_lines(serving):
        announce(line)
    serving.run()
    announce("stopped")
