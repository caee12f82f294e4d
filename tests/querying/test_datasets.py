"""What the W3C suite found, held in place on small data of its own: a query's base IRI, its
dataset (FROM, FROM NAMED, and serve's default-graph-uri / named-graph-uri), rows without a bound
variable, an empty data file, and the engines' own evaluation errors as exit 2 / HTTP 400."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from conftest import invoke, serve_client

from kosovo_kg import load_graph

ENGINES = ["oxigraph", "rdflib"]


@pytest.fixture
def files(tmp_path):
    """Two data files, each a graph named by its URL, with a blank node label they share."""
    one = tmp_path / "one.ttl"
    two = tmp_path / "two.ttl"
    one.write_text('@prefix : <http://x.test/> .\n:a :p "in one" ; :n 123.0 .\n_:b :q "one\'s b" .\n')
    two.write_text('@prefix : <http://x.test/> .\n:a :p "in two" .\n_:b :q "two\'s b" .\n')
    return one, two


def sparql(*args: object) -> tuple[int, list[dict], str]:
    result = invoke(["sparql", *map(str, args), "--format", "json"])
    assert result.exit_code != 70, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"] if result.exit_code == 0 and result.stdout else []
    return result.exit_code, [{k: v["value"] for k, v in row.items()} for row in rows], result.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_from_selects_a_loaded_graph(files, engine):
    one, two = files
    query = f"SELECT ?o FROM <{one.as_uri()}> WHERE {{ ?s <http://x.test/p> ?o }}"
    code, rows, _ = sparql(query, "--only-data", "--data", one, two, "--engine", engine)
    assert code == 0 and rows == [{"o": "in one"}]


@pytest.mark.parametrize("engine", ENGINES)
def test_from_named_limits_graph(files, engine):
    one, two = files
    query = f"SELECT ?g ?o FROM NAMED <{two.as_uri()}> WHERE {{ GRAPH ?g {{ ?s <http://x.test/p> ?o }} }}"
    code, rows, _ = sparql(query, "--only-data", "--data", one, two, "--engine", engine)
    assert code == 0 and rows == [{"g": two.as_uri(), "o": "in two"}]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_relative_from_resolves_against_the_query_file(files, tmp_path, engine):
    one, two = files
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?o FROM <two.ttl> WHERE { ?s <http://x.test/p> ?o }")
    code, rows, _ = sparql("-f", query, "--only-data", "--data", one, two, "--engine", engine)
    assert code == 0 and rows == [{"o": "in two"}]


@pytest.mark.parametrize("engine", ENGINES)
def test_base_resolves_relative_iris(files, tmp_path, engine):
    """-f FILE: the file's URL; TEXT: the working folder's; --base overrides both."""
    one, _ = files
    query = tmp_path / "q.rq"
    query.write_text("SELECT (<x> AS ?iri) WHERE {}")
    code, rows, _ = sparql("-f", query, "--only-data", "--data", one, "--engine", engine)
    assert code == 0 and rows == [{"iri": (tmp_path / "x").as_uri()}]
    code, rows, _ = sparql(
        "-f", query, "--base", "https://w3id.org/kosovo-kg/q/", "--only-data", "--data", one, "--engine", engine
    )
    assert code == 0 and rows == [{"iri": "https://w3id.org/kosovo-kg/q/x"}]
    code, rows, _ = sparql("SELECT (<x> AS ?iri) WHERE {}", "--only-data", "--data", one, "--engine", engine)
    assert code == 0 and rows[0]["iri"].startswith("file:///") and rows[0]["iri"].endswith("/x")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_with_nothing_bound_is_kept(files, engine):
    one, _ = files
    code, rows, _ = sparql(
        "SELECT ?x WHERE { OPTIONAL { ?s <http://nope.test/p> ?x } }", "--only-data", "--data", one, "--engine", engine
    )
    assert code == 0 and rows == [{}]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_data_is_queried_as_written(files, engine):
    """123.0 in a query is "123.0"^^xsd:decimal, as the file writes it: rdflib reads the file itself."""
    one, _ = files
    code, rows, _ = sparql(
        "SELECT ?s WHERE { ?s <http://x.test/n> 123.0 }", "--only-data", "--data", one, "--engine", engine
    )
    assert code == 0 and rows == [{"s": "http://x.test/a"}]


@pytest.mark.parametrize("engine", ENGINES)
def test_blank_nodes_of_two_files_stay_apart(files, engine):
    one, two = files
    query = "SELECT ?o WHERE { ?b <http://x.test/q> ?o . ?b <http://x.test/q> ?other FILTER(?o != ?other) }"
    code, rows, _ = sparql(query, "--only-data", "--data", one, two, "--engine", engine)
    assert code == 0 and rows == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["", "  \n# a comment, no triples\n"])
def test_an_empty_data_file_is_an_empty_dataset(tmp_path, engine, text):
    empty = tmp_path / "empty.ttl"
    empty.write_text(text)
    code, rows, err = sparql(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--only-data", "--data", empty, "--engine", engine
    )
    assert code == 0, err
    assert rows == [{"n": "0"}]


@pytest.mark.parametrize(
    ("engine", "query", "words"),
    [
        (
            "oxigraph",
            "SELECT * WHERE { BIND(<http://x.test/f>(1) AS ?y) }",
            "the function <http://x.test/f> is not supported",
        ),
        ("rdflib", 'SELECT * WHERE { FILTER(REGEX("a", "[")) }', "invalid regular expression"),
        ("rdflib", "SELECT (COALESCE() AS ?x) WHERE {}", "query failed on rdflib"),
    ],
)
def test_engine_evaluation_errors_are_exit_2(files, engine, query, words):
    one, _ = files
    result = invoke(["sparql", query, "--only-data", "--data", str(one), "--engine", engine])
    assert result.exit_code == 2, result.stderr
    assert words in result.stderr and result.stderr.count("\n") == 1


@pytest.fixture(scope="module")
def dataset_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("datasets")
    one, two = folder / "one.ttl", folder / "two.ttl"
    one.write_text('@prefix : <http://x.test/> .\n:a :p "in one" .\n')
    two.write_text('@prefix : <http://x.test/> .\n:a :p "in two" .\n')
    with serve_client(load_graph([one, two], packaged=False), workers=1) as client:
        yield client, one.as_uri(), two.as_uri()


def ask(client, query: str, **dataset: list[str]) -> tuple[int, dict]:
    params = [("query", query)] + [(name.replace("_", "-"), iri) for name, iris in dataset.items() for iri in iris]
    response = client.get(
        "/sparql?" + urllib.parse.urlencode(params), headers={"Accept": "application/sparql-results+json"}
    )
    return response.status_code, json.loads(response.content)


def values(answer: dict, name: str) -> list[str]:
    return sorted(row[name]["value"] for row in answer["results"]["bindings"] if name in row)


def test_serve_default_graph_uri_chooses_the_default_graph(dataset_server):
    client, _one, two = dataset_server
    query = "SELECT ?o WHERE { ?s <http://x.test/p> ?o }"
    assert values(ask(client, query)[1], "o") == ["in one", "in two"]  # no parameter: the union
    status, answer = ask(client, query, default_graph_uri=[two])
    assert status == 200 and values(answer, "o") == ["in two"]


def test_serve_named_graph_uri_chooses_the_named_graphs(dataset_server):
    client, one, _two = dataset_server
    status, answer = ask(client, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=[one])
    assert status == 200 and values(answer, "g") == [one]
    # named graphs alone: the default graph is empty, as the protocol says
    status, answer = ask(client, "SELECT ?o WHERE { ?s ?p ?o }", named_graph_uri=[one])
    assert status == 200 and values(answer, "o") == []


def test_serve_parameters_override_from(dataset_server):
    client, one, two = dataset_server
    status, answer = ask(client, f"SELECT ?o FROM <{one}> WHERE {{ ?s ?p ?o }}", default_graph_uri=[two])
    assert status == 200 and values(answer, "o") == ["in two"]


def test_serve_from_selects_a_graph_of_the_store(dataset_server):
    client, one, _ = dataset_server
    status, answer = ask(client, f"SELECT ?o FROM <{one}> WHERE {{ ?s ?p ?o }}")
    assert status == 200 and values(answer, "o") == ["in one"]


def test_serve_refuses_a_graph_outside_the_store(dataset_server, listener):
    client, _, _ = dataset_server
    status, answer = ask(client, "SELECT * WHERE { ?s ?p ?o }", default_graph_uri=[f"{listener.url}/g"])
    assert status == 400 and "names no graph of this dataset" in answer["error"]
    status, answer = ask(client, f"SELECT * FROM <{listener.url}/g> WHERE {{ ?s ?p ?o }}")
    assert status == 400 and "names no graph of this dataset" in answer["error"]
    assert listener.settled() == []


def test_serve_resolves_relative_iris_against_its_own_address(dataset_server):
    client, _, _ = dataset_server
    status, answer = ask(client, "SELECT (<x> AS ?iri) WHERE {}")
    assert status == 200 and values(answer, "iri") == ["http://127.0.0.1:8000/x"]


def test_serve_answers_an_unknown_function_with_400(dataset_server):
    client, _, _ = dataset_server
    status, answer = ask(client, "SELECT * WHERE { BIND(<http://x.test/f>(1) AS ?y) }")
    assert status == 400 and "the function <http://x.test/f> is not supported" in answer["error"]
