"""The door of ``serve``: the Host header is checked and never used; every self-reference names the
public base URL (``serve --base-url``, else the listening address)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import serve_client

from kosovo_kg.web.door import valid_host

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

PUBLIC = "https://kg.example.org/kosovo"


@pytest.fixture(scope="module")
def client(kg):
    with serve_client(kg, timeout=5, cache_bytes=0, base_url=PUBLIC + "/") as running:
        yield running


@pytest.mark.parametrize(
    ("host", "valid"),
    [
        (b"localhost", True),
        (b"example.org:8000", True),
        (b"[::1]:8000", True),
        (b"127.0.0.1", True),
        (b"xn--mnchen-3ya.de", True),
        (b"a%41b", True),
        (b"a%zz", False),
        (b"a b", False),
        (b"a\x00b", False),
        (b"a/b", False),
        (b"a@b", False),
        (b"[::1", False),
        (b"h" * 300, False),
    ],
)
def test_a_host_is_a_host_and_an_optional_port(host, valid):
    assert valid_host(host) is valid


def triples_of(response) -> set[tuple[str, str, str]]:
    assert response.status_code == 200, response.text
    return {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)
        if not isinstance(q.object, ox.BlankNode)
    }


def test_every_self_reference_names_the_public_base_url_never_the_host(client):
    sd = "http://www.w3.org/ns/sparql-service-description#"
    for host in ("evil.example", "localhost:1", "kg.example.org"):
        headers = {"Host": host, "Accept": "application/n-triples"}
        description = client.get("/sparql", headers=headers)
        assert (PUBLIC + "/sparql#service", sd + "endpoint", PUBLIC + "/sparql") in triples_of(description)
        void = client.get("/.well-known/void", headers=headers)
        assert (PUBLIC + "/.well-known/void#dataset", "http://rdfs.org/ns/void#sparqlEndpoint", PUBLIC + "/sparql") in (
            triples_of(void)
        )
        assert b"evil" not in description.content + void.content


def test_distinct_hosts_are_never_kept(client):
    """150 distinct Host headers once grew the server by 211 MB: VoID was kept per Host."""
    state = client.app.state.serve
    client.get("/.well-known/void")
    kept = dict(state._made)
    for number in range(150):
        assert client.get("/.well-known/void", headers={"Host": f"h{number}.example"}).status_code == 200
    assert state._made.keys() == kept.keys()


def test_a_malformed_or_repeated_host_is_a_400(client):
    response = client.get("/sparql", headers={"Host": "a%zz"})
    assert response.status_code == 400
    assert response.json() == {"error": "the request has a Host header that is not a host[:port]", "status": 400}


def test_a_redirect_goes_to_the_public_address(client):
    response = client.get("/sparql/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].startswith("https://kg.example.org/")
