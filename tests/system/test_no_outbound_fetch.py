"""No entry point fetches anything from the network unless the user passes --allow-federation.

A listener on 127.0.0.1 (``conftest.ConnectionListener``) stands where each query, data file or
context points, and must record no connection. It sees connections from any client, including
pyoxigraph's own HTTP client, which Python's audit hooks cannot see; an audit hook on
``socket.connect`` adds a second net for Python code (rdflib, owlready2, pyld) fetching from
anywhere else. The positive controls show the listener does see a fetch when one is allowed.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from conftest import invoke, kosovo_server

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

_connects: list[object] | None = None


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _connects is not None:
        _connects.append(args[1])


sys.addaudithook(_audit)  # audit hooks cannot be removed; it records only inside python_connects()


@contextmanager
def python_connects():
    """Every address Python code connects a socket to inside the block."""
    global _connects
    _connects = []
    try:
        yield _connects
    finally:
        _connects = None


def run(*args: str) -> tuple[int, str, str]:
    result = invoke(list(args))
    return result.exit_code, result.stdout, result.stderr


def fetching_queries(url: str) -> dict[str, str]:
    return {
        "SERVICE": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SERVICE SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "escaped SERVICE": f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "LOAD": f"LOAD <{url}/x.ttl>",
        "FROM": f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED": f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    }


KINDS = list(fetching_queries("http://x"))


#: FROM and FROM NAMED choose among the loaded graphs on the embedded engines: an IRI outside
#: them is refused as naming no graph (exit 2, HTTP 400), not as federation.
OUTSIDE_THE_STORE = {"FROM", "FROM NAMED"}


def refusal(kind: str) -> str:
    return "names no graph of this dataset" if kind in OUTSIDE_THE_STORE else "error: refused:"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_is_refused_and_connects_nowhere(listener, engine, kind):
    with python_connects() as connects:
        code, _, err = run("sparql", fetching_queries(listener.url)[kind], "--engine", engine)
    assert code == 2
    assert refusal(kind) in err
    assert listener.settled() == [] and connects == []


@pytest.mark.parametrize("kind", sorted(OUTSIDE_THE_STORE))
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_from_fetches_nothing_even_with_federation_allowed(listener, engine, kind):
    """--allow-federation lets SERVICE out; FROM still chooses among the loaded graphs only."""
    with python_connects() as connects:
        code, _, err = run("sparql", fetching_queries(listener.url)[kind], "--engine", engine, "--allow-federation")
    assert code == 2 and "names no graph of this dataset" in err
    assert listener.settled() == [] and connects == []


@pytest.mark.parametrize("kind", sorted(OUTSIDE_THE_STORE))
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_from_past_the_screen_fetches_nothing(kg, listener, engine, kind):
    """The screen is the friendly answer, not the guard: the engines themselves, given a FROM of
    a graph they do not hold, fetch nothing (rdflib would, unless told not to) and see an empty graph."""
    from kosovo_kg.querying.engines import make_engine

    with python_connects() as connects:
        result = make_engine(engine, kg).query(fetching_queries(listener.url)[kind])
    assert list(result) == []
    assert listener.settled() == [] and connects == []


@pytest.mark.parametrize("kind", KINDS)
def test_remote_engine_is_not_even_asked_a_refused_query(listener, kind):
    """The listener is the remote engine too: a refused query is never sent to it."""
    code, _, err = run("sparql", fetching_queries(listener.url)[kind], "--engine", f"{listener.url}/query")
    assert code == 2 and "error: refused:" in err
    assert listener.settled() == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_stored_federated_question_is_refused_and_connects_nowhere(listener, engine):
    with python_connects() as connects:
        code, _, err = run(
            "query", "other-memberships-of-kosovo", "--engine", engine, "--wikidata-endpoint", f"{listener.url}/sparql"
        )
    assert code == 2 and "pass --allow-federation" in err
    assert listener.settled() == [] and connects == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_positive_control_allowed_service_reaches_the_listener(listener, engine):
    """With --allow-federation the same SERVICE does connect: the listener can see a fetch."""
    code, _, err = run(
        "sparql", fetching_queries(listener.url)["SERVICE"], "--engine", engine, "--allow-federation", "--timeout", "20"
    )
    # the listener hangs up without answering: an endpoint that cannot be used, named (exit 3)
    assert code == 3 and f"cannot reach the SPARQL endpoint {listener.url}/sparql: " in err
    assert len(listener.settled()) >= 1


def test_validate_ignores_owl_imports(listener, tmp_path):
    """owlready2 downloads every owl:imports while it loads: the reasoner is never given them."""
    data = tmp_path / "imports.ttl"
    data.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://w3id.org/kosovo-kg/ontology> owl:imports <{listener.url}/onto.ttl> .\n"
        f"<https://w3id.org/kosovo-kg/test/extension> a owl:Ontology ; owl:imports <{listener.url}/onto2.ttl> .\n",
        encoding="utf-8",
    )
    with python_connects() as connects:
        code, out, err = run("validate", str(data))
    assert code == 0, out + err
    assert "HermiT: consistent" in out
    assert listener.settled() == [] and connects == []


def test_validate_refuses_a_remote_jsonld_context(listener, tmp_path):
    data = tmp_path / "remote.jsonld"
    data.write_text(
        json.dumps({"@context": f"{listener.url}/ctx.jsonld", "@id": "https://w3id.org/kosovo-kg/test/a", "name": "A"}),
        encoding="utf-8",
    )
    with python_connects() as connects:
        code, _, err = run("validate", "--no-reasoning", str(data))
    assert code == 2
    assert "remote.jsonld:1: syntax error: a remote JSON-LD @context is not fetched" in err
    assert listener.settled() == [] and connects == []


def test_validate_reads_jsonld_with_its_context_embedded(tmp_path):
    data = tmp_path / "local.jsonld"
    data.write_text(
        json.dumps(
            {
                "@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
                "@id": "https://w3id.org/kosovo-kg/resource/kosovo",
                "rdfs:comment": {"@value": "A comment from a JSON-LD file", "@language": "en"},
            }
        ),
        encoding="utf-8",
    )
    code, out, err = run("validate", "--no-reasoning", str(data))
    assert code == 0, out + err


@pytest.mark.parametrize("rdf_format", ["jsonld", "turtle", "xml", "nt"])
def test_export_connects_nowhere(rdf_format, tmp_path):
    with python_connects() as connects:
        code, _, err = run("export", "--format", rdf_format, "-o", str(tmp_path / "graph"))
    assert code == 0, err
    assert connects == []


@pytest.fixture(scope="module")
def server(kg):
    with kosovo_server(kg, timeout=2) as url:
        yield url


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("kind", KINDS)
def test_serve_refuses_and_connects_nowhere(server, listener, kind):
    status, body = http_get(
        f"{server}/sparql?" + urllib.parse.urlencode({"query": fetching_queries(listener.url)[kind]})
    )
    if kind in OUTSIDE_THE_STORE:
        assert status == 400 and "names no graph of this dataset" in json.loads(body)["error"]
    else:
        assert status == 403 and "refused" in json.loads(body)["error"]
    assert listener.settled() == []


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_serve_dataset_parameters_fetch_nothing(server, listener, parameter):
    """The protocol's dataset parameters choose among the store's graphs: one outside it is refused."""
    query = {"query": "SELECT * WHERE { ?s ?p ?o }", parameter: f"{listener.url}/g"}
    status, body = http_get(f"{server}/sparql?" + urllib.parse.urlencode(query))
    assert status == 400 and f"{parameter} <{listener.url}/g> names no graph" in json.loads(body)["error"]
    assert listener.settled() == []


def test_serve_refuses_a_federated_stored_question(server):
    status, body = http_get(f"{server}/api/queries/other-memberships-of-kosovo")
    assert status == 403 and "--allow-federation" in json.loads(body)["error"]


def differential_queries(url: str) -> dict[str, str]:
    """Ways of writing SERVICE that the screen's old lexer read differently from Oxigraph's parser."""
    return {
        "comment ended by CR": f"SELECT * WHERE {{ ?s ?p ?o #\rSERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",
        "escaped # in a local name": f"PREFIX ex: <http://x.test/> SELECT * WHERE {{ ?s ?p ex:a\\# . SERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",
        "dot after a keyword": f"SELECT * WHERE {{ ?s ?p true.SERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",
        "escaped dot then a dot": f"PREFIX ex: <http://x.test/> SELECT * WHERE {{ ?s ?p ex:a\\. . SERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",
    }


@pytest.mark.parametrize("kind", list(differential_queries("http://x")))
def test_the_screen_reads_service_where_oxigraph_does(listener, kind):
    """Each query is run by pyoxigraph itself (this process, loopback only): it does connect, so
    Oxigraph reads a SERVICE there; and the screen refuses it."""
    import pyoxigraph as ox

    from kosovo_kg.errors import FederationRefused
    from kosovo_kg.querying.sparqltext import refuse_federation

    query = differential_queries(listener.url)[kind]
    with pytest.raises(FederationRefused):
        refuse_federation(query)
    store = ox.Store()  # the patterns before each SERVICE match, so that Oxigraph evaluates it
    subject, predicate = ox.NamedNode("http://x.test/s"), ox.NamedNode("http://x.test/p")
    for value in (ox.Literal("o"), ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
                  ox.NamedNode("http://x.test/a#"), ox.NamedNode("http://x.test/a.")):  # fmt: skip
        store.add(ox.Quad(subject, predicate, value))
    with pytest.raises(OSError):  # the listener hangs up without answering
        list(store.query(query))
    assert len(listener.settled()) >= 1
