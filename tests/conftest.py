from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    port = free_port()
    server = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--timeout-s", "10"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph server did not start: {server.stderr.read().decode()}") from None
                time.sleep(0.1)
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
