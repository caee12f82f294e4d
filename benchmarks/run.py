"""Measure kosovo-kg and write the figures, with date and machine, to benchmarks/out/RESULTS.md
(a folder git ignores); with --update, to the committed benchmarks/RESULTS.md.

Every figure is a median over repeated runs after a warm-up, and each comparison is made in
the same run: a cold CLI query against the floor ``python -c "import pyoxigraph"``, Oxigraph
against rdflib on each stored query, the phases of ``validate``, ``export`` per format,
synthetic graphs of 10k, 100k and 1M triples, and ``serve`` under 8 concurrent clients.

    .venv/bin/python benchmarks/run.py            # the full run, a few minutes
    .venv/bin/python benchmarks/run.py --quick    # small sizes and few repeats, to try it out
    .venv/bin/python benchmarks/run.py --update   # the full run, into the committed RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

CONTRACT_QUERIES = (
    "nato-members",
    "non-recognizing-nato-members",
    "recognition-status",
    "poll-trend",
    "kfor-strength",
    "statements-on-nato",
    "timeline",
    "wikidata-links",
)
#: The rdflib engine is measured at synthetic sizes up to this one; above it runs take minutes.
RDFLIB_LIMIT = 100_000
#: An rdflib query slower than this once is not repeated.
SLOW_SECONDS = 5.0


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_seconds(action: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def machine() -> list[str]:
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}; commit {commit.strip() or 'unknown'}",
        f"- machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}, "
        f"pyshacl {version('pyshacl')}, owlready2 {version('owlready2')}",
    ]


def cold_cli(repeats: int) -> tuple[list[str], dict[str, float]]:
    """Whole processes, as a user starts them: the console script, the package byte-compiled
    (as pip does when it installs a wheel; an editable install under PYTHONDONTWRITEBYTECODE
    would otherwise recompile every module on every run).

    The floor and the one-off commands run in rounds, one of each per round, so that a change
    in the load of a shared machine during the run weighs on all of them alike: measured in
    blocks, one after the other, the same commit's ratio ranged from 2.6x to 3.1x.
    """
    import compileall

    compileall.compile_dir(ROOT / "kosovo_kg", quiet=1)
    python = sys.executable
    script = Path(python).with_name("kosovo-kg")
    cli = [str(script)] if script.exists() else [python, "-m", "kosovo_kg"]
    cache = tempfile.mkdtemp(prefix="kosovo-kg-bench-cache-")
    env = {**os.environ, "KOSOVO_KG_CACHE": cache}

    def run(command: list[str], env: dict[str, str] = env) -> float:
        begin = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env, cwd=ROOT)
        return time.perf_counter() - begin

    one_off = [
        ("floor: python -c 'import pyoxigraph'", [python, "-c", "import pyoxigraph"]),
        ("kosovo-kg query kfor-strength --format csv", [*cli, "query", "kfor-strength", "--format", "csv"]),
        ("kosovo-kg query non-recognizing-nato-members", [*cli, "query", "non-recognizing-nato-members"]),
        ("kosovo-kg queries", [*cli, "queries"]),
    ]
    progress(f"cold: {len(one_off)} commands, {repeats} rounds")
    times: dict[str, list[float]] = {label: [] for label, _ in one_off}
    for _label, command in one_off:
        run(command)  # warm-up: the graph's cache entry is written, the files are in the page cache
    for _ in range(repeats):
        for label, command in one_off:
            times[label].append(run(command))
    medians = {label: statistics.median(values) for label, values in times.items()}
    runs = dict.fromkeys(medians, repeats)
    slow = [
        ("kosovo-kg validate --no-reasoning", [*cli, "validate", "--no-reasoning"], env),
        ("kosovo-kg validate (HermiT's answer cached)", [*cli, "validate"], env),
        ("kosovo-kg validate (cache off: HermiT runs)", [*cli, "validate"], {**os.environ, "KOSOVO_KG_CACHE": "off"}),
    ]
    for label, command, environment in slow:
        progress(f"cold: {label}")
        count = max(3, repeats // 5)
        medians[label] = median_seconds(
            lambda command=command, environment=environment: run(command, environment),
            count,
            warmup=0 if "off" in label else 1,
        )
        runs[label] = count
    floor = medians[one_off[0][0]]
    rows = [
        f"| `{label}` | {runs[label]} | {ms(seconds)} | {seconds / floor:.1f}× |" for label, seconds in medians.items()
    ]
    table = ["| command | runs | median | × floor |", "|---|---|---|---|", *rows]
    return [*table, "", *instruction_counts(python, cli, env)], medians


def instruction_counts(python: str, cli: list[str], env: dict[str, str]) -> list[str]:
    """The same commands counted in instructions (valgrind's lackey), which the load on the
    machine does not change: a second view of the ratio when other work shares the cores."""
    import re
    import shutil

    if shutil.which("valgrind") is None:
        return ["(valgrind is not installed: no instruction counts; apt-get install valgrind)"]
    commands = [
        ("floor: python -c 'import pyoxigraph'", [python, "-c", "import pyoxigraph"]),
        ("kosovo-kg query kfor-strength --format csv", [*cli, "query", "kfor-strength", "--format", "csv"]),
        ("kosovo-kg query non-recognizing-nato-members", [*cli, "query", "non-recognizing-nato-members"]),
    ]
    rows, floor = [], 0
    for label, command in commands:
        progress(f"instructions: {label}")
        done = subprocess.run(
            ["valgrind", "--tool=lackey", "--basic-counts=yes", *command],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        found = re.search(r"guest instrs:\s+([\d,]+)", done.stderr)
        count = int(found.group(1).replace(",", "")) if found else 0
        floor = floor or count
        rows.append(f"| `{label}` | {count / 1e6:.0f}M | {count / floor:.1f}× |")
    return ["| command (one run, cache warm) | instructions | × floor |", "|---|---|---|", *rows]


def warm_queries(repeats: int) -> tuple[list[str], float]:
    from kosovo_kg import query
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.querying.catalogue import catalogue

    kg = load_graph()
    rows, slowest = [], 0.0
    for name, stored in catalogue().items():
        if stored.federated:
            continue  # they ask Wikidata: not this machine's speed
        progress(f"warm: {name}")
        fast = median_seconds(lambda name=name: query(name, graph=kg), repeats * 10)
        slow = median_seconds(lambda name=name: query(name, graph=kg, engine="rdflib"), max(3, repeats // 3))
        slowest = max(slowest, fast)
        rows.append(f"| {name} | {ms(fast)} | {ms(slow)} | {slow / fast:.0f}× |")
    header = "| stored query (with its default parameters) | Oxigraph | rdflib | rdflib ÷ Oxigraph |"
    return [header, "|---|---|---|---|", *rows], slowest


def validate_phases(repeats: int) -> list[str]:
    os.environ["KOSOVO_KG_CACHE"] = "off"  # the reasoner is measured, not its cache
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.curation.reasoning import check_consistency
    from kosovo_kg.curation.validation import load_checks, run_checks, run_shacl

    kg = load_graph()
    phases = [
        ("load (Oxigraph parses ontology/ and graph/)", lambda: load_graph(), repeats * 5),
        ("rdflib graph for pyshacl (built once per run)", lambda: load_graph().rdflib_graph, repeats),
        ("SHACL (pyshacl)", lambda: run_shacl(kg), repeats),
        ("OWL reasoning (owlready2 + HermiT, uncached)", lambda: check_consistency(kg), repeats),
        ("quality checks (SPARQL on Oxigraph)", lambda: run_checks(kg, load_checks()), repeats * 5),
    ]
    rows = []
    for label, action, count in phases:
        progress(f"validate: {label}")
        rows.append(f"| {label} | {ms(median_seconds(action, count))} |")
    return ["| phase (in one process, after a warm-up) | median |", "|---|---|", *rows]


def export_formats(repeats: int) -> list[str]:
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.publish.export import serialize_graph

    rows = []
    for rdf_format in ("turtle", "nt", "xml", "jsonld"):
        progress(f"export: {rdf_format}")
        size = len(serialize_graph(load_graph(), rdf_format))
        seconds = median_seconds(lambda rdf_format=rdf_format: serialize_graph(load_graph(), rdf_format), repeats)
        rows.append(f"| {rdf_format} | {size:,} bytes | {ms(seconds)} |")
    return ["| format | size | median (load + serialize) |", "|---|---|---|", *rows]


def peak_memory_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux carries that over an exec, so a
    worker started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_worker(size: int, path: str, repeats: int) -> dict:
    """One synthetic size in a process of its own, so its peak memory is its own."""
    import pyoxigraph as ox

    from kosovo_kg.core.entailment import add_entailments
    from kosovo_kg.core.reading import load_file
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.errors import QueryTimeout
    from kosovo_kg.querying.catalogue import get_stored_query
    from kosovo_kg.querying.engines import OxigraphEngine, RdflibEngine

    begin = time.perf_counter()
    store = ox.Store()
    load_file(store, path, ox.NamedNode(Path(path).resolve().as_uri()))  # as `--only-data FILE` loads a file
    add_entailments(store)  # the date bounds and RDFS entailments the stored queries rely on
    load = time.perf_counter() - begin
    kg = KnowledgeGraph(store=store)
    figures: dict = {"size": size, "triples": len(store), "load": load, "queries": {}}
    oxigraph = OxigraphEngine(kg)
    for name in CONTRACT_QUERIES:
        text = get_stored_query(name).text
        rows = len(oxigraph.query(text))
        figures["queries"][name] = {
            "rows": rows,
            "oxigraph": median_seconds(lambda text=text: oxigraph.query(text), repeats),
        }
    figures["rss_oxigraph_mb"] = peak_memory_mb()
    if size <= RDFLIB_LIMIT:
        from kosovo_kg import sparql

        begin = time.perf_counter()
        kg.rdflib_graph  # noqa: B018 - building it is what is measured
        figures["rdflib_load"] = time.perf_counter() - begin
        rdflib_engine = RdflibEngine(kg)
        for name in CONTRACT_QUERIES:
            text = get_stored_query(name).text
            begin = time.perf_counter()
            try:
                sparql(text, graph=kg, engine="rdflib", timeout=120)
            except QueryTimeout:
                figures["queries"][name]["rdflib"] = None
                continue
            once = time.perf_counter() - begin
            if once < SLOW_SECONDS:
                once = median_seconds(lambda text=text: rdflib_engine.query(text), max(2, repeats // 3), warmup=0)
            figures["queries"][name]["rdflib"] = once
        figures["rss_with_rdflib_mb"] = peak_memory_mb()
    return figures


def memory_worker(which: str, path: str) -> dict:
    """Load one N-Triples file in a process of its own and report its peak memory: with
    pyoxigraph alone (the baseline), with kosovo-kg's loader (the file checked, read by Oxigraph
    itself), or as ``kosovo-kg query --only-data FILE`` does it, which adds the derived date
    bounds and RDFS entailments (more triples: see entailment.py)."""
    import pyoxigraph as ox

    begin = time.perf_counter()
    if which == "pyoxigraph":
        store = ox.Store()
        store.load(path=path, format=ox.RdfFormat.N_TRIPLES)
        triples = len(store)
    elif which == "kosovo-kg load":
        from kosovo_kg.core.paths import file_uri
        from kosovo_kg.core.reading import load_file

        store = ox.Store()
        load_file(store, path, ox.NamedNode(file_uri(path)))
        triples = len(store)
    else:
        from kosovo_kg.core.store import load_graph

        triples = len(load_graph([path], packaged=False).store)
    return {"which": which, "triples": triples, "seconds": time.perf_counter() - begin, "peak_mb": peak_memory_mb()}


def load_memory(size: int, repeats: int) -> tuple[list[str], dict[str, float]]:
    """Peak memory loading the same file: pyoxigraph alone against kosovo-kg, medians of ``repeats``."""
    from synthetic import write_synthetic

    folder = Path(tempfile.mkdtemp(prefix="kosovo-kg-memory-"))
    path = folder / f"synthetic-{size}.nt"
    progress(f"memory: writing about {size:,} triples")
    write_synthetic(size, path)
    figures: dict[str, list[dict]] = {"pyoxigraph": [], "kosovo-kg load": [], "kosovo-kg --only-data": []}
    for _ in range(repeats):
        for which in figures:  # interleaved, so a change in the machine's load hits both alike
            progress(f"memory: {which}")
            worker = subprocess.run(
                [sys.executable, __file__, "--memory-worker", which, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures[which].append(json.loads(worker.stdout))
    path.unlink()
    medians = {which: statistics.median(f["peak_mb"] for f in runs) for which, runs in figures.items()}
    seconds = {which: statistics.median(f["seconds"] for f in runs) for which, runs in figures.items()}
    triples = {which: runs[0]["triples"] for which, runs in figures.items()}
    rows = [
        f"| {which} | {triples[which]:,} | {medians[which]:.0f} MB | {medians[which] / medians['pyoxigraph']:.2f}× "
        f"| {ms(seconds[which])} |"
        for which in figures
    ]
    lines = [
        f"Peak memory loading one N-Triples file of {triples['pyoxigraph']:,} triples, each loader in a fresh "
        f"process, medians of {repeats} interleaved runs. `kosovo-kg load` is the loader every command uses for "
        "a file; `--only-data` then adds what the stored queries rely on (the day bounds of every date and the "
        "RDFS entailments), so its store holds more triples than the file.",
        "",
        "| loader | triples in the store | peak memory (VmHWM) | × pyoxigraph | time |",
        "|---|---|---|---|---|",
        *rows,
    ]
    return lines, {"ratio": medians["kosovo-kg load"] / medians["pyoxigraph"], "triples": triples["pyoxigraph"]}


def synthetic(sizes: list[int], repeats: int) -> tuple[list[str], dict]:
    from synthetic import write_synthetic

    folder = Path(tempfile.mkdtemp(prefix="kosovo-kg-synthetic-"))
    lines, by_size = [], {}
    for size in sizes:
        path = folder / f"synthetic-{size}.nt"
        progress(f"synthetic: writing about {size:,} triples")
        write_synthetic(size, path)
        progress(
            f"synthetic: measuring {size:,} (rdflib too)" if size <= RDFLIB_LIMIT else f"synthetic: measuring {size:,}"
        )
        worker = subprocess.run(
            [sys.executable, __file__, "--scale-worker", str(size), str(path), "--repeats", str(repeats)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(worker.stdout)
        by_size[size] = figures
        path.unlink()
        rdflib_part = ""
        if "rdflib_load" in figures:
            rdflib_part = f"; rdflib graph built in {ms(figures['rdflib_load'])}, peak {figures['rss_with_rdflib_mb']:.0f} MB with it"
        lines += [
            "",
            f"**{figures['triples']:,} triples**: loaded into Oxigraph in {ms(figures['load'])}, "
            f"peak memory {figures['rss_oxigraph_mb']:.0f} MB{rdflib_part}.",
            "",
            "| contract query | rows | Oxigraph | rdflib | rdflib ÷ Oxigraph |",
            "|---|---|---|---|---|",
        ]
        for name, figure in figures["queries"].items():
            slow = figure.get("rdflib", "absent")
            if slow == "absent":
                rdflib_cells = "not run | –"
            elif slow is None:
                rdflib_cells = "> 120 s (stopped) | –"
            else:
                rdflib_cells = f"{ms(slow)} | {slow / figure['oxigraph']:.0f}×"
            lines.append(f"| {name} | {figure['rows']:,} | {ms(figure['oxigraph'])} | {rdflib_cells} |")
    return lines, by_size


def targets(cold: dict[str, float], slowest: float, scale: dict, serve: dict, memory: dict[str, float]) -> list[str]:
    """The issues' targets beside what this run measured."""
    floor = cold["floor: python -c 'import pyoxigraph'"]
    query = max(
        cold["kosovo-kg query kfor-strength --format csv"], cold["kosovo-kg query non-recognizing-nato-members"]
    )
    validate = cold["kosovo-kg validate --no-reasoning"]
    rows = [
        (
            "cold `kosovo-kg query` ≤ 2.5× the floor",
            f"{query / floor:.2f}× ({ms(query)} vs {ms(floor)})",
            query <= 2.5 * floor,
        ),
        (
            f"peak memory loading {memory['triples']:,} triples ≤ 1.1× pyoxigraph's",
            f"{memory['ratio']:.2f}×",
            memory["ratio"] <= 1.1,
        ),
        ("every stored query ≤ 1 ms warm on Oxigraph", f"slowest {ms(slowest)}", slowest <= 0.001),
        ("`validate` without reasoning ≤ 1.5 s cold", ms(validate), validate <= 1.5),
    ]
    largest = scale[max(scale)]
    worst = max(largest["queries"].items(), key=lambda item: item[1]["oxigraph"])
    rows.append((f"load of {largest['triples']:,} triples ≤ 3 s", ms(largest["load"]), largest["load"] <= 3))
    rows.append(
        (
            f"every contract query ≤ 100 ms on Oxigraph at {largest['triples']:,}",
            f"slowest {worst[0]}: {ms(worst[1]['oxigraph'])} ({worst[1]['rows']:,} rows)",
            worst[1]["oxigraph"] <= 0.1,
        )
    )
    with_rdflib = [figures for figures in scale.values() if "rdflib_load" in figures]
    if with_rdflib:
        biggest = with_rdflib[-1]
        ratios = [
            (q["rdflib"] / q["oxigraph"]) if q.get("rdflib") is not None else float("inf")
            for q in biggest["queries"].values()
        ]
        rows.append(
            (
                f"Oxigraph ≥ 30× faster than rdflib at {biggest['triples']:,}, every contract query",
                f"smallest ratio {min(ratios):.0f}×",
                min(ratios) >= 30,
            )
        )
    rows.append(
        ("`serve` ≥ 500 stored queries/s with 8 clients", f"{serve['throughput']:.0f}/s", serve["throughput"] >= 500)
    )
    rows.append(("`serve` p99 ≤ 20 ms with 8 clients", ms(serve["p99"]), serve["p99"] <= 0.02))
    table = ["| target | measured | met |", "|---|---|---|"]
    table += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in rows]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (1.5 minutes)")
    parser.add_argument(
        "-o", "--output", type=Path, default=HERE / "out" / "RESULTS.md", help="where the Markdown goes"
    )
    parser.add_argument(
        "--update", action="store_true", help="write the committed benchmarks/RESULTS.md (instead of -o)"
    )
    parser.add_argument("--scale-worker", nargs=2, metavar=("SIZE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--memory-worker", nargs=2, metavar=("WHICH", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=None, help="repeats per measurement (default 15, quick 3)")
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 15)
    if args.scale_worker:
        size, path = args.scale_worker
        print(json.dumps(scale_worker(int(size), path, repeats)))
        return
    if args.memory_worker:
        print(json.dumps(memory_worker(*args.memory_worker)))
        return

    sizes = [2_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    started = time.perf_counter()
    lines = [
        "# kosovo-kg benchmarks",
        "",
        "Written by `benchmarks/run.py`" + (" --quick" if args.quick else "") + ".",
        "",
    ]
    lines += machine()
    summary_at = len(lines)
    cold_rows, cold = cold_cli(repeats)
    lines += ["", "## Cold command line (whole processes)", "", *cold_rows]
    warm, slowest = warm_queries(repeats)
    lines += ["", "## Stored queries on the real graph, warm (one process)", "", *warm]
    lines += ["", f"Slowest stored query on Oxigraph: {ms(slowest)}."]
    lines += ["", "## validate, by phase", "", *validate_phases(max(3, repeats // 3))]
    lines += ["", "## export, per format", "", *export_formats(max(3, repeats // 3))]
    scale_lines, scale = synthetic(sizes, max(3, repeats // 3))
    lines += ["", "## Synthetic graphs (`benchmarks/synthetic.py`), each size in its own process", *scale_lines]
    memory_lines, memory = load_memory(sizes[-1], 1 if args.quick else 3)
    lines += ["", "## Peak memory of a load against pyoxigraph's", "", *memory_lines]
    progress("serve: 8 clients")
    from serve import measure_serve, serve_table

    figures = measure_serve(clients=8, seconds=3 if args.quick else 10, sequential=50 if args.quick else 200)
    lines += ["", "## serve, 8 concurrent clients (`benchmarks/serve.py`)", "", *serve_table(figures)]
    lines[summary_at:summary_at] = ["", "## Against the targets", "", *targets(cold, slowest, scale, figures, memory)]
    lines += ["", f"Whole run: {time.perf_counter() - started:.0f} s."]
    output = HERE / "RESULTS.md" if args.update else args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(output)
    progress(f"wrote {output}")


if __name__ == "__main__":
    main()
