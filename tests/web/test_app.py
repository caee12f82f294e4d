"""The serve application's routes through Starlette's TestClient (in process, no socket): the SPARQL
1.1 Protocol's ways of sending a query, content negotiation for every format, the service
description, VoID, Linked Data at /resource/NAME, the stored-query API and its errors."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse

import pyoxigraph as ox
import pytest
from conftest import LOCAL_QUERIES, serve_client

from kosovo_kg import load_graph
from kosovo_kg.errors import ServerBusy
from kosovo_kg.web.workers import AnswerCache

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

NON_RECOGNIZING = (
    "SELECT ?label WHERE { ?r kkg:recognitionStatus kkg:DoesNotRecognize ; kkg:recognizer/rdfs:label ?label } "
    "ORDER BY ?label"
)  # the project's prefixes are predeclared, as on the command line
FOUR = ["Greece", "Romania", "Slovakia", "Spain"]
CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kkg:MilitaryAlliance ; rdfs:label ?l . FILTER(LANG(?l) IN ('', 'en')) }"


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


def q(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


def labels_in(body: bytes, media: str) -> list[str]:
    if media == "text/csv":  # pyoxigraph does not read CSV results (they are lossy)
        import csv
        import io

        return [row["label"] for row in csv.DictReader(io.StringIO(body.decode()))]
    kind = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/csv": ox.QueryResultsFormat.CSV,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media]
    return [solution["label"].value for solution in ox.parse_query_results(body, kind)]


@pytest.mark.parametrize(
    "media",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
@pytest.mark.parametrize("how", ["GET", "POST form", "POST direct"])
def test_select_in_every_results_format_and_every_way_of_sending(client, media, how):
    headers = {"Accept": media}
    if how == "GET":
        response = client.get(q(NON_RECOGNIZING), headers=headers)
    elif how == "POST form":
        response = client.post("/sparql", data={"query": NON_RECOGNIZING}, headers=headers)
    else:
        response = client.post(
            "/sparql", content=NON_RECOGNIZING.encode(), headers={**headers, "Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "Accept" in response.headers["vary"]
    assert labels_in(response.content, media) == FOUR


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        (None, ox.RdfFormat.TURTLE),
        ("application/json", ox.RdfFormat.JSON_LD),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_and_describe_are_negotiated(client, accept, media):
    headers = {"Accept": accept} if accept else {}
    response = client.get(q(CONSTRUCT), headers=headers)
    assert response.status_code == 200
    objects = [t.object.value for t in (q.triple for q in ox.parse(response.content, media))]
    assert objects == ["North Atlantic Treaty Organization"]
    described = client.get(q("DESCRIBE kkr:nato"), headers=headers)
    assert described.status_code == 200
    assert len(list(ox.parse(described.content, media))) >= 3


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/tab-separated-values, text/csv;q=0.9", "text/tab-separated-values"),
    ],
)
def test_accept_quality_values_are_followed(client, accept, expected):
    response = client.get(q("ASK { kkr:spain ?p ?o }"), headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == expected
    assert b"true" in response.content


def test_a_format_nobody_offers_is_406_with_the_choices(client):
    response = client.get(q(NON_RECOGNIZING), headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["error"]


@pytest.mark.parametrize(
    ("request_args", "status", "words"),
    [
        ({"method": "POST", "url": "/sparql", "content": b"query=x", "headers": {"Content-Type": "text/plain"}}, 415, "application/sparql-query"),
        ({"method": "POST", "url": "/sparql", "data": {"nothing": "here"}}, 400, "no field 'query'"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&query=ASK{}"}, 400, "given 2 times"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&default-graph-uri=http://127.0.0.1:9/g"}, 400, "default-graph-uri is not supported"),
        ({"method": "POST", "url": "/sparql", "content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}, 400, "not UTF-8"),
        ({"method": "GET", "url": "/sparql?query=%FF"}, 400, "not UTF-8"),
        ({"method": "GET", "url": "/sparql?query="}, 400, "the query is empty"),
        ({"method": "GET", "url": "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D"}, 400, "syntax error at line 1"),
        ({"method": "GET", "url": "/sparql?query=" + urllib.parse.quote("SELECT * { ?s nope:x ?o }")}, 400, "unknown prefix 'nope:'"),
        ({"method": "GET", "url": "/sparql?update=" + urllib.parse.quote("CLEAR ALL")}, 403, "read-only"),
        ({"method": "POST", "url": "/sparql", "data": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"method": "POST", "url": "/sparql", "content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403, "read-only"),
        ({"method": "GET", "url": "/sparql?query=" + urllib.parse.quote("INSERT DATA { <urn:a> <urn:b> <urn:c> }")}, 403, "read-only"),
        ({"method": "PUT", "url": "/store", "content": b"<urn:a> <urn:b> <urn:c> ."}, 403, "read-only"),
        ({"method": "DELETE", "url": "/sparql"}, 405, "DELETE is not allowed on /sparql"),
        ({"method": "GET", "url": "/nowhere"}, 404, "nothing at /nowhere"),
        ({"method": "POST", "url": "/sparql", "content": b"x" * 1_000_001, "headers": {"Content-Type": "application/sparql-query"}}, 413, "1,000,000 bytes"),
    ],
)  # fmt: skip
def test_requests_that_cannot_be_taken_get_a_status_and_a_json_message(client, request_args, status, words):
    response = client.request(**request_args)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert words in response.json()["error"] and response.json()["status"] == status


def test_service_description_is_rdf_and_negotiated(client):
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/ld+json"
    graph = {
        (t.predicate.value, t.object.value)
        for t in (q.triple for q in ox.parse(response.content, ox.RdfFormat.JSON_LD))
    }
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (sd + "endpoint", "http://testserver/sparql") in graph
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in graph
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_CSV") in graph
    assert (sd + "feature", sd + "BasicFederatedQuery") not in graph
    turtle = client.get("/sparql").text
    assert "sd:Service" in turtle and "@prefix sd:" in turtle


def test_void_describes_the_dataset(client, kg):
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    void = "http://rdfs.org/ns/void#"
    triples = [q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)]
    found = {t.predicate.value.removeprefix(void): t.object.value for t in triples}
    assert found["sparqlEndpoint"] == "http://testserver/sparql"
    assert found["uriSpace"] == "https://w3id.org/kosovo-kg/resource/"
    assert int(found["triples"]) == len(kg.triples)
    assert int(found["entities"]) > 300 and int(found["classes"]) > 10


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("text/turtle", None, ox.RdfFormat.TURTLE),
        ("application/ld+json", None, ox.RdfFormat.JSON_LD),
        ("application/n-triples", None, ox.RdfFormat.N_TRIPLES),
        (None, "turtle", ox.RdfFormat.TURTLE),
        (None, "jsonld", ox.RdfFormat.JSON_LD),
        (None, "nt", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_resource_dereferences_as_rdf(client, accept, fmt, media):
    response = client.get(
        "/resource/kosovo" + (f"?format={fmt}" if fmt else ""), headers={"Accept": accept} if accept else {}
    )
    assert response.status_code == 200
    triples = [q.triple for q in ox.parse(response.content, media)]
    kosovo = ox.NamedNode("https://w3id.org/kosovo-kg/resource/kosovo")
    assert any(
        t.subject == kosovo and t.object == ox.NamedNode("http://www.wikidata.org/entity/Q1246") for t in triples
    )
    assert any(t.object == kosovo for t in triples)  # and what points at it


def test_resource_is_html_for_a_browser(client):
    response = client.get("/resource/kosovo", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Kosovo</h1>" in response.text and 'href="https://www.wikidata.org/wiki/Q1246"' in response.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/resource/a%20b", 400),
        ("/resource/%3Cscript%3E", 400),
        ("/resource/kosovo%3E%20%3Fp%20%3Fo", 400),
        ("/resource/..%2F..%2Fetc%2Fpasswd", 400),
        ("/resource/", 400),
        ("/resource/a%00b", 400),
        ("/resource/%C3%A9", 400),
        ("/resource/kosovo?format=pdf", 400),
        ("/resource/nowhere", 404),
        ("/resource/Kosovo", 404),
    ],
)
def test_a_bad_or_unknown_resource_name_is_a_client_error(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["status"] == status


def test_stored_query_api_negotiates_json_and_csv(client):
    rows = client.get("/api/queries/non-recognizing-nato-members").json()["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == FOUR
    csv = client.get("/api/queries/non-recognizing-nato-members", headers={"Accept": "text/csv"})
    assert (
        csv.headers["content-type"] == "text/csv; charset=utf-8" and csv.text.splitlines()[0] == "state,label,wikidata"
    )
    assert client.get("/api/queries/recognized-before?date=2008-02-19&format=csv").text.count("\n") == 6


def test_prepared_text_binds_parameters_as_terms(client):
    response = client.get("/api/queries/recognized-before", params={"date": "2008-02-19"})
    assert response.status_code == 200
    text = client.get("/api/queries/recognized-before/prepared", params={"date": "2008-02-19"}).json()["query"]
    assert 'VALUES (?_date_date) { ("2008-02-19"^^<http://www.w3.org/2001/XMLSchema#date>) }' in text
    bad = client.get("/api/queries/recognized-before/prepared", params={"date": "19/02/2008"})
    assert bad.status_code == 400 and "must be a date as YYYY-MM-DD" in bad.json()["error"]
    injected = client.get("/api/queries/statements-by-person/prepared", params={"speaker": "x> } ; DROP ALL #"})
    assert injected.status_code == 400


def test_labels_for_the_results_view(client):
    response = client.post("/api/labels", json=["https://w3id.org/kosovo-kg/resource/spain", "urn:x:unknown"])
    assert response.json() == {"https://w3id.org/kosovo-kg/resource/spain": "Spain", "urn:x:unknown": None}
    assert client.post("/api/labels", content=b"{nope").status_code == 400
    assert client.post("/api/labels", json={"a": 1}).status_code == 400


def test_head_has_the_headers_of_get_and_no_body(client):
    got, head = client.get("/resource/kosovo"), client.head("/resource/kosovo")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]


def test_the_sparql_editor_starts_on_a_question_about_this_graph(client):
    page = client.get("/editor").text
    start = json.loads(page.split('<script id="questions-data" type="application/json">')[1].split("</script>")[0])
    first = json.loads(page.split('<script id="first-question" type="application/json">')[1].split("</script>")[0])
    assert first == "non-recognizing-nato-members"
    assert any(q["name"] == first and "kkg:DoesNotRecognize" in q["query"] for q in start)
    form = next(q for q in start if q["name"] == "recognized-before")
    assert form["parameters"] == [{"name": "date", "type": "date", "required": False, "default": "2008-03-01"}]
    script = re.search(r'<script src="(/static/yasgui/yasgui\.min\.[0-9a-f]{12}\.js)" defer></script>', page)
    assert script, "the editor's script, by its content-addressed name, deferred"
    assert client.get(script.group(1)).status_code == 200
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert "MIT" in client.get("/static/yasgui/LICENSE").text


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory):
    """The graph plus labels in Albanian and Serbian, the way the data will carry them."""
    extra = tmp_path_factory.mktemp("labels") / "labels.ttl"
    extra.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/kosovo-kg/resource/kosovo> rdfs:label "Kosova"@sq, "Косово"@sr, "Kosovo"@sr-Latn ;\n'
        '  skos:altLabel "Republika e Kosovës"@sq .\n',
        encoding="utf-8",
    )
    graph = load_graph([extra])
    with serve_client(graph, timeout=3) as running:
        yield running


def test_entity_page_shows_labels_in_every_language_of_the_graph(multilingual):
    page = multilingual.get("/resource/kosovo").text
    assert "<h1>Kosovo</h1>" in page  # the English label names the page
    names = page.split('<ul class="names">')[1].split("</ul>")[0]
    for text in ("Kosova", "Republika e Kosovës", "Косово", "Albanian", "Serbian (Cyrillic)", "Serbian (Latin)"):
        assert text in names, text
    assert '<span lang="sr">Косово</span>' in names and '<span lang="sr-Latn">Kosovo</span>' in names
    assert multilingual.post("/api/labels", json=["https://w3id.org/kosovo-kg/resource/kosovo"]).json() == {
        "https://w3id.org/kosovo-kg/resource/kosovo": "Kosovo"
    }


def test_the_queue_bound_answers_busy_with_retry_after(kg):
    with serve_client(kg, timeout=5, workers=1, queue=0) as running:
        workers = running.workers  # type: ignore[attr-defined]

        async def two_at_once() -> list[object]:
            from kosovo_kg.web.workers import describe_in_worker

            first = asyncio.ensure_future(
                workers.call(describe_in_worker, "https://w3id.org/kosovo-kg/resource/kosovo")
            )
            await asyncio.sleep(0)
            second = workers.call(describe_in_worker, "https://w3id.org/kosovo-kg/resource/spain")
            return await asyncio.gather(first, second, return_exceptions=True)

        first, second = asyncio.run(two_at_once())
        assert isinstance(second, ServerBusy) and "retry shortly" in str(second)
        assert first is not None and not isinstance(first, BaseException)
        assert workers.pending == 0


def test_answer_cache_is_bounded_and_skips_volatile_queries():
    cache = AnswerCache(budget=800)
    assert not cache.cacheable("SELECT (RAND() AS ?r) {}") and not cache.cacheable("SELECT (STRUUID() AS ?u) {}")
    assert cache.cacheable('SELECT ?x { ?x rdfs:label "RAND" }')
    for index in range(20):
        cache.put((f"q{index}", "text/csv"), b"x" * 90)
    assert cache.size <= 800 and cache.get(("q0", "text/csv")) is None and cache.get(("q19", "text/csv")) == b"x" * 90
    cache.put(("huge", "text/csv"), b"x" * 200)  # over an eighth of the budget: not kept
    assert cache.get(("huge", "text/csv")) is None


def test_cached_answers_are_the_same_bytes(kg):
    with serve_client(kg, timeout=3, cache_bytes=1_000_000) as running:
        first = running.get(q(NON_RECOGNIZING), headers={"Accept": "text/csv"})
        second = running.get(q(NON_RECOGNIZING), headers={"Accept": "text/csv"})
        other = running.get(q(NON_RECOGNIZING), headers={"Accept": "application/sparql-results+xml"})
        assert first.content == second.content and first.status_code == second.status_code == 200
        assert labels_in(other.content, "application/sparql-results+xml") == FOUR
        cache = running.workers.cache  # type: ignore[attr-defined]
        assert (cache.hits, cache.misses) == (1, 2)


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_every_stored_question_answers_as_on_the_command_line(client, kg, name):
    """serve writes answers with pyoxigraph's serializer, the CLI with output.to_csv: the same rows."""
    from kosovo_kg.querying.pipeline import QueryOptions, evaluate, get_stored_query, prepare, render

    options = QueryOptions()
    expected = render(evaluate(prepare(get_stored_query(name), {}, options, kg), kg, options), "csv", kg)
    response = client.get(f"/api/queries/{name}?format=csv")
    assert response.status_code == 200
    assert response.text == expected


def test_an_idle_worker_killed_is_replaced_and_queries_its_own_pools_graph(kg, multilingual):
    """A worker killed while the pool runs no task (pebble then declares the pool broken) is
    replaced; and with two pools in one process (as in these tests), the new worker finds its own
    pool's graph, not the graph of the pool started last."""
    import os
    import signal
    import time

    from kosovo_kg.web.workers import QueryWorkers

    first = QueryWorkers(kg, workers=1, timeout=5, queue=4, max_result_bytes=1_000_000, isolate=False)
    first.start()
    try:
        [victim] = first.worker_pids()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while (first.worker_pids() in ([], [victim])) and time.monotonic() < deadline:
            time.sleep(0.05)
        outgoing, _ = asyncio.run(first.describe("https://w3id.org/kosovo-kg/resource/kosovo"))
        # only the multilingual pool's graph has this name (the packaged graph has "Kosova" too, from CLDR)
        assert "Republika e Kosovës" not in {t.object.value for t in outgoing}
        assert "Republika e Kosovës" in multilingual.get("/resource/kosovo").text
    finally:
        first.close()
