"""web/worker_tasks.py: what a worker runs, in this process as a worker of the graph: each answer
written by pyoxigraph in the media type asked and within the size limit (answer_in_worker), a stored
question's rows as the command line writes them (rows_in_worker), an engine's refusal as a
QueryError. The pool that forks workers and hands them these tasks is tests/web/test_workers.py's."""

from __future__ import annotations

import csv
import gc
import io
import json

import pyoxigraph as ox
import pytest
from conftest import FOUR, NON_RECOGNIZING, labels_in

from kosovo_kg.errors import QueryError, ResultTooLarge
from kosovo_kg.namespaces import RDFS_LABEL
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import QueryOptions, evaluate, prepare, render
from kosovo_kg.web import worker_tasks as module
from kosovo_kg.web.worker_tasks import answer_in_worker, rows_in_worker


@pytest.fixture
def in_worker(kg, monkeypatch):
    """This process as a worker of the graph (what a pool's initializer sets in each worker)."""
    monkeypatch.setattr(module, "_GRAPH", kg)
    yield
    # pyoxigraph's query solutions may be freed only on the thread that made them: a traceback
    # kept by pytest.raises holds them, so they are collected here rather than on a pool's thread
    gc.collect()


def test_an_answer_is_written_by_pyoxigraph_in_the_media_type_asked(in_worker):
    body = answer_in_worker(NON_RECOGNIZING, "text/csv", 1_000_000)
    assert [row["label"] for row in csv.DictReader(io.StringIO(body.decode()))] == FOUR
    xml = answer_in_worker(NON_RECOGNIZING, "application/sparql-results+xml", 1_000_000)
    assert labels_in(xml, "application/sparql-results+xml") == FOUR
    turtle = answer_in_worker("CONSTRUCT WHERE { kkr:spain rdfs:label ?l }", "text/turtle", 1_000_000)
    assert b"@prefix kkr: <https://w3id.org/kosovo-kg/resource/> ." in turtle and b"kkr:spain" in turtle
    nt = answer_in_worker("DESCRIBE kkr:spain", "application/n-triples", 1_000_000)
    assert len(list(ox.parse(nt, ox.RdfFormat.N_TRIPLES))) > 10


def test_an_answer_over_the_limit_is_refused_once_the_limit_is_passed(in_worker):
    with pytest.raises(ResultTooLarge) as caught:
        answer_in_worker("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json", 10_000)
    assert str(caught.value) == (
        "the result is larger than this server's limit of 10,000 bytes (--max-result-mb); add a LIMIT to the query"
    )
    assert caught.value.http_status == 413


def test_a_query_the_engine_cannot_run_is_a_query_error(in_worker):
    with pytest.raises(QueryError, match="syntax error"):
        answer_in_worker("SELECT * WHERE { ?s ?p }", "text/csv", 1_000)


def test_a_stored_questions_answer_is_the_command_lines(kg, in_worker):
    prepared = prepare(get_stored_query("kfor-strength"), {}, QueryOptions(), kg)
    expected = render(evaluate(prepared, kg, QueryOptions()), "csv", kg)
    assert rows_in_worker(prepared.text, "text/csv", 1_000_000).decode() == expected
    data = rows_in_worker(prepared.text, "application/sparql-results+json", 1_000_000)
    assert data.startswith(b'{"head":{"vars":["date","troops","count"]}')
    with pytest.raises(ResultTooLarge):
        rows_in_worker(prepared.text, "text/csv", 10)


def test_a_request_frame_is_what_a_worker_reads_and_an_answer_frame_what_the_pool_reads(in_worker):
    import pickle

    from kosovo_kg.web.worker_tasks import BYTES_FRAME, FRAME_LENGTH, TASKS, framed, request_frame

    frame = request_frame("result_in_worker", ("ASK { kkr:spain ?p ?o }",))
    length = int.from_bytes(frame[:FRAME_LENGTH], "big")
    assert length == len(frame) - FRAME_LENGTH
    name, args = pickle.loads(frame[FRAME_LENGTH:])
    assert TASKS[name](*args).boolean is True
    answer = framed(BYTES_FRAME, b"body")
    assert answer[:FRAME_LENGTH] == (5).to_bytes(FRAME_LENGTH, "big") and answer[FRAME_LENGTH:] == b"Bbody"


def test_an_xml_answer_that_xml_cannot_hold_is_a_400_not_a_broken_document(monkeypatch):
    """Oxigraph's XML writers write an ESC or a NUL of a label raw; the answer is refused, saying
    what to ask for instead, and JSON still carries it."""
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.errors import UnsupportedData

    label = ox.Triple(
        ox.NamedNode("https://w3id.org/kosovo-kg/resource/x"), ox.NamedNode(RDFS_LABEL), ox.Literal("a\x1b[2Jb\x00")
    )
    monkeypatch.setattr(module, "_GRAPH", KnowledgeGraph([label]))
    for query, media, instead in (
        (
            "SELECT ?l WHERE { ?s rdfs:label ?l }",
            "application/sparql-results+xml",
            "take it as JSON, CSV or TSV instead",
        ),
        ("CONSTRUCT WHERE { ?s rdfs:label ?l }", "application/rdf+xml", "take Turtle or JSON-LD"),
    ):
        with pytest.raises(UnsupportedData) as refused:
            answer_in_worker(query, media, 1_000_000)
        assert (
            str(refused.value)
            == f"the answer holds the character U+001B, which XML 1.0 cannot carry, even escaped; {instead}"
        )
        assert refused.value.http_status == 400
    json_answer = answer_in_worker("SELECT ?l WHERE { ?s rdfs:label ?l }", "application/sparql-results+json", 10**6)
    assert json.loads(json_answer)["results"]["bindings"][0]["l"]["value"] == "a\x1b[2Jb\x00"
    gc.collect()
