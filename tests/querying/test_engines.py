"""Every stored query gives the same rows on every engine: embedded Oxigraph, embedded rdflib, and
two real servers reached over HTTP as remote endpoints, loaded from the plain export (without the
RDFS entailments the embedded engines see): Oxigraph server (the PyPI package ``oxigraph``) and
Virtuoso 7 (Debian's package, loaded with its bulk loader; see tests/virtuoso.py)."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from conftest import LOCAL_QUERIES, ROOT, invoke, oxigraph_server
from virtuoso import virtuoso_server

from kosovo_kg import query, sparql
from kosovo_kg.publish.export import serialize_graph

STORED = LOCAL_QUERIES


@pytest.mark.parametrize("name", STORED)
def test_embedded_engines_give_identical_rows(kg, name):
    oxigraph = query(name, graph=kg, engine="oxigraph")
    rdflib = query(name, graph=kg, engine="rdflib")
    assert oxigraph.variables == rdflib.variables
    assert oxigraph.rows == rdflib.rows
    assert oxigraph.rows, f"{name} returned no rows on the repository's graph"


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
    from kosovo_kg.errors import QueryError

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
