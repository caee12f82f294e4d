"""The bad-input corpus: every case of ``tests/bad/manifest.toml`` run through the command line,
or through ``serve``'s HTTP door.

A command-line case must end with the documented exit code and one ``error:`` line that contains
the manifest's fragment (the file and line, the parameter or the node), with no traceback, no file
left behind, the repository's data untouched and the folders the case made as they were. Most
cases run in-process (fast); those marked ``process`` run as a real ``python -m kosovo_kg``. An
HTTP case sends its raw request to a running server and must get the documented status and a body
with the fragment (and nothing it must not reflect), the access log one printable line for it,
and the server must answer the next request.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import TESTS, invoke

from kosovo_kg.core import paths

BAD = TESTS / "bad"
FIXTURES = TESTS / "fixtures"
ALL_CASES = tomllib.loads((BAD / "manifest.toml").read_text(encoding="utf-8"))["case"]
CASES = [case for case in ALL_CASES if "http" not in case]
HTTP_CASES = [case for case in ALL_CASES if "http" in case]
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_the_corpus_is_large_and_its_names_are_unique():
    assert len(CASES) >= 50 and len(HTTP_CASES) >= 10
    assert len({case["id"] for case in ALL_CASES}) == len(ALL_CASES)
    used = {arg for case in CASES for arg in case["args"]}
    unused = [p.name for p in BAD.iterdir() if p.name != "manifest.toml" and not any(p.name in a for a in used)]
    assert unused == []


def data_fingerprint() -> str:
    """A hash of every file under graph/ and ontology/ (names and bytes)."""
    digest = hashlib.sha256()
    for folder in (paths.graph_dir(), paths.ontology_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def make(setup: str, tmp: Path) -> None:
    """Files that cannot live in git or would bloat it, made fresh for each run."""
    prefix = "@prefix ex: <https://w3id.org/kosovo-kg/test/> .\n"
    target = tmp / f"{setup}.ttl"
    deep = 5000  # Oxigraph's SPARQL parser overflowed its stack (SIGSEGV) at this depth
    if setup == "deep-braces-query":
        (tmp / f"{setup}.rq").write_text("SELECT * WHERE {\n" + "{ " * deep + "?s ?p ?o" + " }" * deep + "\n}\n")
    elif setup == "deep-parentheses-query":
        (tmp / f"{setup}.rq").write_text("SELECT * WHERE { ?s ?p ?o\nFILTER(" + "(" * deep + "1" + ")" * deep + ") }\n")
    elif setup == "deep-brackets-query":
        (tmp / f"{setup}.rq").write_text("SELECT * WHERE { ?s ?p\n" + "[ ?p " * deep + "?o" + " ]" * deep + " }\n")
    elif setup == "deep-json-ld":  # Oxigraph's JSON-LD parser overflowed its stack at ~10,000 levels
        (tmp / f"{setup}.jsonld").write_text(
            '{"@context": {"ex": "https://w3id.org/kosovo-kg/test/"},\n "@id": "ex:a",\n "ex:p": '
            + '{"ex:p": ' * 20_000
            + '"x"'
            + "}" * 20_000
            + "}\n"
        )
    elif setup == "huge-unclosed-literal":  # 8 MB of a string that never closes
        target.write_text(prefix + 'ex:a ex:b "' + "x" * 8_000_000 + "\n", encoding="utf-8")
    elif setup == "deep-unclosed-collection":  # 200,000 nested lists, never closed
        target.write_text(prefix + "ex:a ex:b " + "( " * 200_000 + "\n", encoding="utf-8")
    elif setup == "deep-unclosed-blank-nodes":
        target.write_text(prefix + "ex:a ex:b " + "[ ex:b " * 200_000 + "\n", encoding="utf-8")
    elif setup == "folder-named-like-a-file":
        target.mkdir()
    elif setup == "dangling-symlink":
        target.symlink_to(tmp / "gone.ttl")
    elif setup == "unreadable":
        if RUNNING_AS_ROOT:
            pytest.skip("root reads a file whatever its mode; the folder-named-like-a-file case covers this")
        target.write_text(prefix, encoding="utf-8")
        target.chmod(0)
    elif setup == "huge-literal":  # a closed literal of 17 MiB: Oxigraph's parser holds at most 16
        target.write_text(prefix + 'ex:a ex:b "' + "x" * (17 << 20) + '" .\n', encoding="utf-8")
    elif setup == "symlink-loop":
        (tmp / "loop-a.ttl").symlink_to(tmp / "loop-b.ttl")
        (tmp / "loop-b.ttl").symlink_to(tmp / "loop-a.ttl")
    elif setup == "fifo":
        os.mkfifo(tmp / "fifo.ttl")
    elif setup == "huge-query":  # a query file over the 16 MiB limit
        (tmp / f"{setup}.rq").write_text('ASK { FILTER("' + "x" * (17 << 20) + '") }\n', encoding="utf-8")
    elif setup == "a-folder-that-is-not-a-release":  # the case of issue 24: the thesis was deleted
        (tmp / "out").mkdir()
        (tmp / "out" / "SHA256SUMS").write_text("")
        (tmp / "out" / "thesis.txt").write_text("three years of work\n")
    elif setup == "a-users-page":
        (tmp / "site").mkdir()
        (tmp / "site" / "index.html").write_text("<p>my own page</p>\n")
    elif setup == "a-users-file":
        (tmp / "notes.ttl").write_text("# my own notes\n")
        (tmp / "notes.svg").write_text("<svg/>\n")
    elif setup == "previous-with-fifo-checksums":
        (tmp / "previous").mkdir()
        os.mkfifo(tmp / "previous" / "SHA256SUMS")
    elif setup == "previous-with-endless-checksums":
        (tmp / "previous").mkdir()
        (tmp / "previous" / "SHA256SUMS").symlink_to("/dev/zero")
    elif setup == "byte-order-mark":
        (tmp / "bom.rq").write_bytes(b"\xef\xbb\xbfSELECT * WHERE { ?s ?p ?o }\n")
        (tmp / "bom.ttl").write_bytes(
            b"\xef\xbb\xbf@prefix ex: <https://w3id.org/kosovo-kg/test/> .\nex:a ex:b ex:c .\n"
        )
    elif setup == "deep-filter-100k":  # the command line died of SIGSEGV on it once its IRI hid the parentheses
        deepest = 100_000
        (tmp / "plain.rq").write_text("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * deepest + "1" + ")" * deepest + ") }")
        (tmp / "iri.rq").write_text(
            "SELECT * WHERE { ?s ?p ?o FILTER(?o <" + "(" * deepest + "1" + ")" * deepest + "> 2) }"
        )
    elif setup == "nested-quoted-triples":  # 20,000 deep: SIGSEGV (a data file's: tests/core/test_reading.py)
        deepest = 20_000
        (tmp / "quoted.rq").write_text("ASK { ?s ?p " + "<< <a> <b> " * deepest + "<c>" + " >>" * deepest + " }")
    elif setup == "nested-blank-nodes":  # 2,000 nested [ ]: RDFC-1.0 ran past ten minutes on them
        target.write_text(prefix + "ex:a ex:b " + "[ ex:b " * 2000 + "ex:c" + " ]" * 2000 + " .\n", encoding="utf-8")
    elif setup == "sparse-2gb":
        with (tmp / f"{setup}.jsonld").open("wb") as sparse:
            sparse.truncate(2 << 30)
    elif setup == "read-only-folder":
        if RUNNING_AS_ROOT:
            pytest.skip("root writes into a folder whatever its mode; the missing-folder cases cover this")
        (tmp / "read-only").mkdir()
        (tmp / "read-only").chmod(0o500)
    else:
        raise AssertionError(f"unknown setup {setup!r}")


def fill(text: str, tmp: Path, closed_port: int) -> str:
    # {repeat:TEXT:N}: TEXT N times (a header of a megabyte, ten thousand headers)
    text = re.sub(r"\{repeat:(.*?):(\d+)\}", lambda m: m.group(1) * int(m.group(2)), text, flags=re.DOTALL)
    return (
        text.replace("{bad}", str(BAD))
        .replace("{fixtures}", str(FIXTURES))
        .replace("{tmp}", str(tmp))
        .replace("{closed_port}", str(closed_port))
    )


def limit_memory() -> None:  # in the child: a runaway parser fails there, within 2 GB
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run_case(case: dict, args: list[str], stdin: str | None) -> tuple[int, str, str]:
    if case.get("process"):
        done = subprocess.run(
            [sys.executable, "-m", "kosovo_kg", *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=120,
            preexec_fn=limit_memory,
            env={**os.environ, **case.get("env", {})},
            check=False,
        )
        return done.returncode, done.stdout, done.stderr
    result = invoke(args, input=stdin)  # an exception escaping the command fails the case here
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input(case, tmp_path, closed_port):
    tmp = tmp_path.resolve()
    if "setup" in case:
        make(case["setup"], tmp)
    args = [fill(arg, tmp, closed_port) for arg in case["args"]]
    shown_tmp = paths.display_path(tmp)
    expected = fill(case["expect"], Path(shown_tmp), closed_port)
    output = Path(fill(case["output"], tmp, closed_port)) if "output" in case else None
    before = data_fingerprint()
    made = folder_fingerprint(tmp)

    code, out, err = run_case(case, args, case.get("stdin"))

    assert code == case["code"], f"exit {code}, stdout {out[-500:]!r}, stderr {err[-500:]!r}"
    stream = out if case.get("stream") == "stdout" else err
    assert expected in stream, f"{expected!r} not in {stream[-1000:]!r}"
    assert "Traceback" not in out + err
    if case.get("stream") != "stdout":
        message = [line for line in err.splitlines() if line.startswith(("error:", "Error:"))]
        assert len(message) == 1 and expected in message[0], err
    if output is not None:
        assert not output.exists()
    for fragment in case.get("absent", []):
        assert fragment not in out + err
    assert [p.name for p in tmp.rglob("*.part")] == []
    assert data_fingerprint() == before
    if code != 0:  # what the case's setup made is as it was: nothing of the user's lost or changed
        assert {name: digest for name, digest in folder_fingerprint(tmp).items() if name in made} == made


def folder_fingerprint(folder: Path) -> dict[str, str]:
    """Each regular file under ``folder`` (links and FIFOs are not opened) and its SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.live
def test_serve_refuses_a_deeply_nested_query_and_keeps_serving(kg):
    """Oxigraph's parser overflows its stack on it (see test_serve_sandbox for the worker it would kill)."""
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from conftest import kosovo_server

    with kosovo_server(kg, timeout=5) as server:
        deep = "SELECT * WHERE { " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000 + " }"
        request = urllib.request.Request(
            f"{server}/sparql", data=deep.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
        assert "more than 64 deep (at line 1, column 144)" in json.loads(refused.value.read())["error"]
        count = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        with urllib.request.urlopen(f"{server}/sparql?{count}", timeout=30) as answer:
            assert answer.status == 200


# --- the HTTP door ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def door(kg):
    """``serve`` on a free loopback port, with its access log."""
    import io

    from kosovo_kg.web.server import Serving
    from kosovo_kg.web.settings import ServeSettings

    log = io.StringIO()
    running = Serving(kg, ServeSettings(port=0, timeout=5, read_timeout=5), log=log)
    running.start_in_thread()
    try:
        yield running, log
    finally:
        running.close()


def exchange(address: tuple[str, int], request: bytes) -> tuple[int, bytes, bytes]:
    """Send a raw request; the status, head and body of the answer (read until the server closes
    or the body is complete)."""
    import socket
    import time

    with socket.create_connection(address, timeout=30) as sock:
        try:
            sock.sendall(request)
        except OSError:  # the server answered and closed before taking it all
            pass
        data = b""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if length and len(body) >= int(length.group(1)):
                break
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


@pytest.mark.live
@pytest.mark.parametrize("case", HTTP_CASES, ids=[case["id"] for case in HTTP_CASES])
def test_bad_request(case, door):
    serving, log = door
    address = serving.socket.getsockname()[:2]
    request = fill(case["http"], Path("/nonexistent"), 0).encode("utf-8", "surrogateescape")
    logged = len(log.getvalue().splitlines())

    status, head, body = exchange(address, request)

    assert status == case["status"], body[:500]
    assert case["expect"].encode() in body, body[:1000]
    for fragment in case.get("absent", []):  # in the headers (a Location) as in the body
        assert fragment.encode() not in head + body
    lines = log.getvalue().splitlines()[logged:]
    assert len(lines) == 1 and all(" " <= c <= "~" for c in lines[0]), lines
    if "log" in case:
        assert case["log"] in lines[0]
    for fragment in case.get("log_absent", []):
        assert fragment not in lines[0]
    assert exchange(address, b"GET /api/queries HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")[0] == 200
