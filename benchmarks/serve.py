"""Measure `kosovo-kg serve`: start-up time, the latency of a stored query over HTTP, and
throughput with concurrent clients. Everything runs on 127.0.0.1; requests are bounded in
number and time.

    python benchmarks/serve.py                 # 8 clients for 10 s, 200 sequential requests
    python benchmarks/serve.py --clients 8 --seconds 30 --query nato-members
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def start_server(port: int, *options: str) -> subprocess.Popen:
    """``kosovo-kg serve`` on 127.0.0.1:port as a child process (stop it with terminate())."""
    return subprocess.Popen(
        [sys.executable, "-m", "kosovo_kg", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_until_ready(server: subprocess.Popen, port: int, path: str, limit: float = 60) -> http.client.HTTPConnection:
    """Poll ``path`` until the server answers; returns the open connection."""
    started = time.perf_counter()
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return connection
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with code {server.returncode}") from None
            if time.perf_counter() - started > limit:
                raise SystemExit(f"the server did not start within {limit:g} s") from None
            time.sleep(0.02)


def measure_serve(
    clients: int = 8, seconds: float = 10.0, sequential: int = 200, query: str = "non-recognizing-nato-members"
) -> dict:
    """Start ``kosovo-kg serve`` on a free loopback port, measure it, stop it; the figures in seconds."""
    port = free_port()
    started = time.perf_counter()
    server = start_server(port)
    path = f"/api/queries/{query}"
    try:
        connection = wait_until_ready(server, port, path)
        startup = time.perf_counter() - started

        latencies = []
        for _ in range(sequential):
            begin = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            latencies.append(time.perf_counter() - begin)
        connection.close()

        results: list[list[float]] = [[] for _ in range(clients)]
        errors = [0] * clients
        deadline = time.perf_counter() + seconds

        def client(index: int) -> None:
            own = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                own.request("GET", path)
                response = own.getresponse()
                response.read()
                if response.status != 200:
                    errors[index] += 1
                results[index].append(time.perf_counter() - begin)
            own.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        begin = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - begin
        concurrent = [value for per_client in results for value in per_client]
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        "path": path,
        "startup": startup,
        "sequential": sequential,
        "sequential_median": statistics.median(latencies),
        "sequential_p99": percentile(latencies, 0.99),
        "clients": clients,
        "seconds": seconds,
        "requests": len(concurrent),
        "errors": sum(errors),
        "throughput": len(concurrent) / elapsed,
        "p50": percentile(concurrent, 0.5),
        "p99": percentile(concurrent, 0.99),
    }


def serve_table(figures: dict) -> list[str]:
    """The figures as Markdown table lines."""
    f = figures
    return [
        f"query: GET {f['path']}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| start-up (process start to first answer) | {f['startup'] * 1000:.0f} ms |",
        f"| sequential latency, median of {f['sequential']} | {f['sequential_median'] * 1000:.2f} ms |",
        f"| sequential latency, p99 | {f['sequential_p99'] * 1000:.2f} ms |",
        f"| {f['clients']} clients for {f['seconds']:g} s: requests | {f['requests']} ({f['errors']} errors) |",
        f"| throughput | {f['throughput']:.0f} requests/s |",
        f"| concurrent latency p50 / p99 | {f['p50'] * 1000:.2f} / {f['p99'] * 1000:.2f} ms |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--query", default="non-recognizing-nato-members")
    args = parser.parse_args()
    figures = measure_serve(args.clients, args.seconds, args.sequential, args.query)
    print(
        f"# kosovo-kg serve, {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("\n".join(serve_table(figures)))


if __name__ == "__main__":
    main()
