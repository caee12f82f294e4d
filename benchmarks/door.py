"""Measure serve's door: what hostile request patterns cost the server in memory, how fast an
oversized request head is refused, and what the guarded httptools protocol costs against h11.

    python benchmarks/door.py                  # everything; writes benchmarks/results/door.md (--update: its section of RESULTS.md)
    python benchmarks/door.py --requests 300   # more requests per memory pattern

Memory: `kosovo-kg serve --cache-mb 8` as a child process; each pattern is sent after a warm-up,
and the resident set of the server process (the front, which holds the answer cache and every
connection) and of its query workers is read before, then after every 50 requests; the figure
is the growth per 100 requests over the pattern's second half (after the first half has filled
whatever is bounded), and over the whole.

- distinct 60 KB Host headers (each now refused at the door with a 431, before any route);
- distinct short Host headers asking for VoID (which was once made and kept per Host);
- distinct ~1 MB queries POSTed (each a different text, so the answer cache, bounded by bytes,
  sees a new key each time).

Protocol: the same server on uvicorn's h11 (with h11_max_incomplete_event_size as the door) and
on this project's guarded httptools: small GETs per second over keep-alive (4 client threads,
median of 3 runs), and the time to answer a 1 MB header and 10,000 headers.

Nothing is asserted: the figures go to the report (report.py). Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import add_update_option, command_line, machine_line, publish
from serve import free_port  # beside this file, not a package
from soak import rss_kb

HERE = Path(__file__).resolve().parent


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def exchange(port: int, request: bytes, timeout: float = 60) -> int:
    """Send one raw request on a new connection; the status of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except OSError:
            pass
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            while sock.recv(65536):
                pass
        except OSError:  # the server closed a refused connection with data unread: a reset
            pass
    return int(data.split(b" ", 2)[1]) if data else 0


def wait_ready(port: int, server: subprocess.Popen, limit: float = 120) -> None:
    started = time.monotonic()
    while True:
        try:
            if exchange(port, b"GET /api/queries HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n") == 200:
                return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() - started > limit:
            raise SystemExit("the server did not start")
        time.sleep(0.2)


# --- memory under hostile patterns ----------------------------------------------------------------


def host_60kb(number: int) -> bytes:
    host = f"h{number}-".encode() + b"x" * 60_000 + b".example"
    return b"GET /.well-known/void HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"


def host_short(number: int) -> bytes:
    return f"GET /.well-known/void HTTP/1.1\r\nHost: h{number}.example\r\nConnection: close\r\n\r\n".encode()


def query_1mb(number: int) -> bytes:
    # a different text each time, under the 1,000,000-byte body limit; cheap to answer
    query = f'ASK {{ FILTER("{number}-' + "x" * 990_000 + '" != "") }'
    body = query.encode()
    head = (
        "POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: application/sparql-results+json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


PATTERNS = {
    "distinct 60 KB Host headers": host_60kb,
    "distinct short Host headers, VoID": host_short,
    "distinct ~1 MB queries, --cache-mb 8": query_1mb,
}


def memory(requests: int) -> list[str]:
    lines = [
        "### Server memory under hostile request patterns",
        "",
        f"`kosovo-kg serve --cache-mb 8 --workers 2`; {requests} requests per pattern, one at a time after a warm-up of 20; "
        "RSS of the server process (front) and of its query workers (shared pages counted in each), in MB.",
        "",
        "| pattern | statuses | front before | front after | front growth per 100, second half | front growth per 100, whole | workers before | workers after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, make in PATTERNS.items():
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "kosovo_kg", "serve", "--port", str(port), "--cache-mb", "8", "--workers", "2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, server)
            for number in range(20):  # warm-up: what is made once (VoID, the caches' first entries)
                exchange(port, make(-1 - number))
            workers = children(server.pid)
            front = [rss_kb(server.pid)]
            back = [sum(rss_kb(child) for child in workers)]
            statuses: dict[int, int] = {}
            for number in range(requests):
                status = exchange(port, make(number))
                statuses[status] = statuses.get(status, 0) + 1
                if (number + 1) % 50 == 0:
                    front.append(rss_kb(server.pid))
                    back.append(sum(rss_kb(child) for child in workers))
        finally:
            server.terminate()
            server.wait(timeout=60)
        half = len(front) // 2
        second = (front[-1] - front[half]) / 1024 / ((len(front) - 1 - half) * 50) * 100
        whole = (front[-1] - front[0]) / 1024 / requests * 100
        shown = ", ".join(f"{count}× {status}" for status, count in sorted(statuses.items()))
        lines.append(
            f"| {name} | {shown} | {front[0] / 1024:.1f} | {front[-1] / 1024:.1f} | {second:+.1f} | {whole:+.1f} | "
            f"{back[0] / 1024:.1f} | {back[-1] / 1024:.1f} |"
        )
        print(lines[-1], flush=True)
    return lines


# --- the protocol: guarded httptools against h11 --------------------------------------------------

SERVE_WITH = """
import sys, uvicorn
from kosovo_kg import load_graph
from kosovo_kg.web.server import Serving
from kosovo_kg.web.settings import ServeSettings
protocol, port = sys.argv[1], int(sys.argv[2])
serving = Serving(load_graph(), ServeSettings(port=port, workers=2))
if protocol == "h11":
    serving.config = uvicorn.Config(serving.app, http="h11", h11_max_incomplete_event_size=64 * 1024,
                                    lifespan="off", log_level="critical", access_log=False, proxy_headers=False)
    serving.server = uvicorn.Server(serving.config)
serving.run()
"""


def small_gets(port: int, seconds: float, clients: int = 4) -> float:
    """Small GETs per second over keep-alive connections."""
    import http.client

    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            connection.request("GET", "/ontology")
            connection.getresponse().read()
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def timed(port: int, request: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    status = exchange(port, request)
    return status, time.perf_counter() - started


def protocols(seconds: float) -> list[str]:
    big_header = b"GET /ontology HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n"
    many = b"GET /ontology HTTP/1.1\r\nHost: localhost\r\n" + b"X-H: a\r\n" * 10_000 + b"\r\n"
    lines = [
        "### The door's protocol: guarded httptools against h11",
        "",
        f"Small GETs (/ontology, 4 keep-alive clients, {seconds:g} s, median of 3 runs, interleaved) and the answer "
        "to a 1 MB header and to 10,000 headers.",
        "",
        "| protocol | GETs per second | 1 MB header | 10,000 headers |",
        "|---|---|---|---|",
    ]
    servers, rates = {}, {"httptools (guarded)": [], "h11": []}
    try:
        for name, protocol in (("httptools (guarded)", "guarded"), ("h11", "h11")):
            port = free_port()
            servers[name] = (
                port,
                subprocess.Popen(
                    [sys.executable, "-c", SERVE_WITH, protocol, str(port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
            )
            wait_ready(port, servers[name][1])
        for _ in range(3):
            for name, (port, _) in servers.items():
                rates[name].append(small_gets(port, seconds))
        for name, (port, _) in servers.items():
            header = timed(port, big_header)
            headers = timed(port, many)
            lines.append(
                f"| {name} | {statistics.median(rates[name]):,.0f} | {header[0]} in {header[1] * 1000:.0f} ms | "
                f"{headers[0]} in {headers[1] * 1000:.0f} ms |"
            )
            print(lines[-1], flush=True)
    finally:
        for _, server in servers.values():
            server.terminate()
            server.wait(timeout=60)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="Requests per memory pattern.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Seconds per throughput run.")
    add_update_option(parser)
    args = parser.parse_args()
    header = [
        "## serve's door under hostile requests (`benchmarks/door.py`)",
        "",
        f"Command: `{command_line()}`; {machine_line()}.",
        "",
    ]
    lines = [*header, *memory(args.requests), "", *protocols(args.seconds)]
    for written in publish("door", lines, args.update):
        print(f"wrote {written}")


if __name__ == "__main__":
    main()
