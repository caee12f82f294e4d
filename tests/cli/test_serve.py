"""cli/serve.py: ``kosovo-kg serve``: its help, its options checked and turned into the settings the
server runs with (the address tried before the graph is loaded). Serving itself, until stopped, is
tests/web/test_server.py's; a busy port, tests/web/test_sandbox.py's."""

from __future__ import annotations

import pytest
from conftest import free_port, invoke

from kosovo_kg.core import store
from kosovo_kg.web import server
from kosovo_kg.web.settings import ServeSettings


def test_the_help_lists_the_routes_and_options():
    result = invoke(["serve", "--help"])
    text = " ".join(result.stdout.split())
    assert result.exit_code == 0
    for words in ("A read-only SPARQL 1.1 endpoint at /sparql", "/resource/NAME", "--max-result-mb", "--cache-mb"):
        assert words in text


@pytest.fixture
def served(monkeypatch):
    """What serve would run with, instead of running it."""
    seen: dict[str, object] = {}

    def serve_until_stopped(kg, settings, announce):
        seen.update(kg=kg, settings=settings)

    monkeypatch.setattr(server, "serve_until_stopped", serve_until_stopped)
    return seen


def test_the_options_become_the_servers_settings(served):
    port = free_port()
    args = ["serve", "--port", port, "--workers", "3", "--timeout", "2.5", "--max-result-mb", "1.5", "--queue", "7"]
    result = invoke([*args, "--cache-mb", "0", "--allow-federation"])
    assert result.exit_code == 0, result.stderr
    assert served["settings"] == ServeSettings(
        host="127.0.0.1",
        port=port,
        workers=3,
        timeout=2.5,
        max_result_bytes=1_500_000,
        allow_federation=True,
        queue=7,
        cache_bytes=0,
    )
    assert len(served["kg"]) > 2000


def test_data_files_are_served_beside_the_graph(served, tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text('<https://w3id.org/kosovo-kg/resource/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n')
    assert invoke(["serve", "--port", "0", "--only-data", "--data", mine]).exit_code == 0
    assert len(served["kg"]) == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--workers", "0", "argument --workers: 0 is not at least 1 and at most 64"),
        ("--port", "70000", "argument --port: 70000 is not at least 0 and at most 65535"),
        ("--timeout", "0.01", "argument --timeout: 0.01 is not at least 0.1 and at most 3600"),
        ("--max-result-mb", "nan", "argument --max-result-mb: 'nan' is not a finite number"),
        ("--queue", "many", "argument --queue: 'many' is not a whole number"),
        # regressions: a cache beyond the machine's memory bounded nothing, and uvicorn took a
        # misspelt proxy address for a name that never matches
        ("--cache-mb", "1e30", "argument --cache-mb: 1e30 is not at least 0 and at most"),
        ("--forwarded-allow-ips", "garbage!!", "'garbage!!' is not an IP address or network"),
        ("--forwarded-allow-ips", "10.0.0.1,*", "'*' is not an IP address or network"),
    ],
)
def test_an_option_out_of_range_is_a_usage_error_before_anything_starts(served, monkeypatch, option, value, message):
    monkeypatch.setattr(store, "load_graph", lambda *a, **k: pytest.fail("the graph was loaded"))
    result = invoke(["serve", option, value])
    assert result.exit_code == 2 and message in result.stderr and served == {}
