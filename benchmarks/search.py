"""Search latency of the name index, and a 100-row reconciliation batch, against a plain dictionary
lookup of the same names in the same run (the floor: what a lookup that tolerates nothing costs).

    .venv/bin/python benchmarks/search.py              # prints the table (Markdown)
    .venv/bin/python benchmarks/search.py --update     # and replaces its section of RESULTS.md

The queries are tests/fixtures/names.csv (90 names: other scripts, dropped diacritics, typos,
reordered words, abbreviations, names not in the graph), each timed separately after a warm-up;
the batch is 100 of them as one /reconcile POST through Starlette's TestClient (no socket), the
floor 100 dictionary lookups plus the same JSON encoding and decoding.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(HERE)]
from report import add_update_option, command_line, machine_line, publish  # noqa: E402  beside this file, not a package


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_update_option(parser)
    parser.add_argument("--rounds", type=int, default=20, help="rounds over every query (default 20)")
    args = parser.parse_args()

    from kosovo_kg.core.folding import fold
    from kosovo_kg.core.store import load_graph

    kg = load_graph()
    started = time.perf_counter()
    index = kg.name_index
    built = time.perf_counter() - started
    queries = [
        row["query"] for row in csv.DictReader((ROOT / "tests" / "fixtures" / "names.csv").open(encoding="utf-8"))
    ]
    # the floor: every name, exactly as written, in a dictionary
    exact = {name.text: index.entities[name.entity].iri for name in index.names}

    def timed(action, rounds: int) -> list[float]:
        for query in queries:  # warm-up
            action(query)
        times = []
        for _ in range(rounds):
            for query in queries:
                begin = time.perf_counter()
                action(query)
                times.append(time.perf_counter() - begin)
        return times

    search = timed(lambda q: index.search(q, limit=10), args.rounds)
    lookup = timed(lambda q: exact.get(q), args.rounds)
    folded = timed(lambda q: exact.get(fold(q)), args.rounds)

    from conftest import serve_client

    batch = {f"q{i}": {"query": queries[i % len(queries)]} for i in range(100)}
    form = {"queries": json.dumps(batch)}
    batches, floors = [], []
    with serve_client(kg) as client:
        client.post("/reconcile", data=form)
        for _ in range(max(args.rounds // 2, 5)):
            begin = time.perf_counter()
            answer = client.post("/reconcile", data=form)
            batches.append(time.perf_counter() - begin)
            assert answer.status_code == 200, answer.text
            begin = time.perf_counter()
            decoded = json.loads(form["queries"])
            json.dumps({key: {"result": [exact.get(query["query"])]} for key, query in decoded.items()})
            floors.append(time.perf_counter() - begin)

    def row(name: str, times: list[float]) -> str:
        p50, p99 = statistics.median(times), percentile(times, 0.99)
        base50, base99 = statistics.median(lookup), percentile(lookup, 0.99)
        return f"| {name} | {p50 * 1e6:,.1f} µs | {p99 * 1e6:,.1f} µs | {p50 / base50:,.0f}× | {p99 / base99:,.0f}× |"

    lines = [
        "## Search and reconciliation (`benchmarks/search.py`)",
        "",
        f"Command: `{command_line()}`; {machine_line()}.",
        "",
        f"Name index: {len(index.entities)} entities, {len(index.names)} names, built in {built * 1e3:.0f} ms. "
        f"{len(queries)} queries × {args.rounds} rounds, each timed alone.",
        "",
        "| per query | p50 | p99 | p50 / dict lookup | p99 / dict lookup |",
        "|---|---|---|---|---|",
        row("dict lookup of the name as typed (the floor)", lookup),
        row("dict lookup of the folded name", folded),
        row("name index search (all tiers, 10 results)", search),
        "",
        "| 100-query reconciliation batch | median | ratio |",
        "|---|---|---|",
        f"| /reconcile POST through Starlette (TestClient) | {statistics.median(batches) * 1e3:.1f} ms | "
        f"{statistics.median(batches) / statistics.median(floors):,.0f}× |",
        f"| 100 dict lookups + the same JSON decoding and encoding (the floor) | {statistics.median(floors) * 1e3:.2f} ms | 1× |",
    ]
    print("\n".join(lines))
    for written in publish("search", lines, args.update):
        print(f"wrote {written}")


if __name__ == "__main__":
    main()
