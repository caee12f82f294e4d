"""web/workers.py: queries in worker processes that hold the graph: each answer written within the
size limit (answer_in_worker, rows_in_worker), the pool's deadline, queue bound and crashes told as
the errors a client is given, the answer cache. The sandbox of the workers (no network, no life
after the server) is tests/web/test_sandbox.py's."""

from __future__ import annotations

import asyncio
import csv
import gc
import io
import time
import urllib.parse

import pyoxigraph as ox
import pytest
from conftest import serve_client

from kosovo_kg.errors import QueryError, QueryTimeout, ResultTooLarge, ServerBusy, WorkerCrashed
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, evaluate, prepare, render
from kosovo_kg.web import workers as module
from kosovo_kg.web.workers import AnswerCache, QueryWorkers, answer_in_worker, rows_in_worker

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live

NON_RECOGNIZING = (
    "SELECT ?label WHERE { ?r kkg:recognitionStatus kkg:DoesNotRecognize ; kkg:recognizer/rdfs:label ?label } "
    "ORDER BY ?label"
)
FOUR = ["Greece", "Romania", "Slovakia", "Spain"]


def q(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


def labels_in(body: bytes, media: str) -> list[str]:
    kind = {"application/sparql-results+xml": ox.QueryResultsFormat.XML}[media]
    return [solution["label"].value for solution in ox.parse_query_results(body, kind)]


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


def test_the_answer_cache_keeps_the_recently_used_within_its_budget():
    entry = AnswerCache.cost(("a", "text/csv"), b"x" * 100)  # the answer and its key
    cache = AnswerCache(budget=9 * entry)  # nine such answers: the tenth puts out the least recently used
    for name in ("a", "b", "c"):
        cache.put((name, "text/csv"), b"x" * 100)
    assert cache.get(("a", "text/csv")) == b"x" * 100  # now the most recently used
    for name in ("d", "e", "f", "g", "h", "i", "j"):
        cache.put((name, "text/csv"), b"x" * 100)
    assert cache.get(("a", "text/csv")) is not None and cache.get(("b", "text/csv")) is None
    assert cache.size <= 9 * entry and (cache.hits, cache.misses) == (2, 1)
    cache.put(("a", "text/csv"), b"y" * 10)  # an answer already kept is not replaced
    assert cache.get(("a", "text/csv")) == b"x" * 100


@pytest.mark.parametrize("function", ["RAND", "NOW", "UUID", "STRUUID", "BNODE"])
def test_answers_that_change_from_run_to_run_are_never_cached(function):
    assert not AnswerCache.cacheable(f"SELECT ({function.lower()}() AS ?x) WHERE {{}}")
    assert AnswerCache.cacheable(f'SELECT ?x WHERE {{ ?x rdfs:comment "{function}" }}')


@pytest.fixture(scope="module")
def pool(kg):
    """One worker, a 1 s deadline, and two tasks no route asks for (a sleep, an exit) that the
    tests below hand it: the workers run only the tasks of their table, forked with it."""
    import os

    from kosovo_kg.web.workers import TASKS

    extra = {"sleep": time.sleep, "_exit": os._exit}
    TASKS.update(extra)
    running = QueryWorkers(kg, workers=1, timeout=1, queue=2, max_result_bytes=1_000_000, isolate=False)
    try:
        running.start()
        yield running
    finally:
        running.close()
        for name in extra:
            del TASKS[name]


def test_a_call_past_the_deadline_is_a_timeout_and_the_next_call_runs(pool):
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        asyncio.run(pool.call(time.sleep, 30))
    assert time.monotonic() - started < 15
    assert str(caught.value) == "query stopped: it ran longer than this server's limit of 1 seconds (--timeout)"
    assert asyncio.run(pool.describe("https://w3id.org/kosovo-kg/resource/kosovo")) is not None
    assert pool.pending == 0


def test_a_worker_that_dies_costs_its_call_a_worker_crashed(pool):
    import os

    with pytest.raises(WorkerCrashed, match=r"ended abnormally \(exit code 3\); another has taken its place"):
        asyncio.run(pool.call(os._exit, 3))
    assert asyncio.run(pool.result(PreparedQuery("ASK { kkr:spain ?p ?o }"))).boolean is True


def test_a_pool_that_is_not_running_refuses_calls(kg):
    stopped = QueryWorkers(kg, workers=1, timeout=1, queue=0, max_result_bytes=1, isolate=False)
    with pytest.raises(WorkerCrashed, match="the query workers are not running"):
        asyncio.run(stopped.describe("https://w3id.org/kosovo-kg/resource/kosovo"))
    assert stopped.worker_pids() == [] and stopped.cache is None
    stopped.close()  # closing a pool that never started is no error


def test_the_queue_bound_answers_busy_with_retry_after(kg):
    with serve_client(kg, timeout=5, workers=1, queue=0) as running:
        workers = running.workers  # type: ignore[attr-defined]

        async def two_at_once() -> list[object]:
            from kosovo_kg.web.workers import describe_in_worker

            first = asyncio.ensure_future(
                workers.call(describe_in_worker, "https://w3id.org/kosovo-kg/resource/kosovo")
            )
            await asyncio.sleep(0)
            second = workers.call(describe_in_worker, "https://w3id.org/kosovo-kg/resource/spain")
            return await asyncio.gather(first, second, return_exceptions=True)

        first, second = asyncio.run(two_at_once())
        assert isinstance(second, ServerBusy) and "retry shortly" in str(second)
        assert first is not None and not isinstance(first, BaseException)
        assert workers.pending == 0


def test_answer_cache_is_bounded_and_skips_volatile_queries():
    entry = AnswerCache.cost(("q00", "text/csv"), b"x" * 90)
    cache = AnswerCache(budget=10 * entry)
    assert not cache.cacheable("SELECT (RAND() AS ?r) {}") and not cache.cacheable("SELECT (STRUUID() AS ?u) {}")
    assert cache.cacheable('SELECT ?x { ?x rdfs:label "RAND" }')
    for index in range(20):
        cache.put((f"q{index:02d}", "text/csv"), b"x" * 90)
    assert cache.size <= 10 * entry and len(cache.entries) == 10
    assert cache.get(("q00", "text/csv")) is None and cache.get(("q19", "text/csv")) == b"x" * 90
    cache.put(("huge", "text/csv"), b"x" * (2 * entry))  # over an eighth of the budget: not kept
    assert cache.get(("huge", "text/csv")) is None


def test_the_answer_cache_holds_no_more_memory_than_its_budget_keys_included():
    """200 distinct ~1 MB queries with an 8 MB budget (as `serve --cache-mb 8`) grew serve by 297 MB
    when only the answers' bytes were counted: the memory the cache holds is measured here, texts of
    characters beyond Latin-1 (4 bytes each in Python) included."""
    import tracemalloc

    budget = 8_000_000
    cache = AnswerCache(budget)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(200):
            text = f"SELECT * WHERE {{ ?s ?p '{index}' }} # " + ("\U0001f600" if index % 2 else "x") * 250_000
            cache.put((text, "application/sparql-results+json"), b"{}" * (index % 7))
            small = f"SELECT * WHERE {{ ?s ?p {index} }}"
            cache.put((small, "application/sparql-results+json"), b"r" * 100_000)
        del text, small
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.size <= budget
    assert held <= budget * 1.05, f"the cache holds {held:,} bytes for a budget of {budget:,}"


@pytest.fixture(scope="module")
def multilingual(multilingual_kg):
    """serve over another graph (the packaged one plus labels in Albanian and Serbian), in this process."""
    with serve_client(multilingual_kg, timeout=3) as running:
        yield running


def test_an_idle_worker_killed_is_replaced_and_queries_its_own_pools_graph(kg, multilingual):
    """A worker killed while the pool runs no task is replaced; and with two pools in one process
    (as in these tests), the new worker finds its own pool's graph, not the graph of the pool
    started last."""
    import os
    import signal
    import time

    from kosovo_kg.web.workers import QueryWorkers

    first = QueryWorkers(kg, workers=1, timeout=5, queue=4, max_result_bytes=1_000_000, isolate=False)
    first.start()
    try:
        [victim] = first.worker_pids()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while (first.worker_pids() in ([], [victim])) and time.monotonic() < deadline:
            time.sleep(0.05)
        outgoing, _ = asyncio.run(first.describe("https://w3id.org/kosovo-kg/resource/kosovo"))
        # only the multilingual pool's graph has this name (the packaged graph has "Kosova" too, from CLDR)
        assert "Republika e Kosovës" not in {t.object.value for t in outgoing}
        assert "Republika e Kosovës" in multilingual.get("/resource/kosovo").text
    finally:
        first.close()


def test_cached_answers_are_the_same_bytes(kg):
    with serve_client(kg, timeout=3, cache_bytes=1_000_000) as running:
        first = running.get(q(NON_RECOGNIZING), headers={"Accept": "text/csv"})
        second = running.get(q(NON_RECOGNIZING), headers={"Accept": "text/csv"})
        other = running.get(q(NON_RECOGNIZING), headers={"Accept": "application/sparql-results+xml"})
        assert first.content == second.content and first.status_code == second.status_code == 200
        assert labels_in(other.content, "application/sparql-results+xml") == FOUR
        cache = running.workers.cache  # type: ignore[attr-defined]
        assert (cache.hits, cache.misses) == (1, 2)
