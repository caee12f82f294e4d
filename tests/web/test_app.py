"""web/app.py: serve's application assembled from its route modules, through Starlette's TestClient
(in process, no socket): every route module's routes, the state they share, and the same JSON error
for every request that cannot be taken, whichever route refuses it. Each route's own behaviour is in
tests/web/routes/."""

from __future__ import annotations

import urllib.parse

import pytest
from conftest import serve_client

from kosovo_kg.web.state import ServeState


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
