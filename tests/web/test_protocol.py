"""web/protocol.py: the SPARQL 1.1 Protocol inside a request: content negotiation (negotiate,
chosen), the body read within a size and a time limit (read_body), and where the query is
(sparql_request). The same through HTTP, every way of sending, is tests/web/routes/test_sparql.py's."""

from __future__ import annotations

import asyncio
import urllib.parse

import pytest
from starlette.requests import Request

from kosovo_kg.errors import RequestError
from kosovo_kg.querying.output import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES
from kosovo_kg.web.protocol import (
    chosen,
    negotiate,
    not_acceptable,
    offered_for,
    read_body,
    sparql_request,
    with_charset,
)

JSON, XML, CSV, TSV = RESULT_MEDIA_TYPES


@pytest.mark.parametrize(
    ("accept", "offered", "media"),
    [
        (None, RESULT_MEDIA_TYPES, JSON),
        ("", GRAPH_MEDIA_TYPES, "text/turtle"),
        ("text/csv", RESULT_MEDIA_TYPES, CSV),
        ("TEXT/CSV", RESULT_MEDIA_TYPES, CSV),
        ("text/csv;q=0.5, application/sparql-results+xml", RESULT_MEDIA_TYPES, XML),
        ("text/*", RESULT_MEDIA_TYPES, CSV),  # our order among what the client's range names
        ("text/*;q=0.9, text/tab-separated-values", RESULT_MEDIA_TYPES, TSV),
        ("*/*", GRAPH_MEDIA_TYPES, "text/turtle"),
        ("*/*;q=0.1, text/csv;q=0.1", RESULT_MEDIA_TYPES, CSV),  # a named type beats a wildcard at the same q
        ("application/json", RESULT_MEDIA_TYPES, JSON),  # names clients use for the same format
        ("application/json", GRAPH_MEDIA_TYPES, "application/ld+json"),
        ("text/plain", RESULT_MEDIA_TYPES, TSV),
        ("application/xml", GRAPH_MEDIA_TYPES, "application/rdf+xml"),
        ("text/csv;q=0, */*", RESULT_MEDIA_TYPES, JSON),  # q=0: anything but this
        ("text/csv;q=nonsense, text/tab-separated-values;q=0.2", RESULT_MEDIA_TYPES, TSV),  # an unreadable q is 0
        ("nonsense, text/csv", RESULT_MEDIA_TYPES, CSV),  # an unreadable range is skipped
        ("text/csv;q=7", RESULT_MEDIA_TYPES, CSV),
    ],
)
def test_the_media_type_the_accept_header_prefers(accept, offered, media):
    assert negotiate(accept, offered) == media


@pytest.mark.parametrize("accept", ["image/png", "text/csv;q=0", "application/*;q=0, text/*;q=0", "nonsense"])
def test_an_accept_header_that_rules_out_every_offer_gets_none(accept):
    assert negotiate(accept, RESULT_MEDIA_TYPES) is None


def test_text_types_say_they_are_utf8_and_each_form_has_its_offers():
    assert with_charset("text/csv") == "text/csv; charset=utf-8"
    assert with_charset("application/sparql-results+json") == "application/sparql-results+json"
    assert offered_for("CONSTRUCT") == offered_for("DESCRIBE") == GRAPH_MEDIA_TYPES
    assert offered_for("SELECT") == offered_for("ASK") == offered_for("") == RESULT_MEDIA_TYPES
    refusal = not_acceptable(("text/turtle", "application/n-triples"))
    assert refusal.http_status == 406 and str(refusal).endswith("available as text/turtle, application/n-triples")


def request(
    method: str = "POST",
    query: str = "",
    headers: dict[str, str] | None = None,
    chunks: list[bytes] | None = None,
    disconnect: bool = False,
    stall: float = 0.0,
) -> Request:
    """A request as uvicorn hands it over: the body in chunks, a client that may go away or stall."""
    messages = [{"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks or []]
    messages.append(
        {"type": "http.disconnect"} if disconnect else {"type": "http.request", "body": b"", "more_body": False}
    )

    async def receive() -> dict:
        if stall:
            await asyncio.sleep(stall)
        return messages.pop(0)

    scope = {
        "type": "http",
        "method": method,
        "path": "/sparql",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    return Request(scope, receive)


def test_chosen_answers_with_the_preferred_type_or_406():
    assert chosen(request("GET", headers={"Accept": "text/csv"}), RESULT_MEDIA_TYPES) == CSV
    assert chosen(request("GET"), GRAPH_MEDIA_TYPES) == "text/turtle"
    with pytest.raises(RequestError) as caught:
        chosen(request("GET", headers={"Accept": "image/png"}), RESULT_MEDIA_TYPES)
    assert caught.value.http_status == 406 and "text/csv" in str(caught.value)


def test_a_body_is_read_whole_in_its_chunks():
    assert asyncio.run(read_body(request(chunks=[b"ASK ", b"{}"]), limit=6)) == b"ASK {}"


def test_a_declared_length_over_the_limit_is_refused_before_a_byte_is_read():
    def never() -> dict:
        raise AssertionError("the body was read")

    body = request(headers={"Content-Length": "1000001"})
    body._receive = never  # type: ignore[attr-defined]
    with pytest.raises(RequestError) as caught:
        asyncio.run(read_body(body))
    assert caught.value.http_status == 413
    assert str(caught.value) == "the request body is larger than this server's limit of 1,000,000 bytes"


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit():
    with pytest.raises(RequestError) as caught:
        asyncio.run(read_body(request(chunks=[b"x" * 6, b"x" * 6, b"x" * 6]), limit=10))
    assert caught.value.http_status == 413 and "limit of 10 bytes" in str(caught.value)


def test_a_body_that_does_not_arrive_in_time_is_408():
    with pytest.raises(RequestError) as caught:
        asyncio.run(read_body(request(chunks=[b"ASK"], stall=0.5), timeout=0.1))
    assert (caught.value.http_status, str(caught.value)) == (408, "the request body did not arrive within 0.1 seconds")


def test_a_client_that_goes_away_mid_body_is_400():
    with pytest.raises(RequestError) as caught:
        asyncio.run(read_body(request(chunks=[b"ASK"], disconnect=True)))
    assert caught.value.http_status == 400
    assert str(caught.value) == "the client went away before sending the whole request body"


def sparql(req: Request) -> str | None:
    return asyncio.run(sparql_request(req)).query


def test_the_query_is_found_wherever_the_protocol_puts_it():
    assert sparql(request("GET", "query=ASK%20%7B%7D")) == "ASK {}"
    assert sparql(request("HEAD", "query=ASK%20%7B%7D")) == "ASK {}"
    assert sparql(request("GET")) is None  # no query: the service description
    direct = {"Content-Type": "application/sparql-query; charset=utf-8"}
    assert sparql(request(headers=direct, chunks=["ASK { ?s ?p 'Thaçi' }".encode()])) == "ASK { ?s ?p 'Thaçi' }"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    assert sparql(request(headers=form, chunks=[body])) == "ASK {}"


@pytest.mark.parametrize(
    ("req", "status", "message"),
    [
        (lambda: request("GET", "query=a&query=b"), 400, "the parameter 'query' is given 2 times; give it once"),
        (lambda: request("GET", "update=CLEAR%20ALL"), 403, "the graph is read-only: SPARQL Update is refused"),
        (lambda: request("GET", "query=ASK%7B%7D&named-graph-uri=urn:x:g"), 400, "named-graph-uri is not supported"),
        (lambda: request("GET", "&".join(f"p{n}=1" for n in range(101))), 400, "the parameters cannot be read: "),
        (lambda: request("GET", "query=%C3%28"), 400, "a parameter is not UTF-8 once percent-decoded"),
        (lambda: request("PUT"), 405, "PUT is not allowed on /sparql: use GET or POST"),
        (lambda: request(headers={"Content-Type": "application/sparql-update"}), 403, "the graph is read-only"),
        (lambda: request(headers={"Content-Type": "text/plain"}), 415, "POST a query as application/sparql-query"),
        (lambda: request(headers={"Content-Type": "application/x-www-form-urlencoded"}, chunks=[b"q=1"]), 400, "the form has no field 'query'"),
        (lambda: request(headers={"Content-Type": "application/x-www-form-urlencoded"}, chunks=[b"update=x"]), 403, "the graph is read-only"),
        (lambda: request(headers={"Content-Type": "application/sparql-query"}, chunks=[b"ASK \xff"]), 400, "the query is not UTF-8 (byte 4)"),
    ],
)  # fmt: skip
def test_a_request_that_cannot_be_taken_is_refused_with_its_status(req, status, message):
    with pytest.raises(RequestError) as caught:
        sparql(req())
    assert caught.value.http_status == status and str(caught.value).startswith(message)
