"""Users' own data at scale: ``kosovo-kg query nato-members --data FILE`` against pyoxigraph alone
loading the same files and running the same query text, measured in the same run, with FILE the
graph's data copied 10, 100 and 1000 times (renamed, see synthetic.py); and, at the largest size,
the path for users who outgrow one process: the same graph in Oxigraph server, queried with
``--engine URL``.

Each size is measured in rounds; in each round, one after the other: pyoxigraph alone; the first
``kosovo-kg`` run (an empty cache: the files are parsed, the answer printed, and the cache entry
built by a process of its own); the wait until that entry is there; the next run (the entry
opened). Whole processes, wall time and peak memory (the kernel's ``ru_maxrss`` of the process),
medians over the rounds. The entry's builder reports its own time and peak memory.

    python benchmarks/data.py                          # 10x, 100x (3 rounds each) and 1000x (1 round)
    python benchmarks/data.py --copies 10 100 --rounds 2 --no-remote   # a quicker look
    python benchmarks/data.py --update                 # and replace the data section of RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from report import add_update_option, command_line, machine_line, publish  # noqa: E402

QUERY = "nato-members"
CONTRACT = ("nato-members", "non-recognizing-nato-members", "recognition-status", "poll-trend", "kfor-strength",
            "statements-on-nato", "timeline", "wikidata-links")  # fmt: skip


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB: wait4's ``ru_maxrss`` of exactly this process) and standard
    output of a whole process."""
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    chunks, errors = [], []
    # read both pipes to their end, then reap the process ourselves to get its rusage
    import selectors

    selector = selectors.DefaultSelector()
    for stream, sink in ((process.stdout, chunks), (process.stderr, errors)):
        selector.register(stream, selectors.EVENT_READ, sink)
    open_streams = 2
    while open_streams:
        for key, _ in selector.select():
            data = os.read(key.fd, 1 << 16)
            if data:
                key.data.append(data)
            else:
                selector.unregister(key.fileobj)
                open_streams -= 1
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - begin
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {b''.join(errors).decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024, b"".join(chunks).decode()


def prepared_query_file(folder: Path) -> Path:
    """The exact text ``kosovo-kg query nato-members`` runs, with the project's prefixes written out."""
    from kosovo_kg.namespaces import PREFIXES
    from kosovo_kg.querying.catalogue import get_stored_query
    from kosovo_kg.querying.pipeline import QueryOptions, prepare

    text = prepare(get_stored_query(QUERY), {}, QueryOptions(), None).text
    path = folder / f"{QUERY}.rq"
    path.write_text("".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items()) + text, encoding="utf-8")
    return path


def entry_of(cache: Path, limit: float) -> Path | None:
    """The data entry once the background builder has renamed it into place (None after ``limit`` s)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = sorted(cache.glob("data-*"))
        if found:
            return found[0]
        time.sleep(0.05)
    return None


def stop_builder(cache: Path, limit: float = 60) -> None:
    """Stop the process building an entry in ``cache`` (its pid is in the folder it builds in)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for owner in cache.glob(".data-*.building/owner"):
            try:
                os.kill(int(owner.read_text()), signal.SIGKILL)
                return
            except (OSError, ValueError):
                pass
        if list(cache.glob("data-*")):
            return  # already built
        time.sleep(0.02)


def measure_size(copies: int, data: Path, query_file: Path, rounds: int, full_rounds: int, folder: Path) -> dict:
    """``rounds`` rounds of pyoxigraph alone then the first run; in the first ``full_rounds`` of
    them, also the wait for the entry and the next run (in the others the builder is stopped as
    soon as the first run has ended: at 1000 copies it takes minutes, and would run beside the
    next round's measurements)."""
    from kosovo_kg.core.paths import data_file_paths

    cli = [sys.executable, "-m", "kosovo_kg", "query", QUERY, "--format", "csv", "--data", str(data)]
    alone = [sys.executable, str(HERE / "pyoxigraph_alone.py"), str(query_file), *data_file_paths(), str(data)]
    figures: dict = {"alone": [], "first": [], "ready": [], "next": [], "built": []}
    for round_ in range(rounds):
        cache = folder / f"cache-{copies}-{round_}"
        shutil.rmtree(cache, ignore_errors=True)  # an entry left by an earlier run would make the first run a hit
        env = {**os.environ, "KOSOVO_KG_CACHE": str(cache)}
        subprocess.run(
            [*cli[:4], "kfor-strength"], env=env, cwd=ROOT, capture_output=True, check=True
        )  # the packaged graph's entry
        progress(f"{copies}x round {round_ + 1}: pyoxigraph alone")
        seconds, peak, output = run_measured(alone, env)
        rows = int(output)
        figures["alone"].append((seconds, peak))
        progress(f"{copies}x round {round_ + 1}: kosovo-kg, first run")
        began = time.perf_counter()
        seconds, peak, first = run_measured(cli, env)
        figures["first"].append((seconds, peak))
        if len(first.splitlines()) != rows + 1:
            raise SystemExit(f"different answers: {len(first.splitlines()) - 1} rows, alone {rows}")
        if round_ >= full_rounds:
            stop_builder(cache)
            shutil.rmtree(cache, ignore_errors=True)
            continue
        entry = entry_of(cache, limit=3600)
        if entry is None:
            raise SystemExit("the cache entry was not built within an hour")
        figures["ready"].append(time.perf_counter() - began)
        manifest = json.loads((entry / "manifest").read_bytes().rpartition(b"\n# crc32 ")[0])
        figures["built"].append((manifest["built"]["seconds"], manifest["built"]["peak_mb"], manifest["quads"]))
        progress(f"{copies}x round {round_ + 1}: kosovo-kg, next run")
        seconds, peak, following = run_measured(cli, env)
        figures["next"].append((seconds, peak))
        if following != first:
            raise SystemExit(
                f"different answers: {len(first.splitlines()) - 1} rows, then {len(following.splitlines()) - 1}"
            )
        figures["entry_mb"] = sum(f.stat().st_size for f in entry.rglob("*") if f.is_file()) / (1 << 20)
        if round_ < full_rounds - 1:
            shutil.rmtree(cache)
        else:
            figures["cache"] = str(cache)
    figures["rows"] = rows
    figures["rounds"] = f"{rounds}" if full_rounds == rounds else f"{rounds} ({full_rounds} with the next run)"
    return figures


def median(pairs: list, index: int) -> float:
    return statistics.median(pair[index] if isinstance(pair, (tuple, list)) else pair for pair in pairs)


def seconds_text(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def remote(figures: dict, data: Path, folder: Path, repeats: int) -> list[str]:
    """The largest graph in Oxigraph server, queried with --engine URL, against --data with its entry."""
    import pyoxigraph as ox

    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        return ["(Oxigraph server is not installed: pip install oxigraph; no remote figures)"]
    entry = sorted(figures["cache"].glob("data-*"))[0]
    dump = folder / "dump.nq"
    progress("remote: dumping the graph for Oxigraph server")
    ox.Store.read_only(str(entry / "store")).dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    location = folder / "oxigraph-server"
    began = time.perf_counter()
    progress("remote: oxigraph load")
    subprocess.run([binary, "load", "--location", str(location), "--file", str(dump)], check=True, capture_output=True)
    loaded = time.perf_counter() - began
    dump.unlink()
    from serve import free_port

    port = free_port()
    server = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph", "--timeout-s", "600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    env = {**os.environ, "KOSOVO_KG_CACHE": str(figures["cache"])}
    rows = ["| stored query | rows | `--data FILE` (its entry opened) | `--engine URL` (Oxigraph server) | server ÷ embedded |",
            "|---|---|---|---|---|"]  # fmt: skip
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    return ["(Oxigraph server did not start)"]
                time.sleep(0.2)
        for name in CONTRACT:
            progress(f"remote: {name}")
            # --timeout: the HTTP client's limit for the remote engine (60 s by default); a child's for the embedded
            query = [sys.executable, "-m", "kosovo_kg", "query", name, "--format", "csv", "--timeout", "1800"]
            embedded, served = [], []
            try:
                for _ in range(repeats):  # interleaved
                    seconds, _, embedded_out = run_measured([*query, "--data", str(data)], env)
                    embedded.append(seconds)
                    seconds, _, served_out = run_measured([*query, "--engine", url], env)
                    served.append(seconds)
            except SystemExit as failure:
                rows.append(f"| {name} | failed: {str(failure)[-200:]} | | | |")
                continue
            # the copies tie with the originals on ORDER BY keys: the same rows, maybe in another order
            same = "" if sorted(embedded_out.splitlines()) == sorted(served_out.splitlines()) else " (**rows differ**)"
            e, s = statistics.median(embedded), statistics.median(served)
            rows.append(
                f"| {name} | {len(served_out.splitlines()) - 1:,}{same} | {seconds_text(e)} | {seconds_text(s)} | {s / e:.2f}× |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(location, ignore_errors=True)
    return [
        f"The {max(figures['sizes'])}x graph ({figures['quads']:,} quads, the RDFS entailments included) dumped "
        f"from the cache entry and loaded with `oxigraph load` in {seconds_text(loaded)}, served by "
        "`oxigraph serve-read-only --union-default-graph`; each query a whole `kosovo-kg` process, "
        f"median of {repeats}, interleaved.",
        "",
        *rows,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[10, 100, 1000], help="sizes, in copies of the data")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds per size (above 100 copies, only the first waits for the next run)",
    )
    parser.add_argument("--no-remote", action="store_true", help="leave out Oxigraph server at the largest size")
    parser.add_argument(
        "--folder", type=Path, help="where the data files are written and kept (default: a temporary folder)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="take a size's figures from the --folder of an earlier run that measured it (figures-N.json)",
    )
    add_update_option(parser)
    args = parser.parse_args()

    from synthetic import write_copies

    folder = args.folder or Path(tempfile.mkdtemp(prefix="kosovo-kg-data-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    query_file = prepared_query_file(folder)
    started = time.perf_counter()
    lines = [
        "## Users' data at scale (`benchmarks/data.py`)",
        "",
        f"Command: `{command_line()}`; {machine_line()}.",
        "",
        f"`kosovo-kg query {QUERY} --format csv --data FILE` (FILE: N renamed copies of the graph's data) against "
        "`benchmarks/pyoxigraph_alone.py` (pyoxigraph loads the same files, the packaged Turtle files and FILE, "
        "into an in-memory store and runs the same query text). Whole processes, medians of the rounds; peak "
        "memory is the process's own (`ru_maxrss`). *first*: an empty cache (the files are parsed, the answer "
        "printed; the cache entry is then built by a process of its own, whose figures are the builder's); "
        "*next*: the same command once the entry is there (opened read-only, checked file by file).",
        "",
        "| copies | triples added | rounds | pyoxigraph alone | first run | × alone | next run | × alone "
        "| peak: alone | first | × | next | × | entry ready after | builder: time, peak | entry on disk |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    summary: dict = {"sizes": args.copies}
    for copies in args.copies:
        data = folder / f"copies-{copies}.nt"
        if not data.exists():
            progress(f"writing {copies} copies of the data")
            summary[f"triples-{copies}"] = write_copies(copies, data)
        else:
            summary[f"triples-{copies}"] = sum(1 for _ in open(data, "rb"))
        saved = folder / f"figures-{copies}.json"
        if args.resume and saved.exists():
            figures = json.loads(saved.read_text())
        else:
            full = args.rounds if copies <= 100 else 1
            figures = measure_size(copies, data, query_file, args.rounds, full, folder)
            saved.write_text(json.dumps(figures))
        alone, first, following = median(figures["alone"], 0), median(figures["first"], 0), median(figures["next"], 0)
        alone_mb, first_mb, next_mb = (
            median(figures["alone"], 1),
            median(figures["first"], 1),
            median(figures["next"], 1),
        )
        built_s, built_mb = median(figures["built"], 0), median(figures["built"], 1)
        summary["quads"] = figures["built"][0][2]
        lines.append(
            f"| {copies} | {summary[f'triples-{copies}']:,} | {figures['rounds']} | {seconds_text(alone)} | {seconds_text(first)} "
            f"| {first / alone:.2f}× | {seconds_text(following)} | {following / alone:.2f}× | {alone_mb:.0f} MB "
            f"| {first_mb:.0f} MB | {first_mb / alone_mb:.2f}× | {next_mb:.0f} MB | {next_mb / alone_mb:.2f}× "
            f"| {seconds_text(median(figures['ready'], 0))} | {seconds_text(built_s)}, {built_mb:.0f} MB "
            f"| {figures['entry_mb']:.0f} MB |"
        )
        progress(lines[-1])
        if copies == max(args.copies):
            summary["cache"] = Path(figures["cache"])
    lines += [
        "",
        "Targets (issue 26): first run ≤ 1.5× pyoxigraph alone, next run ≤ 0.5×, peak memory ≤ 1.2× pyoxigraph's.",
    ]
    if not args.no_remote:
        lines += ["", "### The path to a bigger engine: the same graph in Oxigraph server", ""]
        saved = folder / "remote.json"
        if args.resume and saved.exists():
            lines += json.loads(saved.read_text())
        else:
            table = remote(summary, folder / f"copies-{max(args.copies)}.nt", folder, repeats=3)
            saved.write_text(json.dumps(table))
            lines += table
    lines += ["", f"Whole run: {time.perf_counter() - started:.0f} s."]
    if args.folder is None:
        shutil.rmtree(folder, ignore_errors=True)
    for written in publish("data", lines, args.update):
        progress(f"wrote {written}")


if __name__ == "__main__":
    main()
