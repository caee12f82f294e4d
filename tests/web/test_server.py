"""``kosovo-kg serve`` over real HTTP on a free loopback port (uvicorn in this process): the SPARQL
protocol with real clients, safety, the stored-query API and its OpenAPI description, the entity
pages, the charts, and the command's start and stop. Routes and negotiation in detail are in
test_serve_app.py (TestClient), HTTP framing in test_serve_http.py (raw sockets), the sandbox
and faults in test_serve_sandbox.py."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from conftest import alive, kosovo_server, start_serve, visible_triples, worker_processes

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(kg):
    with kosovo_server(kg, timeout=2, max_result_bytes=2_000_000) as url:
        yield url


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None):
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


NON_RECOGNIZING = """PREFIX kkg: <https://w3id.org/kosovo-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?r kkg:recognitionStatus kkg:DoesNotRecognize ; kkg:recognizer/rdfs:label ?label } ORDER BY ?label"""
FOUR = ["Greece", "Romania", "Slovakia", "Spain"]


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_gets_correct_results_in_each_format(server, return_format, method):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(NON_RECOGNIZING)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    result = client.query().convert()
    if return_format == "json":
        labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    elif return_format == "xml":
        labels = [node.firstChild.data for node in result.getElementsByTagName("literal")]
    elif return_format == "csv":
        labels = result.decode().split()[1:]
    else:
        labels = [solution["label"].value for solution in ox.parse_query_results(result, ox.QueryResultsFormat.TSV)]
    assert labels == FOUR


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_construct_is_negotiated(server, accept, rdf_format):
    query = "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?s a <https://w3id.org/kosovo-kg/ontology#MilitaryAlliance> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": query}), accept=accept)
    assert status == 200
    triples = [q.triple for q in ox.parse(body, rdf_format)]
    assert [t.object.value for t in triples] == ["North Atlantic Treaty Organization"]


def test_direct_post_and_service_description(server):
    status, _, body = get(f"{server}/sparql", "text/csv", NON_RECOGNIZING.encode(), "application/sparql-query")
    assert status == 200 and body.decode().split() == ["label", *FOUR]
    status, headers, body = get(f"{server}/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"sd:Service" in body and b"BasicFederatedQuery" not in body


def count_triples(server) -> int:
    _, _, body = get(
        f"{server}/sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), "text/csv"
    )
    return int(body.decode().split()[1])


@pytest.mark.parametrize(
    ("path", "data", "content_type"),
    [
        (
            "/sparql",
            b"update=" + urllib.parse.quote("INSERT DATA { <urn:a> <urn:b> <urn:c> }").encode(),
            "application/x-www-form-urlencoded",
        ),
        ("/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
        (
            "/sparql",
            b"query=" + urllib.parse.quote("DELETE WHERE { ?s ?p ?o }").encode(),
            "application/x-www-form-urlencoded",
        ),
        ("/update", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
    ],
)
def test_updates_are_refused_and_the_graph_is_unchanged(server, kg, path, data, content_type):
    before = count_triples(server)
    status, _, body = get(f"{server}{path}", data=data, content_type=content_type)
    assert status == 403
    assert "read-only" in json.loads(body)["error"]
    assert count_triples(server) == before == visible_triples(kg)


def test_service_to_a_local_listener_makes_no_connection(server, listener):
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 403 and "--allow-federation" in json.loads(body)["error"]
    assert listener.settled() == []


def test_a_pathological_query_times_out_with_the_stated_limit(server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    status, _, body = get(
        f"{server}/sparql?" + urllib.parse.urlencode({"query": query}), "application/sparql-results+json"
    )
    assert status == 503
    assert json.loads(body)["error"] == "query stopped: it ran longer than this server's limit of 2 seconds (--timeout)"
    assert count_triples(server) > 0  # and the server answers the next query (another worker)


def test_results_are_capped(server):
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": query}), "text/csv")
    assert status == 413
    assert "larger than this server's limit of 2,000,000 bytes (--max-result-mb)" in json.loads(body)["error"]


def test_syntax_errors_are_client_errors(server):
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p }"}))
    assert status == 400
    assert "error" in json.loads(body)


def test_cors_policy_is_explicit(server):
    preflight = urllib.request.Request(
        f"{server}/sparql",
        method="OPTIONS",
        headers={"Origin": "http://elsewhere.test", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip
    with urllib.request.urlopen(preflight) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
    request = urllib.request.Request(f"{server}/api/queries", headers={"Origin": "http://elsewhere.test"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_stored_query_api(server):
    status, _, body = get(f"{server}/api/queries")
    names = [q["name"] for q in json.loads(body)["queries"]]
    assert status == 200 and "nato-members" in names and len(names) >= 33
    status, _, body = get(f"{server}/api/queries/non-recognizing-nato-members")
    rows = json.loads(body)["results"]["bindings"]
    assert status == 200 and [r["label"]["value"] for r in rows] == FOUR
    status, headers, body = get(f"{server}/api/queries/recognized-before?date=2008-02-19&format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert [line.split(",")[1] for line in body.decode().splitlines()[1:]] == [
        "Albania",
        "France",
        "Turkey",
        "United Kingdom",
        "United States",
    ]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/queries/recognized-before?date=2008-02-30", 400, "must be a date"),
        ("/api/queries/recognized-before?dat=2008-01-01", 400, "did you mean date?"),
        ("/api/queries/nato-membrs", 404, "did you mean nato-members"),
        ("/api/queries/other-memberships-of-kosovo", 403, "--allow-federation"),
        ("/resource/nowhere", 404, "no resource kkr:nowhere"),
    ],
)
def test_api_errors_are_json_with_a_message(server, path, status, message):
    got, _, body = get(f"{server}{path}")
    assert got == status
    assert message in json.loads(body)["error"]


def test_openapi_is_valid_and_every_operation_answers_without_server_error(server):
    from openapi_spec_validator import validate

    _, _, body = get(f"{server}/openapi.json")
    spec = json.loads(body)
    validate(spec)
    checked = 0
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            params = {}
            url_path = path
            for parameter in operation.get("parameters", []):
                example = parameter.get("example") or parameter["schema"].get("default")
                if parameter["in"] == "path":
                    url_path = url_path.replace("{" + parameter["name"] + "}", example)
                elif example is not None:
                    params[parameter["name"]] = example
            for variant in (params, {**params, "format": "bogus"}, {**params, "unknown": "x"}):
                status, _, _ = get(f"{server}{url_path}?" + urllib.parse.urlencode(variant))
                assert status < 500, (url_path, variant, status)
                checked += 1
    assert checked > 100


def test_entity_page_html_turtle_and_jsonld(server):
    status, headers, body = get(f"{server}/resource/statement-osmani-2022")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<h1>Osmani: NATO membership imperative; asks the United States for help</h1>" in page
    assert "[11] Reuters 2022, Kosovo president asks Washington for help" in page
    status, _, body = get(f"{server}/resource/kosovo")
    page = body.decode()
    assert 'href="https://www.wikidata.org/wiki/Q1246"' in page
    assert '<h2 id="timeline-title">Timeline</h2>' in page and "<time>2012-07</time>" in page
    _, _, body = get(f"{server}/resource/kosovo", accept="text/turtle")
    assert len(list(ox.parse(body, ox.RdfFormat.TURTLE))) > 50
    _, _, body = get(f"{server}/resource/kosovo", accept="application/ld+json")
    assert len(list(ox.parse(body, ox.RdfFormat.JSON_LD))) > 50


@pytest.mark.parametrize(("stop", "workers"), [(signal.SIGINT, 2), (signal.SIGTERM, 3)])
def test_serve_command_stops_cleanly_and_logs_each_request(tmp_path, stop, workers):
    process, url, line = start_serve("--workers", str(workers), env=dict(os.environ, TMPDIR=str(tmp_path)))
    try:
        assert f"{workers} query workers" in line
        children = worker_processes(process.pid, workers)
        assert len(children) == workers
        assert get(f"{url}/api/queries")[0] == 200
        assert get(f"{url}/resource/nowhere")[0] == 404
        process.send_signal(stop)
        assert process.wait(timeout=20) == 0
        rest = process.stderr.read().splitlines()
    finally:
        if process.poll() is None:
            process.kill()
    log = [entry for entry in rest if entry.startswith("127.0.0.1 ")]
    assert [entry.split()[1:4] for entry in log] == [
        ['"GET', '/api/queries"', "200"],
        ['"GET', '/resource/nowhere"', "404"],
    ]
    assert all(re.fullmatch(r"\d+\.\dms", entry.split()[4]) for entry in log)
    assert rest[-1] == "stopped" and not any("Traceback" in entry for entry in rest)
    assert not any(alive(pid) for pid in children)
    assert list(tmp_path.iterdir()) == []  # nothing left behind
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/", timeout=1)


@pytest.mark.parametrize("name", ["polls", "timeline", "recognition", "kfor"])
def test_home_page_shows_each_chart_served_as_svg(server, name):
    status, headers, body = get(f"{server}/")
    page = body.decode()
    assert status == 200
    assert f'<img src="/charts/{name}.svg"' in page  # lazily: below the answers
    status, headers, body = get(f"{server}/charts/{name}.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert body.lstrip().startswith(b"<?xml") and b"<svg" in body and len(body) > 10_000
    assert not re.search(rb'(href|src)="https?://', body)  # nothing to fetch from elsewhere
    _, _, again = get(f"{server}/charts/{name}.svg")
    assert again == body  # drawn once, then served from the cache


def test_home_page_states_key_facts_with_sources(server):
    _, _, body = get(f"{server}/")
    page = body.decode()
    assert "4 of the 32 members do not:" in page and "The other 28 recognize it." in page
    assert '<td data-label="troops" class="num">4,500</td>' in page
    assert ">[2] NATO 2025, NATO&#39;s role in Kosovo</a>" in page


@pytest.mark.parametrize("path", ["/charts/poll.svg", "/charts/polls.png", "/charts/"])
def test_unknown_chart_is_not_found(server, path):
    status, _, body = get(f"{server}{path}")
    assert status == 404 and b"polls.svg" in body


def test_without_network_namespaces_serve_says_so_in_one_line(kg, monkeypatch):
    from kosovo_kg.web.sandbox import probe_network_namespace
    from kosovo_kg.web.server import Serving, startup_lines
    from kosovo_kg.web.settings import ServeSettings

    here = probe_network_namespace()
    serving = Serving(kg, ServeSettings(port=0, timeout=5), log=io.StringIO())
    try:
        lines = startup_lines(serving)
        assert len(lines) == (1 if here is None else 2) and lines[0].startswith(
            "kosovo-kg serving at http://127.0.0.1:"
        )
        assert serving.workers.isolate is (here is None)
    finally:
        serving.close()
    reason = "unshare(CLONE_NEWNET) failed: Operation not permitted; with CLONE_NEWUSER: Operation not permitted"
    monkeypatch.setattr("kosovo_kg.web.server.probe_network_namespace", lambda: reason)
    serving = Serving(kg, ServeSettings(port=0, timeout=5), log=io.StringIO())
    try:
        lines = startup_lines(serving)
        assert lines[1:] == [
            f"warning: the query workers cannot have a network namespace of their own here ({reason}); "
            "only the SERVICE screen keeps queries from the network"
        ]
        assert serving.workers.isolate is False
    finally:
        serving.close()


@pytest.mark.parametrize(
    ("settings", "client"),
    [
        ({}, "127.0.0.1"),  # uvicorn's default would believe any loopback client: not here
        ({"proxy_headers": True}, "203.0.113.7"),  # behind a proxy on loopback, as asked
        ({"proxy_headers": True, "forwarded_allow_ips": "192.0.2.1"}, "127.0.0.1"),  # not from that proxy
    ],
)
def test_x_forwarded_for_is_believed_only_when_asked_and_only_from_the_proxies_named(kg, settings, client):
    from kosovo_kg.web.server import Serving
    from kosovo_kg.web.settings import ServeSettings

    log = io.StringIO()
    serving = Serving(kg, ServeSettings(port=0, timeout=5, **settings), log=log)
    serving.start_in_thread()
    try:
        with socket.create_connection(serving.socket.getsockname()[:2], timeout=30) as sock:
            sock.sendall(
                b"GET /api/queries HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 203.0.113.7\r\n"
                b"Connection: close\r\n\r\n"
            )
            while sock.recv(65536):
                pass
    finally:
        serving.close()
    [line] = log.getvalue().splitlines()
    assert line.startswith(f'{client} "GET /api/queries" 200 ')
