"""The cache of the packaged graph (store.py): a cached load is the same graph, with the same
named graphs, as a strict parse; an edited file, a damaged entry or a cache turned off can
never serve a stale or broken graph."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kosovo_kg import paths
from kosovo_kg.store import load_graph


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
