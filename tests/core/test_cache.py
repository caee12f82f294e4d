"""The cache of the packaged graph (store.py): a cached load is the same graph, with the same
named graphs, as a strict parse; an edited file, a damaged entry or a cache turned off can
never serve a stale or broken graph."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kosovo_kg.core import paths
from kosovo_kg.core.store import load_graph


def quads(kg) -> set[ox.Quad]:
    """The graph's quads, blank nodes aside (their labels are new at every parse)."""
    return {q for q in kg.store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("graph-*.nq"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KOSOVO_KG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_cached_load_is_the_strict_parse(cache, monkeypatch):
    first = load_graph()  # parses strictly and writes the entry
    assert len(entries(cache)) == 1
    second = load_graph()  # reads the entry back
    monkeypatch.setenv("KOSOVO_KG_CACHE", "off")
    strict = load_graph()
    assert quads(second) == quads(first) == quads(strict)
    assert len(second.store) == len(strict.store)
    assert second.graph_files == strict.graph_files
    assert second.file_of("https://w3id.org/kosovo-kg/resource/kosovo") == "graph/actors.ttl"


def test_the_entry_is_read_not_rebuilt(cache):
    load_graph()
    [entry] = entries(cache)
    # an entry with one quad less: if it is read, the graph has one quad less too
    lines = entry.read_bytes().splitlines(keepends=True)
    entry.write_bytes(b"".join(lines[1:]))
    assert len(load_graph().store) == len(lines) - 1


def test_an_edited_file_is_never_served_from_the_cache(cache, tmp_path, monkeypatch):
    project = tmp_path / "project"
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(paths.root() + "/" + folder, project / folder)
    monkeypatch.setattr(paths, "_root", str(project))
    before = len(load_graph().store)
    polls = project / "graph" / "polls.ttl"
    polls.write_text(
        polls.read_text(encoding="utf-8") + '\nkkr:poll-kcss-2014-10 rdfs:comment "an edit"@en .\n', encoding="utf-8"
    )
    after = load_graph()
    assert len(after.store) == before + 1
    assert len(entries(cache)) == 2  # a new entry for the new bytes; the old one is never read again


def test_a_damaged_entry_is_replaced_by_a_strict_parse(cache):
    load_graph()
    [entry] = entries(cache)
    entry.write_bytes(b"<broken")
    kg = load_graph()
    assert len(kg.store) > 2000
    assert entry.read_bytes() != b"<broken"


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("KOSOVO_KG_CACHE", str(blocked))
    assert len(load_graph().store) > 2000


def test_a_syntax_error_in_the_packaged_graph_is_reported_despite_an_entry(cache, tmp_path, monkeypatch):
    from kosovo_kg.errors import LoadError

    project = tmp_path / "project"
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(paths.root() + "/" + folder, project / folder)
    monkeypatch.setattr(paths, "_root", str(project))
    load_graph()
    polls = project / "graph" / "polls.ttl"
    with polls.open("a", encoding="utf-8") as stream:
        stream.write("kkr:oops kkg:broken .\n")
    os.utime(polls)
    with pytest.raises(LoadError, match=r"graph/polls.ttl:\d+:\d+: syntax error"):
        load_graph()


def test_a_preloaded_graph_is_the_strict_parse_and_is_taken_from_the_thread(cache, monkeypatch):
    from kosovo_kg.core import cache as cache_module
    from kosovo_kg.core import store

    load_graph()  # writes the entry
    store.preload_packaged_graph()
    assert store._preload is not None
    monkeypatch.setattr(cache_module, "read_entry", lambda name: pytest.fail("the entry was read again"))
    preloaded = load_graph()
    assert store._preload is None
    monkeypatch.undo()
    monkeypatch.setenv("KOSOVO_KG_CACHE", "off")
    strict = load_graph()
    assert quads(preloaded) == quads(strict) and len(preloaded.store) == len(strict.store)
    assert preloaded.graph_files == strict.graph_files


def test_a_preload_of_a_damaged_entry_falls_back_to_a_strict_parse(cache):
    from kosovo_kg.core import store

    load_graph()
    [entry] = entries(cache)
    entry.write_bytes(b"<broken")
    store.preload_packaged_graph()
    kg = load_graph()
    assert len(kg.store) > 2000 and entry.read_bytes() != b"<broken"


def test_no_preload_without_an_entry_and_none_left_running_by_a_load_without_the_packaged_graph(cache, tmp_path):
    from kosovo_kg.core import store

    store.preload_packaged_graph()  # the cache is empty: nothing to read back
    assert store._preload is None
    load_graph()
    store.preload_packaged_graph()
    poll = tmp_path / "poll.ttl"
    poll.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert len(load_graph([poll], packaged=False).store) == 1
    assert store._preload is None  # joined and dropped: a later fork (--timeout) copies no busy thread


def test_only_the_newest_graph_entries_are_kept(cache, tmp_path, monkeypatch):
    from kosovo_kg.core.store import _GRAPH_CACHE_KEEP

    project = tmp_path / "project"
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(paths.root() + "/" + folder, project / folder)
    monkeypatch.setattr(paths, "_root", str(project))
    polls = project / "graph" / "polls.ttl"
    for edit in range(_GRAPH_CACHE_KEEP + 2):
        with polls.open("a", encoding="utf-8") as stream:
            stream.write(f'kkr:poll-kcss-2014-10 rdfs:comment "edit {edit}"@en .\n')
        load_graph()
    assert len(entries(cache)) == _GRAPH_CACHE_KEEP
    newest = max(entries(cache), key=lambda entry: entry.stat().st_mtime_ns)
    assert f'"edit {_GRAPH_CACHE_KEEP + 1}"@en'.encode() in newest.read_bytes()


def test_the_console_script_answers_the_same_with_and_without_the_preload(cache):
    import subprocess
    import sys

    command = [sys.executable, "-m", "kosovo_kg", "query", "kfor-strength", "--format", "csv"]
    environment = {**os.environ, "KOSOVO_KG_CACHE": str(cache)}
    first = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)  # writes the entry
    assert len(entries(cache)) == 1
    second = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)  # preloads it
    assert second.stdout == first.stdout and "2024,4500," in second.stdout and second.stderr == ""
