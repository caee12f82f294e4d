"""HTTP framing of ``kosovo-kg serve``, byte by byte over raw sockets on 127.0.0.1: each defect the
old http.server front had (HEAD with a body, a bad or duplicate Content-Length, chunked bodies
ignored, the rest of a body after a 413 read as a new request, slow clients holding the server)
is tried here against the real server (uvicorn in this process)."""

from __future__ import annotations

import io
import re
import socket
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from kosovo_kg.web.server import Serving
from kosovo_kg.web.settings import ServeSettings

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def serving(kg) -> Iterator[Serving]:
    running = Serving(kg, ServeSettings(port=0, timeout=5, read_timeout=2), log=io.StringIO())
    running.start_in_thread()
    try:
        yield running
    finally:
        running.close()


def address(serving: Serving) -> tuple[str, int]:
    return serving.socket.getsockname()[:2]


def connect(serving: Serving, timeout: float = 10) -> socket.socket:
    return socket.create_connection(address(serving), timeout=timeout)


def read_responses(
    sock: socket.socket, count: int, limit: float = 10, no_more: float = 0.0
) -> list[tuple[int, dict[str, str], bytes]]:
    """Read ``count`` responses framed by their Content-Length (or until the server closes); then,
    for ``no_more`` seconds, check that no further response arrives."""
    data = b""
    responses = []
    deadline = time.monotonic() + limit
    while len(responses) < count and time.monotonic() < deadline:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return responses
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        head_request = headers.pop("x-test-head", None)
        while len(data) < length and not head_request:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        body, data = data[:length], data[length:]
        responses.append((status, headers, body))
    if no_more:
        sock.settimeout(no_more)
        try:
            data += sock.recv(65536)
        except (TimeoutError, OSError):
            pass
        assert not data.startswith(b"HTTP/"), f"an unexpected extra response: {data[:80]!r}"
    return responses


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        while sock.recv(65536):
            pass
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


def request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_head_sends_headers_only_and_keep_alive_framing_holds(serving):
    with connect(serving) as sock:
        sock.sendall(request("HEAD", "/resource/kosovo") + request("GET", "/api/queries/kfor-strength?format=csv"))
        sock.settimeout(10)
        data = b""
        while data.count(b"\r\n\r\n") < 2 or not data.endswith(b"\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"kfor-strength-2024" in data:
                break
    head, rest = data.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200") and int(re.search(rb"content-length: (\d+)", head).group(1)) > 1000
    assert rest.startswith(b"HTTP/1.1 200")  # the next response comes right after HEAD's headers: no body
    assert b"date,troops,count" in rest


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Length": "abc"},
        {"Content-Length": "-5"},
        {"Content-Length": "5, 6"},
        {"Content-Length": "5\r\nContent-Length: 6"},
        {"Content-Length": "5\r\nTransfer-Encoding: chunked"},
        {"Transfer-Encoding": "chunked, identity"},
    ],
)
def test_malformed_or_ambiguous_framing_is_refused_and_the_server_goes_on(serving, headers):
    body = b"ASK{}"
    with connect(serving) as sock:
        sock.sendall(request("POST", "/sparql", {"Content-Type": "application/sparql-query", **headers}, body))
        responses = read_responses(sock, 1, no_more=0.5)
        assert [status for status, _, _ in responses] == [400]
        assert closed_by_server(sock, within=5)
    with connect(serving) as sock:  # and the next client is served
        sock.sendall(request("GET", "/sparql?" + urllib.parse.urlencode({"query": COUNT}), {"Accept": "text/csv"}))
        assert read_responses(sock, 1)[0][0] == 200


def test_identical_duplicate_content_length_is_not_two_requests(serving):
    """RFC 9112 lets a recipient take identical duplicates as one value or refuse them: either way,
    exactly one answer, and the body is never read as another request."""
    body = b"ASK{}"
    with connect(serving) as sock:
        sock.sendall(
            request(
                "POST",
                "/sparql",
                {"Content-Type": "application/sparql-query", "Content-Length": "5\r\nContent-Length: 5"},
                body,
            )
        )
        statuses = [status for status, _, _ in read_responses(sock, 1, no_more=1.0)]
    assert statuses in ([200], [400])


def test_a_chunked_body_is_read(serving):
    query = COUNT.encode()
    chunked = (
        b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (query[:10], query[10:])) + b"0\r\n\r\n"
    )
    with connect(serving) as sock:
        sock.sendall(
            request(
                "POST",
                "/sparql",
                {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked", "Accept": "text/csv"},
                chunked,
            )
        )
        [(status, _, answer)] = read_responses(sock, 1)
    assert status == 200 and answer.decode().split()[0] == "n" and int(answer.split()[1]) > 1000


def test_a_chunked_body_over_the_limit_is_413(serving):
    chunk = b"#" * 65536
    with connect(serving) as sock:
        sock.sendall(
            request("POST", "/sparql", {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"})
        )
        for _ in range(17):  # 1.1 MB, past the 1 MB limit
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:
                break
        [(status, _, body)] = read_responses(sock, 1)
    assert status == 413 and b"1,000,000 bytes" in body


def test_the_rest_of_a_body_after_413_is_never_a_request(serving):
    smuggled = request("GET", "/smuggled-inside-the-body")
    declared = 1_500_000
    body = (smuggled * (declared // len(smuggled) + 1))[:declared]
    log = serving.app.stream
    with connect(serving) as sock:
        sock.sendall(
            request("POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": str(declared)})
        )
        [(status, _, answer)] = read_responses(sock, 1)
        assert status == 413 and b"larger than this server's limit" in answer
        try:  # the client sends the body it declared, then a request of its own
            sock.sendall(body + request("GET", "/api/queries/kfor-strength?format=csv"))
            after = read_responses(sock, 1, no_more=1.0)
        except OSError:  # or the server has closed the connection: also sound
            after = []
    assert all(status == 200 and b"kfor-strength-2024" in body for status, _, body in after)
    assert "/smuggled" not in log.getvalue()


def test_slow_clients_and_many_idle_connections_do_not_hold_up_queries(serving):
    opened = time.monotonic()
    idle = [connect(serving) for _ in range(200)]
    slow = connect(serving)
    cut_off = None
    try:
        trickle = request("GET", "/api/queries")  # a client that sends its headers a byte at a time
        timings = []
        for index in range(40):
            if cut_off is None:
                try:
                    slow.sendall(trickle[index : index + 1])
                except OSError:
                    cut_off = time.monotonic() - opened
            started = time.monotonic()
            with connect(serving) as sock:
                sock.sendall(
                    request("GET", "/sparql?" + urllib.parse.urlencode({"query": COUNT}), {"Accept": "text/csv"})
                )
                [(status, _, _)] = read_responses(sock, 1)
            timings.append(time.monotonic() - started)
            assert status == 200
            time.sleep(0.1)
        assert max(timings) < 1.0, timings
        # headers are due within read_timeout (2 s): the slow client and the idle ones are cut off
        assert cut_off is not None and cut_off < 2 + 1.5, cut_off
        assert all(closed_by_server(sock, within=3) for sock in idle)
    finally:
        for sock in [*idle, slow]:
            sock.close()
