"""Property: no input file and no parameter value makes the command line raise.

Whatever bytes a data or query file holds and whatever text a ``--param``, ``--timeout`` or
``--engine`` value is, the command ends with exit 0 or one ``error:`` line and exit 2 (or 3 for
an endpoint that cannot be reached) — the in-process runner raises if any exception escapes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import invoke
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kosovo_kg.querying.catalogue import catalogue

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Bytes that look like RDF more often than random bytes do, so parsers get past their first line.
RDF_PIECES = st.sampled_from(
    [b"@prefix ex: <http://x.test/> .\n", b"ex:a ex:b ex:c .\n", b'"lit"', b"<http://x.test/a>", b"_:b", b"[", b"]",
     b"(", b")", b"{", b"}", b"\\u00", b'"""', b"^^", b"@en", b"\xff", b"\x00", b"<!ENTITY x 'y'>", b'{"@context": ',
     b"<rdf:RDF>", b"\n", b".", b";", b",", b"#"]
)  # fmt: skip
FILE_BYTES = st.one_of(st.binary(max_size=300), st.lists(RDF_PIECES, max_size=30).map(b"".join))
TEXT = st.text(max_size=60)
PARAMETERS = sorted({(name, p.name) for name, q in catalogue().items() for p in q.parameters if not q.federated})


def ends_cleanly(args: list[str]) -> None:
    result = invoke(args)  # an exception escaping the command fails the test here
    assert result.exit_code in (0, 2, 3), result.output
    assert "Traceback" not in result.output
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.stderr


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".rdf", ".jsonld"])
def test_any_data_file(suffix):
    folder = Path(tempfile.mkdtemp())

    @SETTINGS
    @given(FILE_BYTES)
    @example(b"")
    @example(b"\xef\xbb\xbf")  # a byte-order mark alone
    def check(data: bytes) -> None:
        path = folder / f"data{suffix}"
        path.write_bytes(data)
        ends_cleanly(["sparql", "ASK { ?s ?p ?o }", "--only-data", "--data", str(path)])

    check()


def test_any_query_file():
    folder = Path(tempfile.mkdtemp())

    @SETTINGS
    @given(st.one_of(st.binary(max_size=200), TEXT.map(str.encode)))
    @example(b"SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    @example(b"SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> {} }")
    def check(data: bytes) -> None:
        path = folder / "q.rq"
        path.write_bytes(data)
        ends_cleanly(["sparql", "-f", str(path), "--format", "csv"])

    check()


@pytest.mark.parametrize(("query", "parameter"), PARAMETERS)
def test_any_parameter_value(query, parameter):
    @SETTINGS
    @given(TEXT)
    @example("http://[::1/x")
    @example("kkr:%zz")
    @example("\x00")
    def check(value: str) -> None:
        ends_cleanly(["query", query, "--param", f"{parameter}={value}", "--format", "csv"])

    check()


@SETTINGS
@given(TEXT)
@example("nan")
@example("1e400")
@example("-0")
def test_any_timeout(value):
    ends_cleanly(["sparql", "ASK {}", "--timeout", value])


@SETTINGS
@given(TEXT.map(lambda text: "http://" + text))
@example("http://[::1")
@example("http://127.0.0.1:0/")
def test_any_engine_url(value):
    ends_cleanly(["sparql", "ASK {}", "--engine", value, "--timeout", "2"])
