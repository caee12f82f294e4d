"""Soak `kosovo-kg serve`: concurrent clients for a while with a mix of stored-query API calls
and ad-hoc SPARQL, some failing on purpose (a syntax error, an unknown stored query, a refused
SERVICE, a malformed parameter, an update). Every request has the status it should get; any
other status, a dropped connection or a client timeout is an unexpected error. The server's
memory (resident set of the server process and of its query workers) is sampled as it runs.

    python benchmarks/soak.py                  # 8 clients for 60 s
    python benchmarks/soak.py --seconds 600 --clients 16

Exits 1 if there was any unexpected error. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import free_port, percentile, start_server, wait_until_ready  # beside this file, not a package

NON_RECOGNIZING = (
    "PREFIX kkg: <https://w3id.org/kosovo-kg/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?label WHERE { ?r kkg:recognitionStatus kkg:DoesNotRecognize ; kkg:recognizer/rdfs:label ?label }"
)


def sparql_get(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    expected: int
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
#: The mix, drawn in turn by each client (from a different starting point): 9 that succeed, 5 that fail on purpose.
MIX = [
    Request("api nato-members", "GET", "/api/queries/nato-members", 200),
    Request("api recognized-before", "GET", "/api/queries/recognized-before?date=2008-02-20", 200),
    Request("api statements-by-person csv", "GET", "/api/queries/statements-by-person?speaker=vjosa-osmani&format=csv", 200),
    Request("api poll-trend", "GET", "/api/queries/poll-trend", 200),
    Request("sparql GET select", "GET", sparql_get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 200, headers={"Accept": "text/csv"}),
    Request("sparql POST form", "POST", "/sparql", 200, urllib.parse.urlencode({"query": NON_RECOGNIZING}).encode(), FORM),
    Request("sparql POST direct", "POST", "/sparql", 200, NON_RECOGNIZING.encode(), {"Content-Type": "application/sparql-query", "Accept": "text/csv"}),
    Request("resource page", "GET", "/resource/kosovo", 200),
    Request("api catalogue", "GET", "/api/queries", 200),
    Request("sparql syntax error", "GET", sparql_get("SELECT * WHERE { ?s ?p }"), 400),
    Request("api unknown query", "GET", "/api/queries/nato-membrs", 404),
    Request("sparql SERVICE refused", "GET", sparql_get("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), 403),
    Request("api bad parameter", "GET", "/api/queries/recognized-before?date=18/02/2008", 400),
    Request("sparql update refused", "POST", "/sparql", 403, b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", {"Content-Type": "application/sparql-update"}),
]  # fmt: skip


def rss_kb(pid: int) -> int:
    """Resident set size of a process in kB (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_kind: Counter[str] = Counter()
        self.expected_errors = 0
        self.unexpected: Counter[str] = Counter()

    def record(self, request: Request, latency: float, problem: str | None) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.by_kind[request.kind] += 1
            if problem:
                self.unexpected[f"{request.kind}: {problem}"] += 1
            elif request.expected >= 400:
                self.expected_errors += 1


def client(port: int, offset: int, deadline: float, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    turn = offset
    while time.perf_counter() < deadline:
        request = MIX[turn % len(MIX)]
        turn += 1
        begin = time.perf_counter()
        problem = None
        try:
            connection.request(request.method, request.path, body=request.body, headers=request.headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != request.expected:
                problem = f"HTTP {response.status} (expected {request.expected}): {body[:120]!r}"
            elif request.expected == 200 and not body:
                problem = "empty body"
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally.record(request, time.perf_counter() - begin, problem)
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sample-every", type=float, default=2.0, help="seconds between memory samples")
    args = parser.parse_args(argv)

    port = free_port()
    server = start_server(port)
    samples: list[tuple[float, int, int]] = []  # (time, server kB, workers kB)
    tally = Tally()
    try:
        wait_until_ready(server, port, "/api/queries/nato-members").close()

        def sample() -> None:
            # the workers are looked up each time: one killed at its deadline is replaced
            workers = children(server.pid)
            samples.append((time.perf_counter(), rss_kb(server.pid), sum(rss_kb(child) for child in workers)))

        sample()
        begin = time.perf_counter()
        deadline = begin + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, index * 5, deadline, tally)) for index in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(min(args.sample_every, max(0.05, deadline - time.perf_counter())))
            sample()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - begin
        sample()
        alive = server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)

    total = len(tally.latencies)
    unexpected = sum(tally.unexpected.values())
    fronts = [front for _, front, _ in samples]
    backs = [back for _, _, back in samples]
    print(
        f"# kosovo-kg serve soak, {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"clients: {args.clients}, duration: {elapsed:.1f} s, mix of {len(MIX)} requests (5 fail on purpose)")
    print(f"requests: {total} ({total / elapsed:.0f} req/s)")
    if total:
        print(
            f"latency p50 / p99 / max: {percentile(tally.latencies, 0.5) * 1000:.1f} / "
            f"{percentile(tally.latencies, 0.99) * 1000:.1f} / {max(tally.latencies) * 1000:.1f} ms"
        )
    print(f"expected errors (4xx on purpose): {tally.expected_errors}")
    print(f"unexpected errors: {unexpected}")
    for problem, count in tally.unexpected.most_common(10):
        print(f"  {count} x {problem}")
    print(
        f"server RSS (the server process) start / end / max: {fronts[0] / 1024:.1f} / {fronts[-1] / 1024:.1f} / {max(fronts) / 1024:.1f} MB"
    )
    print(
        f"server RSS (query workers, shared pages counted in each) start / end / max: {backs[0] / 1024:.1f} / {backs[-1] / 1024:.1f} / {max(backs) / 1024:.1f} MB"
    )
    print("workers RSS over time (MB): " + " ".join(f"{back / 1024:.0f}" for back in backs))
    print(f"memory samples: {len(samples)}, server alive at the end: {alive}")
    return 1 if unexpected or not alive or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
