"""Saturate `kosovo-kg serve` with keep-alive clients, and hold its throughput against a naive
Starlette + pyoxigraph app (benchmarks/naive_app.py) and a raw `oxigraph serve-read-only` on the
same graph, measured in the same run. Everything runs on 127.0.0.1; every phase is bounded in
time and stops by itself.

    python benchmarks/saturation.py                      # the full run, about 10 minutes
    python benchmarks/saturation.py --update             # and replace the serve section of RESULTS.md
    python benchmarks/saturation.py --seconds 10 --mix-seconds 5 --repeats 1   # a quick look

Phases:

1. **Throughput, 5-query mix** (the contract questions nato-members, non-recognizing-nato-members,
   poll-trend, kfor-strength and timeline, as the exact text each runs with its defaults, with
   their PREFIX lines so that the other servers need none): 8 keep-alive clients, only these
   queries, against raw Oxigraph server, the naive app (uvicorn, a process per core) over the
   graph as serve holds it (its RDFS entailments included) and over the graph as exported (the
   stated triples and date bounds: the timeline question costs half as much without the
   entailments), serve without its answer cache (--cache-mb 0) and serve with it. Each server is
   measured ``--repeats`` times, interleaved, and the median is kept. Besides requests per
   second, the CPU time the server's processes (workers included) spent per request: on a
   machine whose cores other work shares, throughput follows the load, CPU per request does not.
2. **Saturation**: 8 and 64 keep-alive clients for ``--seconds`` each, with 5% pathological
   requests mixed in (see PATHOLOGICAL): every response must have the status its kind should
   get (0 unexpected errors), and the server's threads and memory (the server process and its
   workers) are sampled every second. p50/p99 are reported for the normal queries alone.

The load generator is asyncio on uvloop in this process (one core at most), so the same client
measures every server. Exits 1 on any unexpected error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import add_update_option, command_line, machine_line, publish  # beside this file, not a package
from serve import free_port, percentile

from kosovo_kg.core.paths import data_files
from kosovo_kg.core.store import load_graph
from kosovo_kg.namespaces import PREFIXES
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import QueryOptions, prepare

#: The peer serve without its cache is held against, and serve without its cache.
NAIVE = "naive app, the graph as serve holds it"
SERVE_NO_CACHE = "kosovo-kg serve, no cache (--cache-mb 0)"
MIX_NAMES = ("nato-members", "non-recognizing-nato-members", "poll-trend", "kfor-strength", "timeline")
ACCEPT = "application/sparql-results+json"
#: The deadline and result cap serve runs with here: a normal query takes about a millisecond.
TIMEOUT, MAX_RESULT_MB = 1, 1


def mix_queries() -> list[str]:
    kg = load_graph()
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    texts = []
    for name in MIX_NAMES:
        text = prepare(get_stored_query(name), {}, QueryOptions(), kg).text
        texts.append(prologue + text)
    return texts


@dataclass(frozen=True)
class Kind:
    name: str
    body: bytes
    expected: frozenset[int]
    normal: bool = False


def kinds(queries: list[str]) -> tuple[list[Kind], list[Kind]]:
    normal = [
        Kind(f"mix {name}", q.encode(), frozenset({200}), True) for name, q in zip(MIX_NAMES, queries, strict=True)
    ]
    pathological = [
        # refused by the screen: SERVICE, which the sandbox would stop anyway
        Kind(
            "refused SERVICE", b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", frozenset({403})
        ),
        # too deep: would crash Oxigraph's parser (and the worker), refused before any worker sees it
        Kind(
            "too deep", ("SELECT * WHERE { " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000 + " }").encode(), frozenset({403})
        ),
        Kind("syntax error", b"SELECT * WHERE { ?s ?p }", frozenset({400})),
        # too large: six million rows; the worker stops writing at the 1 MB cap
        Kind("too large", b"SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", frozenset({413})),
        # holds a worker (and a core) until the deadline kills it
        Kind("timing out", b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", frozenset({503})),
    ]
    return normal, pathological


def http_request(path: str, body: bytes, host: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {ACCEPT}\r\n"
        f"Content-Type: application/sparql-query\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> tuple[int, int]:
    """Send one request, read one response (Content-Length or chunked); (status, body size)."""
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked = 0, False
    for line in head.split(b"\r\n")[1:]:
        lower = line.lower()
        if lower.startswith(b"content-length:"):
            length = int(line[15:])
        elif lower.startswith(b"transfer-encoding:") and b"chunked" in lower:
            chunked = True
    if not chunked:
        return status, len(await reader.readexactly(length))
    size = 0
    while True:  # Oxigraph server streams its answers in chunks
        chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(chunk + 2)
        if chunk == 0:
            return status, size
        size += chunk


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # normal requests only
    counts: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    requests: int = 0


async def client(port: int, path: str, plan: list[Kind], offset: int, deadline: float, tally: Tally) -> None:
    host = f"127.0.0.1:{port}"
    requests = [(kind, http_request(path, kind.body, host)) for kind in plan]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    turn = offset
    try:
        while time.perf_counter() < deadline:
            kind, data = requests[turn % len(requests)]
            turn += 1
            started = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(exchange(reader, writer, data), timeout=30)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as error:
                tally.unexpected[f"{kind.name}: {type(error).__name__}"] += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            tally.requests += 1
            tally.counts[f"{kind.name} {status}"] += 1
            if status not in kind.expected:
                tally.unexpected[f"{kind.name}: HTTP {status}"] += 1
            elif kind.normal:
                tally.latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


def plan_with(normal: list[Kind], pathological: list[Kind], share: float) -> list[Kind]:
    """A request sequence in which ``share`` of the requests are pathological, spread evenly."""
    if share <= 0:
        return list(normal)
    every = round(1 / share)
    plan: list[Kind] = []
    index = 0
    for bad in pathological:
        for _ in range(every - 1):
            plan.append(normal[index % len(normal)])
            index += 1
        plan.append(bad)
    return plan


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used (those still running)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_sample(pids: list[int]) -> tuple[int, int, int]:
    """(threads of the first process, RSS kB of all, PSS kB of all)."""
    threads = rss = pss = 0
    for index, pid in enumerate(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
                elif line.startswith("Threads:") and index == 0:
                    threads = int(line.split()[1])
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return threads, rss, pss


def family(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


async def drive(port: int, path: str, plan: list[Kind], clients: int, seconds: float, server_pid: int) -> dict:
    tally = Tally()
    samples: list[tuple[float, int, int, int]] = []
    processes = family(server_pid)
    cpu_before = cpu_seconds(processes)
    begin = time.perf_counter()
    deadline = begin + seconds
    tasks = [asyncio.ensure_future(client(port, path, plan, index * 7, deadline, tally)) for index in range(clients)]
    while time.perf_counter() < deadline:
        samples.append((time.perf_counter() - begin, *process_sample(family(server_pid))))
        await asyncio.sleep(min(1.0, max(0.01, deadline - time.perf_counter())))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - begin
    cpu = cpu_seconds(processes) - cpu_before  # a worker replaced meanwhile takes its time with it
    samples.append((elapsed, *process_sample(family(server_pid))))
    return {
        "clients": clients,
        "seconds": elapsed,
        "requests": tally.requests,
        "throughput": tally.requests / elapsed,
        "cpu_per_request": cpu / max(1, tally.requests),
        "normal": len(tally.latencies),
        "p50": percentile(tally.latencies, 0.5) if tally.latencies else float("nan"),
        "p99": percentile(tally.latencies, 0.99) if tally.latencies else float("nan"),
        "counts": tally.counts,
        "unexpected": tally.unexpected,
        "samples": samples,
    }


def wait_ready(port: int, path: str, process: subprocess.Popen, limit: float = 60) -> None:
    import http.client

    started = time.monotonic()
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path + "?query=ASK%7B%7D")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"the server exited with code {process.returncode}") from None
            if time.monotonic() - started > limit:
                raise SystemExit("the server did not start") from None
            time.sleep(0.05)


def start_kosovo(cache_mb: float, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kosovo_kg", "serve", "--port", str(port), "--workers", str(workers),
         "--timeout", str(TIMEOUT), "--max-result-mb", str(MAX_RESULT_MB), "--cache-mb", str(cache_mb)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_ready(port, "/sparql", process)
    return process, port


def start_naive(data: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """benchmarks/naive_app.py under uvicorn, ``workers`` processes, over the N-Triples file ``data``."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve().parent / "naive_app.py"), "--data", str(data),
         "--workers", str(workers), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_ready(port, "/sparql", process)
    deadline = time.monotonic() + 60
    while len(family(process.pid)) < workers + 1 and time.monotonic() < deadline:
        time.sleep(0.05)  # every uvicorn worker up (the first answers before the others have loaded)
    time.sleep(1.0)
    return process, port


def naive_graphs(folder: Path) -> dict[str, Path]:
    """The graph as serve holds it (every triple of every named graph, the RDFS entailments
    included) and as `kosovo-kg export` writes it, each as one N-Triples file."""
    import pyoxigraph as ox

    from kosovo_kg.publish.export import serialize_graph

    kg = load_graph()
    held, exported = folder / "held.nt", folder / "exported.nt"
    ox.serialize(dict.fromkeys(quad.triple for quad in kg.store), output=str(held), format=ox.RdfFormat.N_TRIPLES)
    exported.write_bytes(serialize_graph(kg, "nt"))
    return {"held": held, "exported": exported}


def start_oxigraph(folder: Path) -> tuple[subprocess.Popen, int]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    store = folder / "store"
    if not store.exists():
        files = [str(path) for path in data_files()]
        subprocess.run([binary, "load", "--location", str(store), "--file", *files], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
         "--timeout-s", str(TIMEOUT), "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_ready(port, "/query", process)
    return process, port


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ms(value: float) -> str:
    return f"{value * 1000:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each saturation phase")
    parser.add_argument("--mix-seconds", type=float, default=15.0, help="length of each throughput measurement")
    parser.add_argument("--repeats", type=int, default=3, help="throughput measurements per server (median kept)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pathological", type=float, default=0.05, help="share of pathological requests")
    parser.add_argument("--saturation-cache-mb", type=float, default=64.0, help="serve's cache in the saturation phase")
    add_update_option(parser)
    args = parser.parse_args(argv)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    queries = mix_queries()
    normal, pathological = kinds(queries)
    lines = [
        "## serve under load (`benchmarks/saturation.py`)",
        "",
        f"Command: `{command_line()}`; {machine_line()}.",
        "",
    ]
    print("\n".join(lines), flush=True)
    failed = False

    # --- 1. throughput on the 5-query mix, interleaved repeats -------------------------------------
    folder = Path(tempfile.mkdtemp(prefix="kosovo-kg-bench-"))
    graphs = naive_graphs(folder)
    servers = {
        "oxigraph serve-read-only (raw)": lambda: start_oxigraph(folder),
        NAIVE: lambda: start_naive(graphs["held"], args.workers),
        "naive app, the graph as exported (no RDFS entailments)": lambda: start_naive(graphs["exported"], args.workers),
        SERVE_NO_CACHE: lambda: start_kosovo(0, args.workers),
        "kosovo-kg serve, answer cache (default)": lambda: start_kosovo(64, args.workers),
    }
    paths = {name: "/query" if name.startswith("oxigraph") else "/sparql" for name in servers}
    results: dict[str, list[dict]] = {name: [] for name in servers}
    try:
        for _ in range(args.repeats):
            for name, start in servers.items():
                process, port = start()
                try:
                    asyncio.run(drive(port, paths[name], normal, 8, 2.0, process.pid))  # warm-up
                    results[name].append(
                        asyncio.run(drive(port, paths[name], normal, 8, args.mix_seconds, process.pid))
                    )
                finally:
                    stop(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    table = [
        f"### Throughput, 5-query mix, 8 keep-alive clients, {args.mix_seconds:g} s each, median of {args.repeats} (interleaved)",
        "",
        "| server | requests/s (median) | each run | × naive app | CPU per request (all its processes) | p50 | p99 | unexpected |",
        "|---|---|---|---|---|---|---|---|",
    ]
    medians, cpu = {}, {}
    for name, runs in results.items():
        medians[name] = statistics.median(r["throughput"] for r in runs)
        cpu[name] = statistics.median(r["cpu_per_request"] for r in runs)
    for name, runs in results.items():
        unexpected = sum(sum(r["unexpected"].values()) for r in runs)
        failed |= unexpected > 0
        each = ", ".join(f"{r['throughput']:.0f}" for r in runs)
        p50 = ms(statistics.median(r["p50"] for r in runs))
        p99 = ms(statistics.median(r["p99"] for r in runs))
        table.append(
            f"| {name} | {medians[name]:.0f} | {each} | {medians[name] / medians[NAIVE]:.2f}× | {ms(cpu[name])} "
            f"| {p50} | {p99} | {unexpected} |"
        )
    table += [
        "",
        f"- serve without its cache: {medians[SERVE_NO_CACHE] / medians[NAIVE]:.2f}× the naive app's requests per "
        f"second; by CPU per request, {cpu[NAIVE] / cpu[SERVE_NO_CACHE]:.2f}× (what it would be with the cores to itself)",
        "",
    ]
    print("\n".join(table), flush=True)
    lines += table

    # --- 2. saturation with pathological requests ----------------------------------------------------
    # A query that runs into the deadline holds a worker (and a core) for the whole deadline, so
    # the mix is measured without such queries (the other four kinds make the 5%) and with them
    # (each kind a fifth of the 5%: 1% of all requests hold a worker for a second).
    variants = {
        "without deadline-length queries": [k for k in pathological if k.name != "timing out"],
        "with deadline-length queries (1% of requests)": pathological,
    }
    for variant, bad in variants.items():
        plan = plan_with(normal, bad, args.pathological)
        for clients in (8, 64):
            process, port = start_kosovo(args.saturation_cache_mb, args.workers)
            try:
                figures = asyncio.run(drive(port, "/sparql", plan, clients, args.seconds, process.pid))
                alive = process.poll() is None
            finally:
                stop(process)
            unexpected = sum(figures["unexpected"].values())
            failed |= unexpected > 0 or not alive
            samples = figures["samples"]
            section = [
                f"### Saturation, {variant}: {clients} keep-alive clients, {figures['seconds']:.0f} s, "
                f"{args.pathological:.0%} pathological, cache {args.saturation_cache_mb:g} MB, {args.workers} workers",
                "",
                f"- requests: {figures['requests']} ({figures['throughput']:.0f}/s), of which normal: {figures['normal']}",
                f"- normal queries p50 / p99: {ms(figures['p50'])} / {ms(figures['p99'])}",
                f"- unexpected errors: {unexpected}"
                + "".join(f"; {n} x {p}" for p, n in figures["unexpected"].most_common(5)),
                "- by kind and status: " + ", ".join(f"{k}: {n}" for k, n in sorted(figures["counts"].items())),
                f"- server threads, each second: {' '.join(str(s[1]) for s in samples)}",
                f"- RSS of server + workers (MB), each second: {' '.join(f'{s[2] / 1024:.0f}' for s in samples)}",
                f"- PSS of server + workers (MB), each second: {' '.join(f'{s[3] / 1024:.0f}' for s in samples)}",
                f"- server alive at the end: {alive}; load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            ]
            held = sum(n for k, n in figures["counts"].items() if k.startswith("timing out")) * TIMEOUT
            if held:
                section.append(
                    f"- deadline-length queries held workers for {held:g} s of the {figures['seconds'] * args.workers:.0f} "
                    f"worker-seconds there were ({held / (figures['seconds'] * args.workers):.0%})"
                )
            section.append("")
            print("\n".join(section), flush=True)
            lines += section
    lines.append(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(lines[-1])
    for written in publish("serve", lines, args.update):
        print(f"wrote {written}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
