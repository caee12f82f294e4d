"""Running an embedded query under a time limit (``--timeout``).

Neither embedded engine can be stopped from outside: pyoxigraph's ``Store.query`` has no
timeout and evaluates in Rust without checking for signals, and rdflib has none either. A
thread cannot be killed, and an abandoned one keeps a core busy (and, for rdflib, the GIL).
So the query runs in a forked child process that already holds the loaded graph (fork shares
it copy-on-write, no reload), sends its result back pickled through a pipe, and is killed with
SIGKILL when the limit passes. The calling process is untouched and answers the next query.

This module is imported only when a limit is given, so a query without ``--timeout`` starts
no process. Where ``os.fork`` does not exist (Windows) the query runs in a daemon thread
that is abandoned at the limit: the caller gets its error on time, but the thread runs on.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from kosovo_kg.errors import QueryError, QueryTimeout

T = TypeVar("T")


def timeout_message(seconds: float) -> str:
    """>>> timeout_message(2)
    'query stopped: it ran longer than the limit of 2 seconds (--timeout)'
    """
    return f"query stopped: it ran longer than the limit of {seconds:g} second{'' if seconds == 1 else 's'} (--timeout)"


def run_with_deadline(function: Callable[[], T], seconds: float) -> T:
    """``function()``'s value, or :class:`QueryTimeout` once ``seconds`` have passed.

    >>> run_with_deadline(lambda: 6 * 7, 5)
    42
    >>> run_with_deadline(lambda: time.sleep(5), 0.2)
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryTimeout: query stopped: it ran longer than the limit of 0.2 seconds (--timeout)
    """
    if not hasattr(os, "fork"):
        return _in_thread(function, seconds)
    deadline = time.monotonic() + seconds
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running the parent's exit handlers
        status = 0
        try:
            os.close(read_end)
            payload = _outcome(function)
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view) :]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    finished = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeout(timeout_message(seconds))
            # select() takes at most what the platform's time_t holds: a limit of centuries waits a
            # day at a time (the loop comes back round)
            if not select.select([read_end], [], [], min(left, 86_400.0))[0]:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # reap the child, so no zombie is left behind
    if not chunks:
        raise QueryError("query failed: the process running it ended without an answer")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "error":
        raise value
    return value


def _outcome(function: Callable[[], object]) -> bytes:
    """The pickled ``("ok", value)`` or ``("error", exception)`` of a call, in the child."""
    try:
        outcome: tuple[str, object] = ("ok", function())
    except Exception as error:  # raised again in the caller, as it would have been without a limit
        outcome = ("error", error)
    try:
        return pickle.dumps(outcome)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        # an exception (or a value) that does not pickle reaches the caller as words and type
        failure = outcome[1] if outcome[0] == "error" else error
        return pickle.dumps(("error", RuntimeError(f"{type(failure).__name__}: {failure}")))


def _in_thread(function: Callable[[], T], seconds: float) -> T:
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = function()
        except BaseException as error:
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise QueryTimeout(timeout_message(seconds))
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
