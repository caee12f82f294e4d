"""web/app.py: serve's application assembled from its route modules, through Starlette's TestClient
(in process, no socket): every route module's routes, the state they share, the same JSON error for
every request that cannot be taken whichever route refuses it (and an HTML page that suggests where
to go, to a browser), hostile data never a live link on any page. Each route's own behaviour is in
tests/web/routes/."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from conftest import TESTS, serve_client

from kosovo_kg import load_graph
from kosovo_kg.web.state import ServeState

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=3, max_result_bytes=2_000_000, cache_bytes=0) as running:
        yield running


@pytest.mark.parametrize(
    ("request_args", "status", "words"),
    [
        ({"method": "POST", "url": "/sparql", "content": b"query=x", "headers": {"Content-Type": "text/plain"}}, 415, "application/sparql-query"),
        ({"method": "POST", "url": "/sparql", "data": {"nothing": "here"}}, 400, "no field 'query'"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&query=ASK{}"}, 400, "given 2 times"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&default-graph-uri=http://127.0.0.1:9/g"}, 400, "default-graph-uri <http://127.0.0.1:9/g> names no graph of this dataset"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&named-graph-uri=not%20an%20iri"}, 400, "named-graph-uri 'not an iri' is not an absolute IRI"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&using-graph-uri=http://127.0.0.1:9/g"}, 403, "read-only"),
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


def test_head_has_the_headers_of_get_and_no_body(client):
    got, head = client.get("/resource/kosovo"), client.head("/resource/kosovo")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]


def test_the_app_holds_every_route_modules_routes_and_the_shared_state(client, kg):
    """A route module that create_app does not assemble would serve nothing: each one's routes are there."""
    import importlib
    import pkgutil

    import kosovo_kg.web.routes

    modules = [
        importlib.import_module(f"kosovo_kg.web.routes.{info.name}")
        for info in pkgutil.iter_modules(kosovo_kg.web.routes.__path__)
    ]
    assert len(modules) >= 6
    expected = sorted(route.path for module in modules for route in module.ROUTES)
    assert sorted(route.path for route in client.app.routes) == expected
    assert isinstance(client.app.state.serve, ServeState) and client.app.state.serve.kg is kg


def test_a_missing_page_suggests_the_closest_ones_to_a_browser(client):
    page = client.get("/resource/Greece", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "no resource kkr:Greece in the graph" in page.text and 'href="/resource/greece"' in page.text
    # any spelling the name index knows: a typo, a surname, the words of a label
    for mistyped, meant in (
        ("Greec", "greece"),
        ("vucic", "aleksandar-vucic"),
        ("serbian-president", "president-of-serbia"),
    ):
        suggested = client.get(f"/resource/{mistyped}", headers=BROWSER).text
        assert f'href="/resource/{meant}"' in suggested, mistyped
    question = client.get("/queries/kfor-strenght", headers=BROWSER)
    assert question.status_code == 404 and 'href="/queries/kfor-strength"' in question.text
    elsewhere = client.get("/nowhere", headers=BROWSER)
    assert elsewhere.status_code == 404 and "<h1>Nothing here (404)</h1>" in elsewhere.text
    bad = client.get("/resource/a%20b", headers=BROWSER)
    assert bad.status_code == 400 and "is not a resource name" in bad.text
    assert client.get("/resource/Greece").json() == {"error": "no resource kkr:Greece in the graph", "status": 404}
    assert client.get("/resource/Greece", headers={"Accept": "application/json"}).json()["status"] == 404


def test_hostile_links_given_with_data_are_never_live(tmp_path):
    """serve --data hostile.ttl (the graph it loads: the packaged one and the file)."""
    hostile = load_graph([TESTS / "fixtures" / "hostile-links.ttl"])
    with serve_client(hostile, timeout=5) as running:
        for path in ("/resource/kosovo", "/resource/src-hostile", "/queries/sources-of-entity?entity=kosovo"):
            page = running.get(path).text
            assert not re.search(r"(href|src)=\"\s*((java|vb)script|data):", page, re.IGNORECASE), path
            assert "<script>alert" not in page and "<b>markup</b>" not in page
        assert "javascript:alert(1)" in running.get("/resource/kosovo").text  # shown as text, for what it is
