"""web/workers.py: the pool of worker processes that hold the graph: its deadline, queue bound and
crashes told as the errors a client is given, its answer cache in use (the tasks a worker runs are
tests/web/test_worker_tasks.py's, the cache itself tests/web/test_answer_cache.py's). The sandbox of the workers (no network, no life
after the server) is tests/web/test_sandbox.py's."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import FOUR, NON_RECOGNIZING, labels_in, serve_client, sparql_path

from kosovo_kg.errors import QueryTimeout, ServerBusy, WorkerCrashed
from kosovo_kg.querying.pipeline import PreparedQuery
from kosovo_kg.web.workers import QueryWorkers

#: starts servers, processes or sockets: tests/rerun runs these again (see .ci/run)
pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def pool(kg):
    """One worker, a 1 s deadline, and two tasks no route asks for (a sleep, an exit) that the
    tests below hand it: the workers run only the tasks of their table, forked with it."""
    import os

    from kosovo_kg.web.worker_tasks import TASKS

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
            from kosovo_kg.web.worker_tasks import describe_in_worker

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
        first = running.get(sparql_path(NON_RECOGNIZING), headers={"Accept": "text/csv"})
        second = running.get(sparql_path(NON_RECOGNIZING), headers={"Accept": "text/csv"})
        other = running.get(sparql_path(NON_RECOGNIZING), headers={"Accept": "application/sparql-results+xml"})
        assert first.content == second.content and first.status_code == second.status_code == 200
        assert labels_in(other.content, "application/sparql-results+xml") == FOUR
        cache = running.workers.cache  # type: ignore[attr-defined]
        assert (cache.hits, cache.misses) == (1, 2)
