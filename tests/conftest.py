from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

# A cache of this session's own, so every run reasons for real once and no user's cache is touched.
os.environ["KOSOVO_KG_CACHE"] = tempfile.mkdtemp(prefix="kosovo-kg-test-cache-")

from kosovo_kg import KnowledgeGraph, load_graph
from kosovo_kg.querying.catalogue import catalogue

#: The tests' folder (fixtures/, expected/, bad/ are in it) and the repository's.
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

#: Stored questions that run on this graph alone, and those that ask Wikidata (SERVICE).
LOCAL_QUERIES = sorted(name for name, query in catalogue().items() if not query.federated)
FEDERATED_QUERIES = sorted(name for name, query in catalogue().items() if query.federated)


class CliResult(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(args: list[str], input: str | None = None) -> CliResult:
    """Run the ``kosovo-kg`` command line in this process with its own stdin, stdout and stderr.

    An exception that escapes the command (a traceback a user would see) is raised here."""
    from kosovo_kg.cli.main import command_line

    def stream(data: bytes = b"") -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", write_through=True)

    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stream((input or "").encode()), stream(), stream()
    out, err = sys.stdout, sys.stderr
    try:
        try:
            code = command_line([str(arg) for arg in args])
        except SystemExit as exit:  # argparse: --help, --version and usage errors
            code = exit.code if isinstance(exit.code, int) else 2
        out.flush(), err.flush()
        return CliResult(code, out.buffer.getvalue().decode(), err.buffer.getvalue().decode())
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


@pytest.fixture(autouse=True)
def _signal_handlers_as_they_were() -> Iterator[None]:
    """The test run's own SIGINT, SIGTERM and SIGHUP handlers, back after each test: the command
    line's main() (tests/cli/test_main.py) installs its handlers for the rest of the process, and
    ``timeout 70 bash tests/run`` then turned SIGTERM into an error inside whichever test ran next,
    instead of stopping the run."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    yield
    for signum, handler in kept.items():
        if signal.getsignal(signum) is not handler and handler is not None:
            signal.signal(signum, handler)


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The repository's graph, parsed once for the whole session."""
    return load_graph()


@pytest.fixture(scope="session")
def multilingual_kg(tmp_path_factory) -> KnowledgeGraph:
    """The repository's graph plus labels of Kosovo in Albanian and Serbian that the packaged graph
    does not have (the Albanian "Republika e Kosovës"), to tell one pool's graph from another's."""
    extra = tmp_path_factory.mktemp("labels") / "labels.ttl"
    extra.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/kosovo-kg/resource/kosovo> rdfs:label "Kosova"@sq, "Косово"@sr, "Kosovo"@sr-Latn ;\n'
        '  skos:altLabel "Republika e Kosovës"@sq .\n',
        encoding="utf-8",
    )
    return load_graph([extra])


def visible_triples(kg: KnowledgeGraph) -> int:
    """How many triples ``SELECT (COUNT(*) ...) { ?s ?p ?o }`` counts: the stated ones (with the
    derived date bounds) and the RDFS entailments, which queries see and exports leave out."""
    from kosovo_kg.core.entailment import entailed_triples

    return len(set(kg.triples)) + len(entailed_triples(kg.store))


def free_port() -> int:
    """A loopback port that was free a moment ago, for a program that can only be told a port
    number (Oxigraph, Virtuoso). Another process may take it before the program binds it (other
    test runs share this machine): start such programs with :func:`start_listening`, which checks
    that the program itself holds the port and tries another if not. A socket of the tests' own
    binds port 0 instead."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port where a connection is refused for the whole test: a socket of the test's
    own is bound there and does not listen (a port merely released could be taken meanwhile)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets a process holds open, from /proc."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def listening_ports(inodes: set[str]) -> set[int]:
    """The TCP ports on which the sockets with these inodes listen."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def start_listening(
    start: Callable[[list[int]], subprocess.Popen], ports: int = 1, within: float = 60, attempts: int = 5
) -> tuple[subprocess.Popen, list[int]]:
    """Start a server that must be told its port numbers: ``start(ports)`` starts it on ``ports``
    free loopback ports; returns the process once it (or a process of its own) listens on every
    one of them. A process that ends first (another program took a port in between) is started
    again on other ports. Waiting for the process's own sockets, not for an answer on the port,
    means a test never talks to whatever else took the port."""
    for _ in range(attempts):
        chosen = [free_port() for _ in range(ports)]
        process = start(chosen)
        deadline = time.monotonic() + within
        while process.poll() is None and time.monotonic() < deadline:
            pids = [process.pid, *descendants(process.pid)]
            held: set[str] = set()
            for pid in pids:
                try:
                    held |= socket_inodes(pid)
                except OSError:  # a child that has just ended
                    continue
            if set(chosen) <= listening_ports(held):
                return process, chosen
            time.sleep(0.1)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
            raise RuntimeError(f"{process.args[0]} did not listen on {chosen} within {within:g} s")
    raise RuntimeError(f"{process.args[0]} could not listen on free ports in {attempts} attempts")


@contextmanager
def kosovo_server(kg: KnowledgeGraph, **settings) -> Iterator[str]:
    """``kosovo-kg serve`` in this process (uvicorn on a thread, the workers forked from this
    thread) on a free loopback port; yields its base URL and stops it, workers included, on
    exit. ``settings`` are ServeSettings fields (timeout, max_result_bytes, workers, ...)."""
    from kosovo_kg.web.server import Serving
    from kosovo_kg.web.settings import ServeSettings

    running = Serving(kg, ServeSettings(port=0, **settings), log=io.StringIO())
    running.start_in_thread()
    try:
        yield running.url
    finally:
        running.close()


def start_serve(*options: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str, str]:
    """``kosovo-kg serve`` as a process of its own on a port the kernel picks (``--port 0``: no
    other program can take it between choosing and binding); the process, with stderr as a text
    pipe, its base URL, and the line it announces itself with (the URL is read from it)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kosovo_kg", "serve", "--port", "0", *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stderr is not None
    said = []
    while line := process.stderr.readline():
        said.append(line)
        if found := re.search(r"serving at (http://127\.0\.0\.1:\d+)/ ", line):
            return process, found.group(1), line
    process.kill()
    process.wait(timeout=10)
    raise AssertionError(f"serve did not start: {''.join(said)}")


@contextmanager
def serve_client(kg: KnowledgeGraph, **settings):
    """The serve application in this process through Starlette's TestClient (no socket), over a
    running pool of workers forked from this thread; ``settings`` are ServeSettings fields."""
    from starlette.testclient import TestClient

    from kosovo_kg.web.app import create_app
    from kosovo_kg.web.sandbox import probe_network_namespace
    from kosovo_kg.web.settings import ServeSettings
    from kosovo_kg.web.workers import QueryWorkers

    chosen = ServeSettings(**settings)
    workers = QueryWorkers(
        kg,
        workers=chosen.workers,
        timeout=chosen.timeout,
        queue=chosen.queue,
        max_result_bytes=chosen.max_result_bytes,
        isolate=not chosen.allow_federation and probe_network_namespace() is None,
        cache_bytes=chosen.cache_bytes,
    )
    workers.start()
    try:
        with TestClient(create_app(kg, chosen, workers), raise_server_exceptions=False) as client:
            client.workers = workers  # type: ignore[attr-defined]
            yield client
    finally:
        workers.close()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children, ...), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def worker_processes(pid: int, expected: int, within: float = 10) -> list[int]:
    """The live processes below ``pid`` once there are ``expected`` of them (or whatever there are
    after ``within`` seconds): serve's own short-lived children at start-up (the network-namespace
    probe it forks, which exits at once) are not its workers, and a busy machine may still be
    running one when serve has announced itself."""
    deadline = time.monotonic() + within
    while True:
        found = [child for child in descendants(pid) if alive(child)]
        if len(found) == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a zombie runs nothing and holds no socket)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@contextmanager
def oxigraph_server(data: Path, folder: Path) -> Iterator[str]:
    """An Oxigraph server (PyPI package ``oxigraph``) on a free loopback port, serving ``data``
    read-only; yields its query URL and stops it on exit."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        pytest.fail("the oxigraph server (PyPI package 'oxigraph', in the dev extra) is not installed")
    store = folder / "store"
    subprocess.run([binary, "load", "--location", str(store), "--file", str(data)], check=True, capture_output=True)
    server, [port] = start_listening(
        lambda ports: subprocess.Popen(
            [
                binary,
                "serve-read-only",
                "--location",
                str(store),
                "--bind",
                f"127.0.0.1:{ports[0]}",
                "--timeout-s",
                "10",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=30).read()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


class ConnectionListener:
    """A TCP listener on a free loopback port that records every connection made to it.

    It stands where a SERVICE, LOAD, FROM, owl:imports or remote @context points, so a test
    can tell whether anything tried to fetch. It answers nothing: a client that does connect
    gets its connection closed, which is enough to count it.
    """

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.05)
        self.port: int = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, peer = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(peer)
            connection.close()

    def settled(self) -> list[tuple[str, int]]:
        """The connections so far, after a moment for one still in flight to arrive."""
        time.sleep(0.2)
        return list(self.connections)

    def __enter__(self) -> ConnectionListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[ConnectionListener]:
    with ConnectionListener() as running:
        yield running


# --- a SPARQL question the web tests ask, and reading its answers ------------------------------

#: The NATO members that do not recognize Kosovo, by label (the project's prefixes are predeclared).
NON_RECOGNIZING = (
    "SELECT ?label WHERE { ?r kkg:recognitionStatus kkg:DoesNotRecognize ; kkg:recognizer/rdfs:label ?label } "
    "ORDER BY ?label"
)
#: Its answer.
FOUR = ["Greece", "Romania", "Slovakia", "Spain"]


def sparql_path(text: str) -> str:
    """``/sparql?query=…`` for a query sent by GET."""
    import urllib.parse

    return "/sparql?" + urllib.parse.urlencode({"query": text})


def labels_in(body: bytes, media: str) -> list[str]:
    """The ``label`` column of a SPARQL results document in ``media``."""
    import pyoxigraph as ox

    if media == "text/csv":  # pyoxigraph does not read CSV results (they are lossy)
        import csv
        import io

        return [row["label"] for row in csv.DictReader(io.StringIO(body.decode()))]
    kind = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media]
    return [solution["label"].value for solution in ox.parse_query_results(body, kind)]


# --- a real browser ------------------------------------------------------------------------------

#: Debian's Chromium, which Playwright drives (it downloads no browser of its own; tests/run installs it).
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a test module's pages, without the browser's own network traffic."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed at /usr/bin/chromium: tests/run installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        try:
            yield launched
        finally:
            launched.close()
