"""What a query costs `serve` beyond the query itself: the round trip to a worker, measured apart
from HTTP and from the load of other clients.

saturation.py holds `serve --cache-mb 0` against the naive app (benchmarks/naive_app.py) under 8
clients, where both pay for HTTP (the same uvicorn and Starlette) and for the query (the same
Oxigraph, the same text). What only serve pays is its worker: the request pickled and written
down a pipe, the worker woken, the answer written back and read by the event loop. This measures
that part alone, one call at a time, in CPU per call (the worker's from /proc, nanoseconds):

- the naive app's handler: ``Store.query`` and ``serialize`` over the graph in its default graph;
- serve's worker task (``answer_in_worker``: the project's prefixes, the union of the named
  graphs, the answer written into a writer that stops at the size limit), called in this process;
- the same task through the pool (``QueryWorkers``, one worker, forked and sandboxed as serve's
  are): the worker's CPU and this process's (the front's) apart;
- an empty task (``_ping``) through the pool: the round trip with no query in it.

    python benchmarks/round_trip.py                 # about a minute
    python benchmarks/round_trip.py --update        # and replace its section of RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import add_update_option, command_line, machine_line, publish  # beside this file, not a package
from saturation import MIX_NAMES, mix_queries, naive_graphs

from kosovo_kg.core.store import load_graph
from kosovo_kg.web import worker_tasks
from kosovo_kg.web.sandbox import probe_network_namespace
from kosovo_kg.web.workers import QueryWorkers

JSON = "application/sparql-results+json"
LIMIT = 1 << 20


def cpu_ns(pid: int) -> int:
    """The CPU time a process has used (all its threads), in nanoseconds (``/proc/PID/schedstat``:
    the tick-based figures of ``/proc/PID/stat`` are too coarse for an empty call)."""
    total = 0
    for thread in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{thread}/schedstat") as stat:
            total += int(stat.read().split()[0])
    return total


def per_call(action: Callable[[int], object], calls: int) -> float:
    """This process's CPU per call of ``action(i)``, in microseconds."""
    begin = time.process_time()
    for i in range(calls):
        action(i)
    return (time.process_time() - begin) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="calls per round (default: 1000, 200 of each query)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, interleaved; medians are kept (default: 5)")
    add_update_option(parser)
    args = parser.parse_args(argv)

    kg = load_graph()
    queries = mix_queries()
    with tempfile.TemporaryDirectory(prefix="kosovo-kg-round-trip-") as folder:
        naive = ox.Store()
        naive.load(path=str(naive_graphs(Path(folder))["held"]), format=ox.RdfFormat.N_TRIPLES)
    worker_tasks._GRAPH = kg  # the worker task, called in this process
    isolate = probe_network_namespace() is None  # as serve's workers, where the machine allows it
    pool = QueryWorkers(kg, workers=1, timeout=10, queue=4, max_result_bytes=LIMIT, isolate=isolate)
    pool.start()
    worker = pool.worker_pids()[0]

    def through_pool(task: Callable[..., object], arguments: Callable[[int], tuple]) -> tuple[float, float, float]:
        async def calls() -> None:
            for i in range(args.calls):
                await pool.call(task, *arguments(i))

        worker_before, front_before, wall_before = cpu_ns(worker), time.process_time(), time.perf_counter()
        asyncio.run(calls())
        return (
            (cpu_ns(worker) - worker_before) / args.calls / 1e3,
            (time.process_time() - front_before) / args.calls * 1e6,
            (time.perf_counter() - wall_before) / args.calls * 1e6,
        )

    def query(i: int) -> str:
        return queries[i % len(queries)]

    def naive_handler(i: int) -> bytes | None:
        answer = naive.query(query(i))
        assert isinstance(answer, ox.QuerySolutions)  # the mix is five SELECT queries
        return answer.serialize(format=ox.QueryResultsFormat.JSON)

    figures: dict[str, list[tuple[float, ...]]] = {name: [] for name in ("naive", "task", "pool", "ping")}
    try:
        for round_number in range(args.rounds + 1):  # the first round warms up and is not kept
            naive_cpu = per_call(naive_handler, args.calls)
            task_cpu = per_call(lambda i: worker_tasks.answer_in_worker(query(i), JSON, LIMIT), args.calls)
            pool_cpu = through_pool(worker_tasks.answer_in_worker, lambda i: (query(i), JSON, LIMIT, None, None))
            ping_cpu = through_pool(worker_tasks._ping, lambda i: ())
            if round_number:
                figures["naive"].append((naive_cpu,))
                figures["task"].append((task_cpu,))
                figures["pool"].append(pool_cpu)
                figures["ping"].append(ping_cpu)
            print(f"round {round_number}: naive {naive_cpu:.0f} µs, task {task_cpu:.0f} µs, pool {pool_cpu[0]:.0f}+"
                  f"{pool_cpu[1]:.0f} µs, ping {ping_cpu[0]:.0f}+{ping_cpu[1]:.0f} µs", file=sys.stderr)  # fmt: skip
    finally:
        pool.close()

    def median(name: str, part: int = 0) -> float:
        return statistics.median(values[part] for values in figures[name])

    naive_cpu = median("naive")
    pool_total = median("pool") + median("pool", 1)
    rows = [
        ("the naive app's handler (`Store.query`, `serialize`), in one process", naive_cpu, "", ""),
        ("serve's worker task (`answer_in_worker`), in one process", median("task"), "", ""),
        ("the same task through the pool", pool_total, f"{median('pool'):.0f} µs", f"{median('pool', 1):.0f} µs"),
        ("an empty task (`_ping`) through the pool", median("ping") + median("ping", 1),
         f"{median('ping'):.0f} µs", f"{median('ping', 1):.0f} µs"),
    ]  # fmt: skip
    lines = [
        "## serve's round trip to a worker (`benchmarks/round_trip.py`)",
        "",
        f"Command: `{command_line()}`; {machine_line()}. One call at a time, no HTTP, the 5-query mix of",
        f"saturation.py ({', '.join(MIX_NAMES)}) in turn, {args.calls} calls a round, median of {args.rounds} rounds",
        f"(interleaved; a round before them warms up). The worker is {'sandboxed (no network)' if isolate else 'not sandboxed (unshare is not allowed here)'}.",
        "",
        "| path | CPU per call | × the naive handler | in the worker | in the front |",
        "|---|---|---|---|---|",
        *(f"| {label} | {cpu:.0f} µs | {cpu / naive_cpu:.2f}× | {in_worker} | {in_front} |" for label, cpu, in_worker, in_front in rows),
        "",
        f"- what only serve pays per query, outside HTTP: {pool_total - naive_cpu:.0f} µs of CPU "
        f"({(pool_total - naive_cpu) / naive_cpu:.0%} of the naive handler's), of which the worker's task "
        f"beyond the handler {median('task') - naive_cpu:.0f} µs and the round trip "
        f"{pool_total - median('task'):.0f} µs",
        f"- wall time per call through the pool: {median('pool', 2):.0f} µs with the mix, {median('ping', 2):.0f} µs for an empty task",
    ]  # fmt: skip
    for path in publish("round_trip", lines, args.update):
        print(f"wrote {path}", file=sys.stderr)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
