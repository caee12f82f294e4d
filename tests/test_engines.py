"""Every stored query gives the same rows on every engine: embedded Oxigraph, embedded rdflib,
and a real Oxigraph server (the PyPI package ``oxigraph``) reached over HTTP as a remote endpoint."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kosovo_kg.catalogue import catalogue, run_stored_query
from kosovo_kg.engines import run_query
from kosovo_kg.serialize import serialize_graph

STORED = sorted(catalogue())


@pytest.mark.parametrize("name", STORED)
def test_embedded_engines_give_identical_rows(kg, name):
    oxigraph = run_stored_query(name, graph=kg, engine="oxigraph")
    rdflib = run_stored_query(name, graph=kg, engine="rdflib")
    assert oxigraph.variables == rdflib.variables
    assert oxigraph.rows == rdflib.rows
    assert oxigraph.rows, f"{name} returned no rows on the repository's graph"


def _oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the oxigraph server (PyPI package 'oxigraph', in the dev extra) is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(kg, tmp_path_factory):
    """An Oxigraph server on a free loopback port, loaded with the exported graph; stopped afterwards."""
    binary = _oxigraph_binary()
    folder = tmp_path_factory.mktemp("oxigraph")
    export = folder / "graph.nt"
    export.write_bytes(serialize_graph(kg, "nt"))
    store = folder / "store"
    subprocess.run([binary, "load", "--location", str(store), "--file", str(export)], check=True, capture_output=True)
    port = _free_port()
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


@pytest.mark.parametrize("name", STORED)
def test_remote_endpoint_gives_identical_rows(kg, oxigraph_server, name):
    embedded = run_stored_query(name, graph=kg, engine="oxigraph")
    remote = run_stored_query(name, engine=oxigraph_server)
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows


def test_remote_endpoint_reports_http_errors(oxigraph_server):
    from kosovo_kg.errors import QueryError

    with pytest.raises(QueryError, match="answered HTTP 400"):
        run_query("SELECT * WHERE { ?s ?p }", engine=oxigraph_server)
