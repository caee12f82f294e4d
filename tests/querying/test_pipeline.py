"""querying/pipeline.py: the one pipeline every front end uses. QueryOptions checked once with a
message naming the option; prepare's screens and parameter binding; evaluate on the options'
engine, under a time limit when one is given; execute, which loads the graph the options name."""

from __future__ import annotations

import pytest

from kosovo_kg.errors import FederationRefused, OptionError, ParameterError, QueryError, QueryRefused
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, check_url, evaluate, execute, prepare
from kosovo_kg.querying.remote import WIKIDATA_SPARQL

KFOR = "SELECT ?troops WHERE { ?c kkg:troops ?troops } ORDER BY ?troops"


def test_the_default_options_are_the_embedded_oxigraph_without_limit_or_federation():
    options = QueryOptions().checked()
    assert (options.engine, options.timeout, options.allow_federation, options.data, options.only_data) == (
        "oxigraph",
        None,
        False,
        (),
        False,
    )
    assert not options.remote and QueryOptions(engine="https://query.wikidata.org/sparql").remote
    assert QueryOptions(data=["a.ttl"]).data == ("a.ttl",)  # any iterable, kept as a tuple


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (QueryOptions(engine="jena"), "unknown engine 'jena': use oxigraph, rdflib or the URL of a SPARQL endpoint"),
        (QueryOptions(engine="ftp://127.0.0.1/sparql"), "unknown engine 'ftp://127.0.0.1/sparql'"),
        (QueryOptions(timeout=0), "the time limit must be a positive number of seconds, got 0"),
        (QueryOptions(timeout=-1.5), "the time limit must be a positive number of seconds, got -1.5"),
        (QueryOptions(timeout=float("inf")), "the time limit must be a positive number of seconds, got inf"),
        (QueryOptions(engine="http://127.0.0.1:9/sparql x"), "--engine must be an http(s) URL, got 'http://127.0.0.1:9/sparql x'"),
        (QueryOptions(engine="http://127.0.0.1:9/sparql", data=("a.ttl",)), "--data loads files into the embedded graph; a remote engine (--engine URL) answers from its own data"),
        (QueryOptions(engine="http://127.0.0.1:9/sparql", only_data=True), "--data loads files into the embedded graph"),
        (QueryOptions(wikidata_endpoint="wikidata"), "--wikidata-endpoint must be an http(s) URL, got 'wikidata'"),
        (QueryOptions(only_data=True), "--only-data needs the files to query: give them with --data FILE ..."),
    ],
)  # fmt: skip
def test_options_that_cannot_be_used_are_refused_naming_the_option(options, message):
    with pytest.raises(OptionError) as caught:
        options.checked()
    assert str(caught.value).startswith(message)


def test_checked_options_are_the_same_options():
    options = QueryOptions(engine="rdflib", timeout=2.5, wikidata_endpoint="http://127.0.0.1:7878/query")
    assert options.checked() is options


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:99999/sparql", "--engine 'http://127.0.0.1:99999/sparql' is not a usable URL: Port out of range 0-65535"),
        ("http://[::1/sparql", "--engine 'http://[::1/sparql' is not a usable URL: Invalid IPv6 URL"),
        ("http:///sparql", "--engine 'http:///sparql' is not a usable URL: it names no host"),
        ("file:///etc/passwd", "--engine must be an http(s) URL, got 'file:///etc/passwd'"),
        ("http://127.0.0.1/a\nb", "--engine must be an http(s) URL, got 'http://127.0.0.1/a\\nb'"),
    ],
)  # fmt: skip
def test_a_url_must_be_one_the_http_client_can_use(url, message):
    with pytest.raises(OptionError) as caught:
        check_url("--engine", url)
    assert str(caught.value) == message


def test_a_usable_url_passes():
    for url in ("http://127.0.0.1:7878/query", "https://query.wikidata.org/sparql", "http://[::1]:8000/sparql?x=1"):
        assert check_url("--engine", url) is None


def test_a_remote_engine_loads_no_graph_and_a_local_one_loads_the_data_given(tmp_path):
    assert QueryOptions(engine="http://127.0.0.1:9/sparql").load_graph() is None
    mine = tmp_path / "mine.ttl"
    mine.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    assert len(QueryOptions(data=(str(mine),), only_data=True).load_graph()) == 1


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("", QueryError, "the query is empty"),
        ("  \n\t", QueryError, "the query is empty"),
        ("DELETE WHERE { ?s ?p ?o }", QueryRefused, "refused: DELETE is a SPARQL Update operation and the graph is read-only"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", FederationRefused, "refused: SERVICE makes the engine query another endpoint"),
        ("SELECT * WHERE {" + "{" * 300 + "}" * 300 + "}", QueryRefused, "refused: "),
    ],
)  # fmt: skip
def test_prepare_screens_every_query(query, error, message):
    with pytest.raises(error) as caught:
        prepare(query, None, QueryOptions(), None)
    assert str(caught.value).startswith(message)


def test_parameters_go_to_stored_queries_only():
    with pytest.raises(QueryError, match="parameters are given to stored queries; write the values into the SPARQL"):
        prepare("SELECT * WHERE { ?s ?p ?o }", {"date": "2008-02-19"}, QueryOptions(), None)


def test_a_stored_querys_parameters_are_bound_as_terms_in_a_values_block(kg):
    stored = get_stored_query("recognized-before")
    prepared = prepare(stored, {"date": "2008-02-19"}, QueryOptions(), kg)
    assert prepared.stored is stored and prepared.form == "SELECT"
    assert 'VALUES (?_date_date) { ("2008-02-19"^^<http://www.w3.org/2001/XMLSchema#date>) }' in prepared.text
    block = ' VALUES (?_date_date) { ("2008-02-19"^^<http://www.w3.org/2001/XMLSchema#date>) }'
    assert prepared.text.replace(block, "", 1) == stored.text  # the text itself is not touched
    # a stored query without parameters runs as it is stored
    kfor = get_stored_query("kfor-strength")
    assert prepare(kfor, {}, QueryOptions(), kg).text == kfor.text
    with pytest.raises(ParameterError, match="must be a date as YYYY-MM-DD"):
        prepare(stored, {"date": "19/02/2008"}, QueryOptions(), kg)


def test_federation_is_prepared_when_allowed_and_sent_to_the_wikidata_endpoint_given():
    stored = get_stored_query("other-memberships-of-kosovo")
    assert stored.federated
    with pytest.raises(FederationRefused):
        prepare(stored, {}, QueryOptions(), None)
    allowed = prepare(stored, {}, QueryOptions(allow_federation=True), None)
    assert f"<{WIKIDATA_SPARQL}>" in allowed.text
    mirrored = prepare(
        stored, {}, QueryOptions(allow_federation=True, wikidata_endpoint="http://127.0.0.1:7878/query"), None
    )
    assert "<http://127.0.0.1:7878/query>" in mirrored.text and WIKIDATA_SPARQL not in mirrored.text


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <urn:x:> ask { ex:a ?p ?o }", "ASK"),
        ("# a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <urn:x:> DESCRIBE <a>", "DESCRIBE"),
        ("INSERT DATA {}", ""),
        ("nonsense", ""),
    ],
)
def test_the_form_of_a_prepared_query_says_what_answer_to_expect(text, form):
    assert PreparedQuery(text).form == form


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_evaluate_runs_on_the_options_engine_with_and_without_a_time_limit(kg, engine):
    prepared = prepare(KFOR, None, QueryOptions(), kg)
    plain = evaluate(prepared, kg, QueryOptions(engine=engine))
    limited = evaluate(prepared, kg, QueryOptions(engine=engine, timeout=30))
    assert [row["troops"] for row in plain] == [row["troops"] for row in limited] == [4500, 20000]


def test_execute_loads_the_graph_the_options_name_and_refuses_a_graph_and_files_together(kg, tmp_path):
    assert [row["troops"] for row in execute(KFOR)] == [4500, 20000]
    mine = tmp_path / "mine.ttl"
    mine.write_text("<urn:x:c> <https://w3id.org/kosovo-kg/ontology#troops> 7 .\n")
    assert [row["troops"] for row in execute(KFOR, options=QueryOptions(data=(str(mine),), only_data=True))] == [7]
    with pytest.raises(OptionError, match="give either a loaded graph or data files to load, not both"):
        execute(KFOR, options=QueryOptions(data=(str(mine),)), kg=kg)
    with pytest.raises(OptionError, match="unknown engine"):
        execute(KFOR, options=QueryOptions(engine="nope"), kg=kg)
