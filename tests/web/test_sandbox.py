"""The workers' sandbox and the faults ``kosovo-kg serve`` must survive, on 127.0.0.1 only.

- Federation is impossible by construction: with the SERVICE screen switched off in the test,
  SERVICE written every way we could think of reaches the engine, and a listener where it
  points records no connection, because the workers have no network. The positive control,
  a server started with --allow-federation, does connect.
- A worker killed mid-query, or crashed by a query (deep nesting segfaults Oxigraph's parser),
  costs that request a 500; the next is answered. SIGKILL of the server leaves no process of
  it; SIGTERM lets a running query finish. A busy port or an unusable host is one error line.
"""

from __future__ import annotations

import faulthandler
import io
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    ConnectionListener,
    alive,
    invoke,
    listening_ports,
    socket_inodes,
    start_serve,
    visible_triples,
    worker_processes,
)

from kosovo_kg.web.sandbox import probe_network_namespace
from kosovo_kg.web.server import Serving
from kosovo_kg.web.settings import ServeSettings

#: ~2,500 triples cubed: far beyond any limit used here.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: 30 million rows of VALUES: about 1.5 s of CPU that then succeeds, whatever the graph's size (a
#: join of the graph with itself took 9 s of CPU once the graph had grown, 115 s on a busy machine).
_HUNDRED = " ".join(map(str, range(100)))
SLOW_BUT_FINE = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {_HUNDRED} }} VALUES ?b {{ {_HUNDRED} }} "
    f"VALUES ?c {{ {_HUNDRED} }} VALUES ?d {{ {' '.join(map(str, range(30)))} }} }}"
)

pytestmark = [
    pytest.mark.live,  # starts servers and processes: tests/rerun runs these again (see .ci/run)
    pytest.mark.skipif(
        probe_network_namespace() is not None, reason="no network namespaces here: serve says so at start-up"
    ),
]


def still_alive_after(pids: list[int], seconds: float) -> list[int]:
    """The processes of ``pids`` still alive after at most ``seconds``: a killed process with the
    graph in its address space can take a moment to be torn down on a loaded machine (a check made
    at once failed once under CI's load, the SIGKILL sent)."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def get(url: str, data: bytes | None = None, timeout: float = 60) -> tuple[int, dict]:
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=timeout) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sparql(base: str, query: str, timeout: float = 60) -> tuple[int, dict]:
    return get(f"{base}/sparql", query.encode(), timeout)


def service_queries(url: str, port: int) -> dict[str, str]:
    """SERVICE written every way we could think of, each pointing at the listener."""
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX ep: <{url}/> SELECT * WHERE {{ SERVICE ep:sparql {{ ?s ?p ?o }} }}",
        "empty prefix": f"PREFIX : <{url}/> SELECT * WHERE {{ SERVICE :sparql {{ ?s ?p ?o }} }}",
        "relative to BASE": f"BASE <{url}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        "comment ends at CR": f"SELECT * WHERE {{ #\rSERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "comment then newline": f"SELECT * WHERE {{ # SERVICE\nSERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "codepoint escape in IRI": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/\\u0073parql> {{ ?s ?p ?o }} }}",
        "escaped keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "localhost": f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
        "127.1": f"SELECT * WHERE {{ SERVICE <http://127.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "decimal address": f"SELECT * WHERE {{ SERVICE <http://2130706433:{port}/sparql> {{ ?s ?p ?o }} }}",
        "https": f"SELECT * WHERE {{ SERVICE <https://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "userinfo": f"SELECT * WHERE {{ SERVICE <http://user:pw@127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "variable from VALUES": f"SELECT * WHERE {{ VALUES ?e {{ <{url}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "in OPTIONAL": f"SELECT * WHERE {{ ?x a ?y OPTIONAL {{ SERVICE <{url}/sparql> {{ ?x ?p ?o }} }} }} LIMIT 1",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }} }}",
        "in FILTER EXISTS": f"SELECT * WHERE {{ ?x a ?y FILTER EXISTS {{ SERVICE <{url}/sparql> {{ ?x ?p ?o }} }} }} LIMIT 1",
        "in MINUS": f"SELECT * WHERE {{ ?x a ?y MINUS {{ SERVICE <{url}/sparql> {{ ?x ?p ?o }} }} }} LIMIT 1",
        "nested SERVICE": f"SELECT * WHERE {{ SERVICE <{url}/a> {{ SERVICE <{url}/b> {{ ?s ?p ?o }} }} }}",
        "ASK": f"ASK {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "DESCRIBE": f"DESCRIBE ?s WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "FROM": f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }} LIMIT 1",
        "FROM NAMED": f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
    }


@pytest.fixture(scope="module")
def listener() -> Iterator[ConnectionListener]:
    with ConnectionListener() as running:
        yield running


@pytest.fixture(scope="module")
def unguarded(kg) -> Iterator[Serving]:
    """A server whose SERVICE screen is switched off: only the sandbox stands between a query and the network."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kosovo_kg.querying.pipeline.refuse_federation", lambda query, **screens: None)
        running = Serving(kg, ServeSettings(port=0, timeout=5, cache_bytes=0), log=io.StringIO())
        running.start_in_thread()
        try:
            yield running
        finally:
            running.close()


@pytest.mark.parametrize("kind", list(service_queries("http://x", 1)))
def test_without_the_screen_the_sandbox_alone_stops_every_service(unguarded, listener, kind):
    query = service_queries(listener.url, listener.port)[kind]
    status, body = sparql(unguarded.url, query)
    assert status != 403  # the screen is off: the query reached the engine
    assert listener.settled() == []
    if kind in ("plain", "lower case", "prefixed name", "relative to BASE", "comment ends at CR"):
        # the engine tried, and the kernel said no
        assert status == 400 and "Network is unreachable" in body["error"], body


def test_positive_control_with_federation_allowed_the_listener_sees_the_connection(kg, listener):
    running = Serving(kg, ServeSettings(port=0, timeout=5, allow_federation=True), log=io.StringIO())
    running.start_in_thread()
    try:
        before = len(listener.settled())
        status, body = sparql(running.url, service_queries(listener.url, listener.port)["plain"])
        assert len(listener.settled()) > before  # the listener hangs up, so the query then fails
        assert status == 400 and "error" in body
    finally:
        running.close()


def test_workers_hold_no_socket_and_the_server_has_one_port(unguarded):
    server_sockets = socket_inodes(os.getpid())
    listening = listening_ports(server_sockets)
    assert unguarded.socket.getsockname()[1] in listening
    for pid in unguarded.workers.worker_pids():
        assert socket_inodes(pid) == set(), f"worker {pid} holds a socket"
        assert Path(f"/proc/{pid}/ns/net").resolve() != Path(f"/proc/{os.getpid()}/ns/net").resolve()


def _busy_worker(pids: list[int], within: float = 30) -> int:
    """The worker that is running the query: the first to have used 0.2 s of CPU since the call.

    CPU time, not a share of wall time: on a machine busy with other work a worker running a
    query may get a small share of a core (a test that wanted 0.1 s in every 0.2 s failed so).
    """

    def cpu(pid: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks (1/100 s)

    deadline = time.monotonic() + within
    before = {pid: cpu(pid) for pid in pids}
    while time.monotonic() < deadline:
        time.sleep(0.05)
        gained = {pid: cpu(pid) - before[pid] for pid in pids if alive(pid)}
        busy = [pid for pid in gained if gained[pid] >= 20]
        if busy:
            return max(busy, key=gained.__getitem__)
    raise AssertionError("no worker became busy")


def test_a_worker_killed_mid_query_costs_that_request_only(kg):
    running = Serving(kg, ServeSettings(port=0, timeout=30, workers=2, cache_bytes=0), log=io.StringIO())
    running.start_in_thread()
    try:
        outcome: dict[str, tuple[int, dict]] = {}
        thread = threading.Thread(target=lambda: outcome.update(slow=sparql(running.url, PATHOLOGICAL)))
        thread.start()
        victim = _busy_worker(running.workers.worker_pids())
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=30)
        status, body = outcome["slow"]
        assert status == 500
        assert body["error"] == (
            "the worker process running the query ended abnormally (signal 9); another has taken its place"
        )
        started = time.monotonic()
        status, body = sparql(running.url, COUNT)
        assert status == 200 and time.monotonic() - started < 1.0
        deadline = time.monotonic() + 1.0
        while len([p for p in running.workers.worker_pids() if alive(p)]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert victim not in running.workers.worker_pids() and len(running.workers.worker_pids()) == 2
    finally:
        running.close()


def test_a_query_that_crashes_its_worker_gets_a_500_and_the_endpoint_goes_on(kg):
    """Deep nesting overflows the stack of Oxigraph's parser (SIGSEGV): with the nesting screen off
    it reaches a worker, which dies; only that request fails."""
    deep = "SELECT * WHERE { " + "{ " * 20000 + "?s ?p ?o" + " }" * 20000 + " }"
    # pytest's faulthandler is inherited by the forked workers; the crash is expected here, so its
    # stack dump would only make the CI log look like a failure
    dumping = faulthandler.is_enabled()
    faulthandler.disable()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kosovo_kg.querying.pipeline.refuse_deep_nesting", lambda query: None)
        running = Serving(kg, ServeSettings(port=0, timeout=10, cache_bytes=0), log=io.StringIO())
        running.start_in_thread()
        try:
            status, body = sparql(running.url, deep)
            assert status == 500 and "ended abnormally (signal 11)" in body["error"]
            for _ in range(5):
                status, body = sparql(running.url, COUNT)
                assert status == 200 and int(body["results"]["bindings"][0]["n"]["value"]) == visible_triples(kg)
        finally:
            running.close()
            if dumping:
                faulthandler.enable(file=sys.__stderr__)
    # and with the screen on (as served), the same query is refused before any worker sees it
    running = Serving(kg, ServeSettings(port=0, timeout=10), log=io.StringIO())
    running.start_in_thread()
    try:
        status, body = sparql(running.url, deep)
        assert status == 403 and "more than 64 deep" in body["error"]
        assert sparql(running.url, COUNT)[0] == 200
    finally:
        running.close()


def test_sigkill_of_the_server_leaves_no_process_of_it(tmp_path):
    process, url, _ = start_serve("--workers", "2", "--timeout", "60")
    port = int(url.rsplit(":", 1)[1])
    try:
        workers = worker_processes(process.pid, 2)
        assert len(workers) == 2

        # one worker deep in a query (Rust, no Python handler runs), the other idle
        def doomed() -> None:
            try:
                sparql(url, PATHOLOGICAL, timeout=10)
            except OSError:  # the server is killed under it
                pass

        threading.Thread(target=doomed, daemon=True).start()
        _busy_worker(workers)
        process.kill()
        process.wait(timeout=5)
        assert still_alive_after(workers, 10.0) == []
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1)
    finally:
        if process.poll() is None:
            process.kill()


def test_sigterm_lets_a_running_query_finish_then_stops(kg):
    process, url, _ = start_serve("--timeout", "60")
    try:
        workers = worker_processes(process.pid, 2)
        outcome: dict[str, tuple[int, dict]] = {}
        thread = threading.Thread(target=lambda: outcome.update(slow=sparql(url, SLOW_BUT_FINE)))
        thread.start()
        _busy_worker(workers)
        process.send_signal(signal.SIGTERM)
        thread.join(timeout=60)
        assert process.wait(timeout=30) == 0
        rest = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
    status, body = outcome["slow"]
    assert status == 200 and int(body["results"]["bindings"][0]["n"]["value"]) == 100 * 100 * 100 * 30
    assert rest.splitlines()[-1] == "stopped" and "Traceback" not in rest
    assert not any(alive(pid) for pid in workers)


def test_a_busy_port_is_one_error_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_an_unusable_host_is_one_error_line_and_exit_2():
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: bind fails, no packet is sent
    result = invoke(["serve", "--host", "192.0.2.1", "--port", "0"])
    assert result.exit_code == 2
    assert re.fullmatch(r"error: cannot listen on 192\.0\.2\.1:0: Cannot assign requested address\n", result.stderr)


def test_idle_workers_killed_from_outside_do_not_take_the_endpoint_down(kg):
    """The first query after every worker is killed succeeds: a dead worker is never handed a query
    (pebble's pool noticed dead workers only on its next poll, 0.1 s later, and gave the query a 500)."""
    running = Serving(kg, ServeSettings(port=0, timeout=10, workers=2, cache_bytes=0), log=io.StringIO())
    running.start_in_thread()
    try:
        assert sparql(running.url, COUNT)[0] == 200
        for _ in range(5):
            victims = running.workers.worker_pids()
            for pid in victims:
                os.kill(pid, signal.SIGKILL)
            while any(alive(pid) for pid in victims):  # dead (zombies: the pool has not reaped them)
                time.sleep(0.001)
            for _ in victims:  # the first at once: no time for anything to notice; each meets a dead worker
                status, body = sparql(running.url, COUNT)
                assert status == 200 and int(body["results"]["bindings"][0]["n"]["value"]) == visible_triples(kg)
            pids = running.workers.worker_pids()  # each dead one was replaced when it was next due
            assert len(pids) == 2 and not set(pids) & set(victims)
    finally:
        running.close()


def test_a_stopped_worker_fails_its_query_at_the_deadline_and_is_replaced(kg):
    """A SIGSTOPped worker cannot act on SIGTERM: pebble's SIGTERM, 3 s, then SIGKILL made its query
    fail 5.1 s after a 2 s deadline. At the deadline the worker is killed (SIGKILL) and replaced:
    the stopped workers are dead once their queries are answered 503, which SIGTERM could not
    have done (no wall-clock bound here: on a loaded machine the answer itself may be late)."""
    running = Serving(kg, ServeSettings(port=0, timeout=2, workers=2, cache_bytes=0), log=io.StringIO())
    running.start_in_thread()
    try:
        stopped = running.workers.worker_pids()
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        outcome: dict[int, tuple[int, dict]] = {}

        def timed(index: int) -> None:
            outcome[index] = sparql(running.url, COUNT + f" # {index}")

        threads = [threading.Thread(target=timed, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(outcome) == 2
        for status, body in outcome.values():
            assert status == 503 and "limit of 2 seconds" in body["error"]
        assert sparql(running.url, COUNT)[0] == 200
        assert not set(running.workers.worker_pids()) & set(stopped)
        assert still_alive_after(stopped, 10.0) == []  # SIGKILLed: gone once the kernel has torn them down
    finally:
        running.close()


def test_a_worker_killed_at_its_deadline_holds_up_no_other_query(kg):
    """Killing a worker at its deadline takes no lock that other queries wait on: while a stopped
    worker's query runs into its deadline and the worker is killed and replaced, queries on the
    other worker go on being answered (pebble's escalation held a pool-wide lock for 3 s)."""
    running = Serving(kg, ServeSettings(port=0, timeout=2, workers=2, cache_bytes=0), log=io.StringIO())
    running.start_in_thread()
    try:
        first_idle = running.workers._idle[0].pid  # the worker the next query goes to
        os.kill(first_idle, signal.SIGSTOP)
        outcome: dict[str, tuple[int, dict]] = {}
        thread = threading.Thread(target=lambda: outcome.update(doomed=sparql(running.url, COUNT + " # doomed")))
        thread.start()
        taken = time.monotonic() + 10
        while first_idle in [worker.pid for worker in running.workers._idle] and time.monotonic() < taken:
            time.sleep(0.01)  # until the doomed query has the stopped worker
        slowest, answered, started = 0.0, 0, time.monotonic()
        while thread.is_alive() or time.monotonic() - started < 3:
            began = time.monotonic()
            status, _ = sparql(running.url, COUNT)
            slowest = max(slowest, time.monotonic() - began)
            assert status == 200
            answered += 1
            if time.monotonic() - started > 30:
                break
        thread.join(timeout=30)
        assert outcome["doomed"][0] == 503
        assert answered > 3 and slowest < 1.5, f"{answered} queries answered meanwhile, the slowest in {slowest:.2f} s"
        assert not alive(first_idle)
    finally:
        running.close()
