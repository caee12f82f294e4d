"""Running ``kosovo-kg serve``: the listening socket, the workers, uvicorn, the access log, and
stopping all of it together.

The socket is bound here and handed to uvicorn, so a busy port or an unusable host is one
``error:`` line (:class:`ListenError`, exit 2) rather than uvicorn's log and traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TextIO

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kosovo_kg.errors import ListenError
from kosovo_kg.web.app import create_app
from kosovo_kg.web.protocol import MAX_BODY
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


def _quoted(raw: bytes) -> str:
    """Bytes of a request for the log: printable ASCII as it is, every other byte (a line break,
    a quote, a backslash, an ESC, a byte of UTF-8) as ``\\xHH``, so that no request can end its
    log line, add one, or write to the terminal that reads it.

    >>> _quoted(b'/a%0A b\\n"c')
    '/a%0A b\\\\x0a\\\\x22c'
    """
    return "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else f"\\x{b:02x}" for b in raw)


def _field(text: str) -> str:
    """An unquoted field of the log (the client's address): as :func:`_quoted`, spaces escaped too."""
    return _quoted(text.encode("utf-8", "surrogateescape")).replace(" ", "\\x20") or "-"


class AccessLog:
    """One line per request on ``stream``: client, the quoted request (method and target as
    received, escaped by :func:`_quoted`), status and milliseconds.

    uvicorn's own access log has no duration; this middleware is the one place lines are written
    (and :meth:`refused`, for a request the protocol refused before it became one).
    """

    def __init__(self, app: Any, stream: TextIO | None = None):
        self.app, self.stream = app, stream

    def write(self, client: str, request: str, status: int | str, milliseconds: float) -> None:
        (self.stream or sys.stderr).write(f'{client} "{request}" {status} {milliseconds:.1f}ms\n')

    def refused(self, client: tuple[str, int] | None, status: int) -> None:
        self.write(_field(str(client[0])) if client else "-", "-", status, 0.0)

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
            target = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if scope.get("query_string"):
                target += b"?" + scope["query_string"]
            request = f"{_quoted(scope['method'].encode('ascii', 'replace'))} {_quoted(target)}"
            self.write(_field(str(client[0])) if client else "-", request, status or "-",
                       (time.perf_counter() - started) * 1000)  # fmt: skip


#: The request line at most (method, target, version): a query longer than this goes in a POST body.
MAX_REQUEST_LINE = 16 * 1024
#: One header field (name and value) at most, the number of fields, and the whole head.
MAX_HEADER_FIELD = 8 * 1024
MAX_HEADERS = 100
MAX_HEAD = 64 * 1024


class _Refused(Exception):
    """Raised in a parser callback to stop parsing a request the protocol refuses."""


class _OneLinePerRequest(logging.Filter):
    """uvicorn warns "Invalid HTTP request received." for each request it cannot parse; the access
    log already has that request's line (with its status), so the warning would be a second one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "Invalid HTTP request received."


_ONE_LINE_PER_REQUEST = _OneLinePerRequest()


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with bounds at the door: on how long a request's headers may
    take, on the size of its head, and on the size of its body.

    **Time.** uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but arms
    that timer only after a response, and any byte received cancels it: a connection that never
    sends a request, or sends its headers a byte at a time, is held open indefinitely (measured on
    uvicorn 0.54 with httptools and timeout_keep_alive=5: a connection that sent nothing, and one
    sending a header byte per second, were both still open after 30 s, when the measurement
    stopped). Here the headers of each request must be complete within ``read_timeout`` seconds
    of the connection opening or of the previous response.

    **Size.** httptools sets no limit: it gathers a header of any length before it hands it over,
    and a 1 MB header or 10,000 headers were answered 200 after 6.5 s. Here the head is fed to the
    parser at most :data:`MAX_HEAD` bytes at a time; a request line over :data:`MAX_REQUEST_LINE`
    is a 414, a header field over :data:`MAX_HEADER_FIELD`, more than :data:`MAX_HEADERS` of them,
    or a head over :data:`MAX_HEAD` a 431, a declared body over the protocol's ``MAX_BODY`` a 413,
    all before the application sees the request; a chunked body that goes on past twice that
    (routes that read a body refuse it at ``MAX_BODY`` with a 413 of their own) closes the
    connection. h11 was measured as the alternative (benchmarks/RESULTS.md, the door section): with
    ``h11_max_incomplete_event_size`` of 64 KB it answered a 1 MB header 400 (not 431), took
    10,000 small headers with a 200 after 5.1-5.4 s, and served 1,505-2,182 small GETs a second
    where the guarded httptools served 3,489-3,535 (two runs). The parsing itself stays httptools'.
    """

    #: Seconds a request's headers may take; set by :func:`guarded_protocol`.
    read_timeout: float = 0.0
    #: Where a refused request's line is written, if anywhere.
    refusal_log: AccessLog | None = None
    _header_timer: asyncio.TimerHandle | None = None
    _refusal: tuple[int, str] | None = None
    _in_head = True
    _head_bytes = 0
    _header_count = 0
    _body_bytes = 0

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.read_timeout, self._too_slow)

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

    def data_received(self, data: bytes) -> None:
        while data and not self.transport.is_closing():
            if self._in_head:
                room = MAX_HEAD - self._head_bytes
                if room <= 0:
                    self._refuse(431, f"the request's head is larger than this server's limit of {MAX_HEAD:,} bytes")
                    self.send_400_response("")
                    return
                piece, data = data[:room], data[room:]
                self._head_bytes += len(piece)
            else:
                piece, data = data, b""
            super().data_received(piece)

    def _refuse(self, status: int, message: str) -> None:
        if self._refusal is None:
            self._refusal = (status, message)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request it cannot parse, or the door's refusal: JSON, as every
        other error of ``serve``, and the connection closed."""
        status, message = self._refusal or (400, "the request is not valid HTTP/1.1")
        body = json.dumps({"error": message, "status": status}).encode()
        head = [
            b"HTTP/1.1 %d %s\r\n" % (status, HTTPStatus(status).phrase.encode()),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
        if self.refusal_log is not None:
            self.refusal_log.refused(self.client, status)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_count = 0
        self._body_bytes = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_REQUEST_LINE:
            self._refuse(414, f"the request's target is longer than {MAX_REQUEST_LINE:,} bytes; POST a long query")
            raise _Refused

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if len(name) + len(value) > MAX_HEADER_FIELD:
            self._refuse(431, f"a header field is larger than this server's limit of {MAX_HEADER_FIELD:,} bytes")
            raise _Refused
        if self._header_count > MAX_HEADERS:
            self._refuse(431, f"the request has more than {MAX_HEADERS} header fields")
            raise _Refused
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        declared = [value for name, value in self.headers if name == b"content-length"]
        if declared and declared[-1].strip().isdigit() and int(declared[-1]) > MAX_BODY:
            self._refuse(413, f"the request body is larger than this server's limit of {MAX_BODY:,} bytes")
            raise _Refused
        self._in_head = False
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self._body_bytes > 2 * MAX_BODY:
            self.transport.close()
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.pipeline and not self.transport.is_closing():
            self._arm()


def guarded_protocol(read_timeout: float, log: AccessLog | None = None) -> type[HttpToolsProtocol]:
    """:class:`GuardedHttpToolsProtocol` with this bound on the time a request's headers take and
    this log of refusals, as the protocol class uvicorn is given (``http=``)."""
    logging.getLogger("uvicorn.error").addFilter(_ONE_LINE_PER_REQUEST)  # once: the same filter
    return type(
        "GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {"read_timeout": read_timeout, "refusal_log": log}
    )


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
        if not settings.base_url:  # the listening address, with the port a port of 0 was given
            settings = self.settings = settings._replace(base_url=self.url)
        self.app = AccessLog(create_app(kg, settings, self.workers), log)
        self.config = uvicorn.Config(
            self.app,
            http=guarded_protocol(settings.read_timeout, self.app),
            # X-Forwarded-For and -Proto are the client's to write: trusted only when asked, from
            # the proxies named (uvicorn's default trusts them from any loopback client)
            proxy_headers=settings.proxy_headers,
            forwarded_allow_ips=settings.forwarded_allow_ips,
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
