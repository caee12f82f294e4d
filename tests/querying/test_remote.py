"""querying/remote.py: a SPARQL endpoint over HTTP as an engine.

Real servers loaded from the plain export (without the RDFS entailments the embedded engines
see) give every stored query the embedded engines' rows: Oxigraph server (the PyPI package
``oxigraph``) and Virtuoso 7 (Debian's package, loaded with its bulk loader; see tests/virtuoso.py).
A stand-in endpoint on 127.0.0.1 that answers badly (the raw bytes of one broken HTTP answer per
case) gives one ``error:`` line, never a traceback; a remote engine's table shows labels as the
embedded engines' do.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import LOCAL_QUERIES, ROOT, invoke, oxigraph_server
from virtuoso import virtuoso_server

from kosovo_kg import query, sparql
from kosovo_kg.errors import EngineUnavailable, QueryError
from kosovo_kg.publish.export import serialize_graph
from kosovo_kg.querying.remote import one_line_reason, plain_reason, service_failure, service_iris

STORED = LOCAL_QUERIES


@pytest.fixture(scope="module")
def oxigraph_endpoint(kg, tmp_path_factory):
    """A real Oxigraph server loaded with the exported graph."""
    folder = tmp_path_factory.mktemp("oxigraph")
    export = folder / "graph.nt"
    export.write_bytes(serialize_graph(kg, "nt"))
    with oxigraph_server(export, folder) as url:
        yield url


@pytest.mark.parametrize("name", STORED)
def test_remote_endpoint_gives_identical_rows(kg, oxigraph_endpoint, name):
    embedded = query(name, graph=kg, engine="oxigraph")
    remote = query(name, engine=oxigraph_endpoint)
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows


def test_users_data_in_oxigraph_server_answers_every_stored_question_as_in_process(tmp_path):
    """The path for users whose data outgrows one process (docs/performance.md, "When one machine is
    not enough"): the graph exported with their files, loaded into Oxigraph server and queried with
    --engine URL, gives each stored question's rows as `--data FILE` does in process."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import write_copies

    data = tmp_path / "mine.nt"
    write_copies(1, data)  # the data once more, renamed: every listing grows
    dump = tmp_path / "all.nt"
    exported = invoke(["export", "--data", str(data), "--format", "nt", "-o", str(dump)])
    assert exported.exit_code == 0, exported.stderr
    with oxigraph_server(dump, tmp_path) as url:
        grew = 0
        for name in LOCAL_QUERIES:
            embedded = query(name, data=[data])
            # the copies tie with the originals on every ORDER BY key: compare the rows, not their order
            assert Counter(query(name, engine=url).rows) == Counter(embedded.rows), name
            grew += len(embedded) > len(query(name))
        assert grew > 10


def test_remote_endpoint_reports_http_errors(oxigraph_endpoint):
    with pytest.raises(QueryError, match="answered HTTP 400"):
        sparql("SELECT * WHERE { ?s ?p }", engine=oxigraph_endpoint)


@pytest.fixture(scope="module")
def virtuoso_endpoint(kg, tmp_path_factory):
    """Virtuoso loaded by its bulk loader with a release's stated graph, as docs/performance.md says, then
    restarted (see virtuoso_server)."""
    from kosovo_kg.publish.release.build import build_release

    folder = tmp_path_factory.mktemp("virtuoso")
    build_release(kg, folder / "release", date="2026-11-30", inferred=False)
    with virtuoso_server(folder / "release" / "kosovo-kg.nt", folder) as url:
        yield url


@pytest.mark.parametrize("name", STORED)
def test_virtuoso_gives_identical_rows(kg, virtuoso_endpoint, name):
    embedded = query(name, graph=kg, engine="oxigraph")
    remote = query(name, engine=virtuoso_endpoint)
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows


def test_virtuoso_holds_exactly_the_release(kg, virtuoso_endpoint):
    """What the bulk loader put in the graph is the release's stated graph: the export and the
    release's description of itself (its version and date)."""
    from virtuoso import GRAPH

    from kosovo_kg.namespaces import DATASET

    stated = sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}", engine=virtuoso_endpoint)
    about = sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{DATASET}> ?p ?o }}", engine=virtuoso_endpoint)
    assert int(stated.rows[0][0].value) == len(kg.triples) + int(about.rows[0][0].value)
    version = sparql(f"SELECT ?v WHERE {{ <{DATASET}> owl:versionInfo ?v }}", engine=virtuoso_endpoint)
    assert [row["v"] for row in version] == ["2026.11.30"]


# --- an endpoint that answers badly ------------------------------------------------------------

JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nConnection: close\r\n"


def answer(head: bytes, body: bytes, length: int | None = None) -> bytes:
    return head + b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


BROKEN_ANSWERS = {
    "not JSON": (answer(JSON_HEAD, b"<html>hello</html>"), "sent results that cannot be read"),
    "JSON cut short": (
        answer(JSON_HEAD, b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": '),
        "cannot be read",
    ),
    "JSON of another shape": (answer(JSON_HEAD, b'{"rows": [1, 2, 3]}'), "cannot be read"),
    "a binding of an unknown type": (
        answer(
            JSON_HEAD, b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "banana", "value": "1"}}]}}'
        ),
        "cannot be read",
    ),
    "not UTF-8": (
        answer(
            JSON_HEAD,
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "\xff"}}]}}',
        ),
        "cannot be read",
    ),
    "N-Triples that are not": (
        answer(b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\nConnection: close\r\n", b"<a> <b> .\n"),
        "cannot be read (application/n-triples)",
    ),
    "a body shorter than its Content-Length": (answer(JSON_HEAD, b'{"head": {}, ', length=5000), "broken HTTP answer"),
    "a broken status line": (b"HTTP/1.1 banana\r\n\r\n", "broken HTTP answer"),
    "not HTTP at all": (b"SSH-2.0-OpenSSH_9.2\r\n", "broken HTTP answer"),
    "HTTP 500 with a message": (
        answer(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nConnection: close\r\n", b"out of memory"
        ),
        "answered HTTP 500: out of memory",
    ),
}


def read_request(connection: socket.socket) -> bytes:
    """The whole HTTP request: its head up to the blank line, then as many body bytes as its
    Content-Length says (a single ``recv`` may return only part of it)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextmanager
def endpoint(raw: bytes) -> Iterator[str]:
    """A loopback endpoint that reads a request and sends ``raw`` back, then closes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(5)
                try:
                    read_request(connection)
                    connection.sendall(raw)
                    # Closing a socket whose receive buffer still holds bytes makes the kernel send a
                    # reset instead of an end of stream, and the client then sees "connection reset"
                    # rather than the broken answer under test: end the sending side first, then read
                    # until the client hangs up.
                    connection.shutdown(socket.SHUT_WR)
                    while connection.recv(65536):
                        pass
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.mark.live
@pytest.mark.parametrize("case", sorted(BROKEN_ANSWERS))
def test_a_broken_answer_is_one_error_line(case):
    raw, expected = BROKEN_ANSWERS[case]
    with endpoint(raw) as url:
        result = invoke(["sparql", "SELECT * WHERE { ?s ?p ?o }", "--engine", url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and url in lines[0], result.stderr
    assert expected in lines[0]


@pytest.mark.live
def test_a_good_answer_from_the_same_stand_in_is_read():
    """The positive control: the stand-in's framing is right, so the failures above are the answers'."""
    body = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}'
    with endpoint(answer(JSON_HEAD, body)) as url:
        result = invoke(["sparql", "SELECT ?x WHERE { ?s ?p ?x }", "--engine", url, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["x", "ok"]


@pytest.mark.live
def test_a_redirect_is_told_not_followed():
    # regression: urllib followed a 302 to any host (as a GET), a URL the user never gave
    elsewhere = socket.socket()
    elsewhere.bind(("127.0.0.1", 0))
    elsewhere.listen(8)
    elsewhere.settimeout(0.5)
    target = f"http://127.0.0.1:{elsewhere.getsockname()[1]}/sparql"
    moved = b"HTTP/1.1 302 Found\r\nLocation: " + target.encode() + b"\r\nConnection: close\r\n"
    try:
        with endpoint(answer(moved, b"")) as url:
            result = invoke(["sparql", "SELECT * WHERE { ?s ?p ?o }", "--engine", url])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
        assert f"{url} answered HTTP 302, a redirect to {target}: not followed" in result.stderr
        with pytest.raises(TimeoutError):
            elsewhere.accept()  # nobody came
    finally:
        elsewhere.close()


# --- labels ---------------------------------------------------------------------------------------


@pytest.mark.live
def test_a_remote_engines_table_shows_labels_as_the_embedded_ones_do(kg):
    """It showed kkr:belgium where the embedded engines show Belgium."""
    from conftest import kosovo_server

    with kosovo_server(kg) as url:
        remote = invoke(["query", "non-recognizing-nato-members", "--engine", f"{url}/sparql"])
    embedded = invoke(["query", "non-recognizing-nato-members"])
    assert remote.exit_code == 0 and remote.stderr == ""
    assert remote.stdout == embedded.stdout and "│ Greece   │ Greece   │ Q41      │" in remote.stdout


@pytest.mark.live
def test_a_remote_engine_that_gives_no_labels_says_why():
    """An endpoint that answers the query and fails the label query: names, and a note saying why."""
    import http.server
    import json
    import urllib.parse

    answer = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": KOSOVO}}]}}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            labels_asked = "VALUES ?s" in form["query"][0]
            body = b"no labels here" if labels_asked else json.dumps(answer).encode()
            self.send_response(500 if labels_asked else 200)
            self.send_header("Content-Type", "text/plain" if labels_asked else "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        result = invoke(["sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--engine", url])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert result.exit_code == 0 and "│ kkr:kosovo │" in result.stdout
    assert result.stderr == (
        f"note: the table shows resources by their names: no labels from {url} "
        f"({url} answered HTTP 500: no labels here)\n"
    )


KOSOVO = "https://w3id.org/kosovo-kg/resource/kosovo"


# --- the words for an endpoint that fails ---------------------------------------------------------


def test_a_service_that_answered_with_an_error_is_the_querys_failure():
    error = service_failure("SELECT * { SERVICE <http://a.example/sparql> { ?s ?p ?o } }", "HTTP 500", answered=True)
    assert isinstance(error, QueryError) and str(error) == "query failed: HTTP 500"


def test_a_service_that_cannot_be_reached_is_named_by_its_url():
    one = "SELECT * { SERVICE SILENT <http://a.example/sparql> { ?s ?p ?o } }"
    error = service_failure(one, "Connection refused", answered=False)
    assert isinstance(error, EngineUnavailable) and error.url == "http://a.example/sparql"
    assert str(error) == "cannot reach the SPARQL endpoint http://a.example/sparql: Connection refused"
    two = "SELECT * { SERVICE <http://a.example/q> {} SERVICE <http://b.example/q> {} }"
    assert service_iris(two) == ["http://a.example/q", "http://b.example/q"]
    assert str(service_failure(two, "timed out", answered=False)) == (
        "cannot reach the SPARQL endpoint of a SERVICE clause (http://a.example/q, http://b.example/q): timed out"
    )


def test_an_os_errors_reason_is_told_without_its_number():
    assert plain_reason(ConnectionRefusedError(111, "Connection refused")) == "Connection refused"
    assert one_line_reason("Connection refused\n (os error 111)") == "Connection refused"
