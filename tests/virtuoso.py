"""Virtuoso 7 (Debian's ``virtuoso-opensource-7-bin``: ``virtuoso-t`` and ``isql-vt``) as a remote
engine for the tests: a database of its own in a temporary folder, both listeners on free
loopback ports, loaded with Virtuoso's bulk loader, stopped by the test that started it.

The steps are docs/performance.md's ("When one machine is not enough"), so the tests hold them too.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import start_listening

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
#: The graph the export is loaded into; queries without FROM see every graph, Virtuoso's own too.
GRAPH = "https://w3id.org/kosovo-kg/graph"

INI = """\
; written by tests/virtuoso.py: a database of its own, loopback only
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
; the bulk loader reads only from folders named here
DirsAllowed = ., {data}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


def isql(sql_port: int, script: str, timeout: float = 120) -> str:
    """Run SQL through ``isql-vt`` as the database's default administrator; its output, or a failure
    that says what isql said."""
    done = subprocess.run(
        [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={script}"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql-vt failed ({done.returncode}): {(done.stdout + done.stderr).strip()[-2000:]}")
    return done.stdout


def _start(ini: Path, folder: Path, data: Path) -> tuple[subprocess.Popen, int, int]:
    """virtuoso-t on two free loopback ports (SQL, HTTP) written into its ini file; the process
    and its ports, once it listens on both and answers SPARQL."""
    log = folder / "virtuoso.log"

    def start(ports: list[int]) -> subprocess.Popen:
        sql_port, http_port = ports
        ini.write_text(INI.format(folder=folder, data=data.parent, sql_port=sql_port, http_port=http_port))
        # +foreground: the process is this one's child, so the test can stop it by its own id
        return subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=ini.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    try:
        server, (sql_port, http_port) = start_listening(start, ports=2)
    except RuntimeError as error:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"virtuoso-t did not start: {error}: {tail}") from None
    urllib.request.urlopen(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", timeout=60).read()
    return server, sql_port, http_port


def _stop(server: subprocess.Popen, sql_port: int) -> None:
    if server.poll() is None:
        try:
            isql(sql_port, "shutdown;", timeout=30)
        except (RuntimeError, subprocess.TimeoutExpired):
            server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@contextmanager
def virtuoso_server(data: Path, folder: Path, *, restart: bool = True) -> Iterator[str]:
    """Virtuoso serving ``data`` (an N-Triples or Turtle file) from a new database in ``folder``;
    yields its SPARQL endpoint's URL and stops the server on exit.

    With ``restart`` the server is stopped and started again after the load, as a deployment
    runs: on the first run of a new database Virtuoso 7.2.5 answered some property-path queries
    differently from later runs (openlink/virtuoso-opensource#929).
    """
    if shutil.which(VIRTUOSO) is None or shutil.which(ISQL) is None:
        pytest.fail("Virtuoso is not installed (virtuoso-t, isql-vt): tests/run installs virtuoso-opensource-7-bin")
    data = data.resolve()
    ini = folder / "virtuoso.ini"
    server, sql_port, http_port = _start(ini, folder, data)
    try:
        isql(sql_port, f"ld_dir('{data.parent}', '{data.name}', '{GRAPH}'); rdf_loader_run(); checkpoint;")
        errors = isql(sql_port, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in errors:
            raise RuntimeError(f"Virtuoso's bulk loader reported errors: {errors}")
        if restart:
            _stop(server, sql_port)
            server, sql_port, http_port = _start(ini, folder, data)
        yield f"http://127.0.0.1:{http_port}/sparql"
    finally:
        _stop(server, sql_port)
