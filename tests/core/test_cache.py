"""core/cache.py: an entry is used only whole and for what it was made from; a damaged one is
discarded and its value computed again. (The graph's own entries, through load_graph: test_loading.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from kosovo_kg.core import cache as cache_module


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KOSOVO_KG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_damaged_entry_of_the_reasoner_is_recomputed(cache):
    calls = []

    def compute() -> bytes:
        calls.append(1)
        return b"the answer\n" * 100

    assert cache_module.cached("demo", [b"input"], compute) == b"the answer\n" * 100
    [entry] = cache.glob("demo-*")
    entry.write_bytes(entry.read_bytes()[:-11])  # cut at a line end
    assert cache_module.cached("demo", [b"input"], compute) == b"the answer\n" * 100
    assert len(calls) == 2
    assert cache_module.cached("demo", [b"input"], compute) == b"the answer\n" * 100 and len(calls) == 2


def test_an_entry_is_read_back_only_whole_and_for_its_identity(cache):
    cache_module.write_entry("demo-entry", [b"first\n", b"second\n"], identity="inputs-1")
    assert cache_module.read_entry("demo-entry", identity="inputs-1") == [b"first\n", b"second\n"]
    assert cache_module.read_entry("demo-entry", identity="inputs-1", sections=1) == [b"first\n"]
    assert cache_module.read_entry("demo-entry", identity="inputs-2") is None  # made from other inputs
    assert not (cache / "demo-entry").exists()  # and discarded
    cache_module.write_entry("demo-entry", [b"first\n", b"second\n"], identity="inputs-1")
    (cache / "demo-entry").write_bytes((cache / "demo-entry").read_bytes()[:-3])  # cut short
    assert cache_module.read_entry("demo-entry", identity="inputs-1", sections=1) is None


def test_no_entry_is_written_or_read_when_the_cache_is_off(cache, monkeypatch):
    monkeypatch.setenv("KOSOVO_KG_CACHE", "off")
    cache_module.write_entry("demo-entry", [b"x"], identity="i")
    assert cache_module.read_entry("demo-entry", identity="i") is None and not cache.exists()
