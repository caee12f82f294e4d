"""web/errors.py: the one place serve turns what went wrong into an HTTP answer: each package error
answers with its class's http_status and the JSON body {"error", "status"}; Starlette's own 404
and 405 say where to look; a bug is a 500 in one line, never a traceback."""

from __future__ import annotations

import inspect

import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from kosovo_kg import errors
from kosovo_kg.errors import KosovoKGError, LoadError, RequestError
from kosovo_kg.web.errors import HANDLERS, error_response

CLASSES = sorted(
    (value for value in vars(errors).values() if inspect.isclass(value) and issubclass(value, KosovoKGError)),
    key=lambda cls: cls.__name__,
)


def make(cls: type[KosovoKGError]) -> KosovoKGError:
    if cls is LoadError:
        return LoadError("mine.ttl", "syntax error", 3)
    if cls is RequestError:
        return RequestError(415, "POST a query as application/sparql-query")
    return cls(f"what went wrong ({cls.__name__})")


async def fail(request: Request):
    name = request.path_params["name"]
    if name == "bug":
        raise ValueError("a bug")
    if name == "http":
        raise HTTPException(409, "a conflict", headers={"X-Why": "test"})
    raise make(next(cls for cls in CLASSES if cls.__name__ == name))


@pytest.fixture(scope="module")
def client():
    app = Starlette(routes=[Route("/fail/{name}", fail, methods=["GET"])], exception_handlers=HANDLERS)
    with TestClient(app, raise_server_exceptions=False) as running:
        yield running


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_package_error_answers_with_its_status_and_message_as_json(client, cls):
    error = make(cls)
    response = client.get(f"/fail/{cls.__name__}")
    assert response.status_code == error.http_status
    assert response.headers["content-type"] == "application/json"
    expected = str(error) + (" when starting the server" if cls is errors.FederationRefused else "")
    assert response.json() == {"error": expected, "status": error.http_status}


def test_a_busy_server_says_when_to_retry(client):
    response = client.get("/fail/ServerBusy")
    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert "retry-after" not in client.get("/fail/QueryTimeout").headers


def test_a_refused_federation_says_what_would_allow_it(client):
    response = client.get("/fail/FederationRefused")
    assert response.status_code == 403
    assert response.json()["error"] == "what went wrong (FederationRefused) when starting the server"


def test_starlettes_own_errors_answer_in_the_same_form(client):
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and missing.json() == {
        "error": "nothing at /nowhere; see / for the questions and their answers and /openapi.json for the API",
        "status": 404,
    }
    method = client.post("/fail/bug")
    assert method.status_code == 405 and method.json() == {"error": "POST is not allowed on /fail/bug", "status": 405}
    assert "GET" in method.headers["allow"]
    other = client.get("/fail/http")
    assert other.status_code == 409 and other.json() == {"error": "a conflict", "status": 409}
    assert other.headers["x-why"] == "test"


def test_a_bug_is_a_500_in_one_line_without_a_traceback(client):
    response = client.get("/fail/bug")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error (ValueError); please report it", "status": 500}
    assert "Traceback" not in response.text and "a bug" not in response.text


def test_an_error_response_is_the_json_body_with_its_headers():
    response = error_response(413, "too large", {"Connection": "close"})
    assert (response.status_code, response.body, response.headers["connection"]) == (
        413,
        b'{"error":"too large","status":413}',
        "close",
    )
