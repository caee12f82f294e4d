"""core/loading.py: the graph's cache entries, as load_graph uses them. A cached load is the same
graph, with the same named graphs, as a strict parse; the preload's is too; an edited file (even one whose size and modification time were put back with
``touch -r``), a damaged entry (emptied, cut at a line end, a byte changed) or a cache turned off
can never serve a stale or broken graph: the entry is discarded and rebuilt, never used."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT

from kosovo_kg import query
from kosovo_kg.core import cache as cache_module
from kosovo_kg.core import loading, paths
from kosovo_kg.core.store import KnowledgeGraph, load_graph


def quads(kg) -> set[ox.Quad]:
    """The graph's quads, blank nodes aside (their labels are new at every parse)."""
    return {q for q in kg.store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("graph-*.nq"))


def data_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("data-*"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KOSOVO_KG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's graph that a test may edit."""
    copy = tmp_path / "project"
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(paths.root() + "/" + folder, copy / folder)
    monkeypatch.setattr(paths, "_root", str(copy))
    return copy


def strict(monkeypatch) -> ox.Store:
    """The packaged graph parsed from its Turtle files."""
    with monkeypatch.context() as patch:
        patch.setenv("KOSOVO_KG_CACHE", "off")
        return load_graph().store


def edit_in_place_keeping_size_and_times(path: Path, old: bytes, new: bytes) -> None:
    """What ``touch -r`` after an in-place edit leaves: the same size and modification time."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert data.count(old) >= 1
    with path.open("r+b") as stream:  # in place: the same inode
        stream.write(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_a_cached_load_is_the_strict_parse(cache, monkeypatch):
    first = load_graph()  # parses strictly and writes the entry
    assert len(entries(cache)) == 1
    second = load_graph()  # reads the entry back
    strict_store = strict(monkeypatch)
    assert quads(second) == quads(first) == quads(KnowledgeGraph(store=strict_store))
    assert len(second.store) == len(strict_store)
    assert second.graph_files == first.graph_files
    assert second.file_of("https://w3id.org/kosovo-kg/resource/kosovo") == "graph/actors.ttl"


def test_the_entry_keeps_the_rdfs_entailments_apart_for_stored_questions(cache):
    """`query NAME` reads the entry without the RDFS entailments (stored questions give the same rows
    without them); a blank node's entailed types stay on that node, not on a new one."""
    from kosovo_kg.core.entailment import ENTAILED_GRAPH

    full = load_graph()
    for kg in (load_graph(), load_graph()):  # the strict parse's graph, then the cache's
        lean = load_graph(rdfs=False)
        assert not lean.rdfs_entailed and not lean.store.contains_named_graph(ENTAILED_GRAPH)
        assert len(lean.store) < len(kg.store) == len(full.store)
        assert query("statements-on-nato", graph=lean).rows == query("statements-on-nato", graph=kg).rows
        stated_blank = {
            q.subject for q in kg.store if q.graph_name != ENTAILED_GRAPH and isinstance(q.subject, ox.BlankNode)
        }
        entailed_blank = {
            q.subject
            for q in kg.store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)
            if isinstance(q.subject, ox.BlankNode)
        }
        assert entailed_blank and entailed_blank <= stated_blank
        lean.entail_rdfs()
        assert len(lean.store) == len(full.store)


def test_the_entry_is_read_not_rebuilt(cache, monkeypatch):
    load_graph()
    from kosovo_kg.core import reading

    monkeypatch.setattr(reading, "load_file", lambda *args: pytest.fail("the packaged graph was parsed again"))
    assert len(load_graph().store) > 2000


def test_an_edited_file_is_never_served_from_the_cache(cache, project):
    before = len(load_graph().store)
    polls = project / "graph" / "polls.ttl"
    polls.write_text(
        polls.read_text(encoding="utf-8") + '\nkkr:poll-kcss-2014-10 rdfs:comment "an edit"@en .\n', encoding="utf-8"
    )
    after = load_graph()
    assert len(after.store) == before + 1
    assert len(entries(cache)) == 2  # a new entry for the new bytes; the old one is never read again


def test_an_edit_in_place_with_size_and_mtime_put_back_is_seen(cache, project):
    """``touch -r`` after an in-place edit fooled a cache keyed on size and modification time."""
    load_graph()
    actors = project / "graph" / "actors.ttl"
    edit_in_place_keeping_size_and_times(actors, b'"Kosovo"@en', b'"Kosovx"@en')
    kg = load_graph()
    assert kg.label("https://w3id.org/kosovo-kg/resource/kosovo") == "Kosovx"


@pytest.mark.parametrize("damage", ["emptied", "cut at a line end", "a byte changed", "another entry's content"])
def test_a_damaged_packaged_entry_is_discarded_and_rebuilt(cache, monkeypatch, damage):
    """A cut entry was used: `query` exited 0 with 1 row instead of 33."""
    load_graph()
    [entry] = entries(cache)
    data = entry.read_bytes()
    if damage == "emptied":
        entry.write_bytes(b"")
    elif damage == "cut at a line end":
        entry.write_bytes(data[: data.index(b"\n", len(data) // 2) + 1])
    elif damage == "a byte changed":
        middle = data.index(b"Kosovo", len(data) // 2)
        entry.write_bytes(data[:middle] + b"L" + data[middle + 1 :])
    else:  # a valid entry, but made for other inputs
        other = cache / "graph-00000000000000000000000000000000.nq"
        cache_module.write_entry(other.name, [b"<urn:a> <urn:b> <urn:c> .\n", b""], identity=other.name)
        entry.write_bytes(other.read_bytes())
    kg = load_graph()
    assert len(kg.store) == len(strict(monkeypatch))
    assert len(query("nato-members", graph=kg)) == 32
    assert cache_module.read_entry(entry.name, identity=entry.name) is not None  # rebuilt whole


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("KOSOVO_KG_CACHE", str(blocked))
    assert len(load_graph().store) > 2000


def test_a_syntax_error_in_the_packaged_graph_is_reported_despite_an_entry(cache, project):
    from kosovo_kg.errors import LoadError

    load_graph()
    polls = project / "graph" / "polls.ttl"
    with polls.open("a", encoding="utf-8") as stream:
        stream.write("kkr:oops kkg:broken .\n")
    os.utime(polls)
    with pytest.raises(LoadError, match=r"graph/polls.ttl:\d+:\d+: syntax error"):
        load_graph()


def test_a_preloaded_graph_is_the_strict_parse_and_is_taken_from_the_thread(cache, monkeypatch):
    load_graph()  # writes the entry
    loading.preload_packaged_graph()
    assert loading._preload is not None
    assert loading._preload.result() is not None  # its thread is done
    monkeypatch.setattr(cache_module, "read_entry", lambda *args, **kwargs: pytest.fail("the entry was read again"))
    preloaded = load_graph()
    assert loading._preload is None
    monkeypatch.undo()
    strict_store = strict(monkeypatch)
    assert len(preloaded.store) == len(strict_store)


def test_a_preload_of_a_damaged_entry_falls_back_to_a_strict_parse(cache, monkeypatch):
    load_graph()
    [entry] = entries(cache)
    data = entry.read_bytes()
    entry.write_bytes(data[: data.index(b"\n", 1000) + 1])
    loading.preload_packaged_graph()
    kg = load_graph()
    assert len(kg.store) == len(strict(monkeypatch))
    assert cache_module.read_entry(entry.name, identity=entry.name) is not None


def test_no_preload_without_an_entry_and_none_left_running_by_a_load_without_the_packaged_graph(cache, tmp_path):
    loading.preload_packaged_graph()  # the cache is empty: nothing to read back
    assert loading._preload is None
    load_graph()
    loading.preload_packaged_graph()
    poll = tmp_path / "poll.ttl"
    poll.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert len(load_graph([poll], packaged=False).store) == 1
    assert loading._preload is None  # joined and dropped: a later fork (--timeout) copies no busy thread


def test_only_the_newest_graph_entries_are_kept(cache, project):
    polls = project / "graph" / "polls.ttl"
    for edit in range(loading.GRAPH_CACHE_KEEP + 2):
        with polls.open("a", encoding="utf-8") as stream:
            stream.write(f'kkr:poll-kcss-2014-10 rdfs:comment "edit {edit}"@en .\n')
        load_graph()
    assert len(entries(cache)) == loading.GRAPH_CACHE_KEEP
    newest = max(entries(cache), key=lambda entry: entry.stat().st_mtime_ns)
    assert f'"edit {loading.GRAPH_CACHE_KEEP + 1}"@en'.encode() in newest.read_bytes()


def kosovo_kg(*args: str, cache: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "kosovo_kg", *args]
    environment = {**os.environ, "KOSOVO_KG_CACHE": str(cache)}
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=False, cwd=ROOT)


def test_the_console_script_answers_the_same_with_and_without_the_preload(cache):
    first = kosovo_kg("query", "kfor-strength", "--format", "csv", cache=cache)  # writes the entry
    assert len(entries(cache)) == 1
    second = kosovo_kg("query", "kfor-strength", "--format", "csv", cache=cache)  # preloads it
    assert second.stdout == first.stdout and "2024,4500," in second.stdout and second.stderr == ""


def test_the_command_line_never_answers_from_a_cut_entry(cache):
    first = kosovo_kg("query", "nato-members", "--format", "csv", cache=cache)
    assert first.returncode == 0 and len(first.stdout.splitlines()) == 33
    [entry] = entries(cache)
    data = entry.read_bytes()
    entry.write_bytes(data[: data.index(b"\n", 2000) + 1])
    second = kosovo_kg("query", "nato-members", "--format", "csv", cache=cache)
    assert second.returncode == 0 and second.stdout == first.stdout


# Users' data: on-disk stores ---------------------------------------------------------------------


@pytest.fixture
def small_data_cached(monkeypatch):
    """Cache data files of any size (the threshold exists because small files parse faster than a store opens)."""
    monkeypatch.setattr(loading, "DATA_CACHE_MIN_BYTES", 0)


def write_poll(path: Path, comment: str = "one") -> Path:
    path.write_text(
        "@prefix kkr: <https://w3id.org/kosovo-kg/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'kkr:poll-kcss-2014-10 rdfs:comment "{comment}"@en .\n'
        'kkr:my-war a <https://w3id.org/kosovo-kg/ontology#War> ; rdfs:label "My war"@en ;\n'
        '  <https://w3id.org/kosovo-kg/ontology#date> "1999-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .\n',
        encoding="utf-8",
    )
    return path


def on_disk(kg) -> bool:
    """Whether the graph is a cache entry opened read-only (it refuses any change)."""
    try:
        kg.store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    except RuntimeError:  # "Transaction are only possible on read-write instances"
        return True
    kg.store.remove(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    return False


EVENTS = "SELECT ?e WHERE { ?e a kkg:Event } ORDER BY ?e"


def test_users_data_is_cached_as_a_store_that_answers_as_the_parse_did(cache, tmp_path, small_data_cached):
    poll = write_poll(tmp_path / "poll.ttl")
    from kosovo_kg import sparql

    parsed = load_graph([poll])
    assert not on_disk(parsed) and len(data_entries(cache)) == 1
    opened = load_graph([poll])
    assert on_disk(opened)
    assert len(opened.store) == len(parsed.store) and opened.graph_files == parsed.graph_files
    assert query("timeline", graph=opened).rows == query("timeline", graph=parsed).rows
    assert sparql(EVENTS, graph=opened).rows == sparql(EVENTS, graph=parsed).rows
    assert "https://w3id.org/kosovo-kg/resource/my-war" in {row["e"] for row in sparql(EVENTS, graph=opened)}


def test_a_load_for_stored_queries_alone_leaves_the_rdfs_entailments_out_yet_caches_them(
    cache, tmp_path, small_data_cached
):
    poll = write_poll(tmp_path / "poll.ttl")
    lean = load_graph([poll], rdfs=False, cache=False)
    full = load_graph([poll], cache=False)
    assert not lean.rdfs_entailed and len(lean.store) < len(full.store)
    for name in ("timeline", "events-of-year"):
        assert query(name, graph=lean).rows == query(name, graph=full).rows
    lean.entail_rdfs()
    assert lean.rdfs_entailed and len(lean.store) == len(full.store)
    load_graph([poll], rdfs=False)  # writes the entry, with everything: entailments included
    cached = load_graph([poll], rdfs=False)
    assert on_disk(cached) and cached.rdfs_entailed and len(cached.store) == len(full.store)


@pytest.mark.parametrize("damage", ["emptied", "cut", "manifest cut at a line end", "file removed", "file added"])
def test_a_damaged_data_entry_is_discarded_and_rebuilt(cache, tmp_path, small_data_cached, damage):
    poll = write_poll(tmp_path / "poll.ttl")
    expected = len(load_graph([poll]).store)
    [entry] = data_entries(cache)
    files = sorted((entry / "store").iterdir(), key=lambda file: file.stat().st_size)
    biggest = files[-1]
    if damage == "emptied":
        biggest.write_bytes(b"")
    elif damage == "cut":
        biggest.write_bytes(biggest.read_bytes()[: biggest.stat().st_size // 2])
    elif damage == "manifest cut at a line end":
        manifest = (entry / "manifest").read_bytes()
        (entry / "manifest").write_bytes(manifest[: manifest.index(b"\n", len(manifest) // 2) + 1])
    elif damage == "file removed":
        biggest.unlink()
    else:
        (entry / "store" / "000999.sst").write_bytes(b"\0" * 100)
    kg = load_graph([poll])
    assert not on_disk(kg) and len(kg.store) == expected  # parsed again: the entry was not used
    assert len(data_entries(cache)) == 1  # and rebuilt
    assert on_disk(load_graph([poll]))


def test_a_data_file_edited_in_place_with_size_and_mtime_put_back_is_seen(cache, tmp_path, small_data_cached):
    poll = write_poll(tmp_path / "poll.ttl", comment="one")
    load_graph([poll])
    assert on_disk(load_graph([poll]))
    edit_in_place_keeping_size_and_times(poll, b'"one"@en', b'"two"@en')
    kg = load_graph([poll])
    assert not on_disk(kg)  # a new identity: parsed, not taken from the old entry
    comments = {q.object.value for q in kg.store.quads_for_pattern(None, ox.NamedNode(RDFS_COMMENT), None)}
    assert "two" in comments and "one" not in comments


RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"


def test_data_entries_are_capped_and_the_least_recently_used_go_first(cache, tmp_path, small_data_cached, monkeypatch):
    polls = [write_poll(tmp_path / f"poll-{index}.ttl", comment=f"c{index}") for index in range(3)]
    load_graph([polls[0]])
    [first] = data_entries(cache)
    size = cache_module.entry_size(str(first))
    monkeypatch.setenv("KOSOVO_KG_CACHE_MB", str(2.5 * size / (1 << 20)))  # room for two
    load_graph([polls[1]])
    time.sleep(0.01)
    assert on_disk(load_graph([polls[0]]))  # used again: now the most recently used
    load_graph([polls[2]])  # a third: the least recently used (poll-1's) goes
    assert len(data_entries(cache)) == 2
    assert on_disk(load_graph([polls[0]])) and on_disk(load_graph([polls[2]]))
    assert not on_disk(load_graph([polls[1]]))
    monkeypatch.setenv("KOSOVO_KG_CACHE_MB", "0")  # a cap of nothing: no entry is written
    load_graph([write_poll(tmp_path / "poll-3.ttl")])
    assert len(data_entries(cache)) <= 2


def test_a_build_left_by_a_process_that_died_is_taken_over(cache, tmp_path, small_data_cached):
    poll = write_poll(tmp_path / "poll.ttl")
    name, _ = loading.data_entry([str(poll)], packaged=True)
    left = cache / f".{name}.building"
    left.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (left / "owner").write_text(dead.stdout.strip())
    (left / "half-written.sst").write_bytes(b"\0" * 10)
    load_graph([poll])
    assert not left.exists() and on_disk(load_graph([poll]))


def test_small_data_files_are_parsed_not_cached(cache, tmp_path):
    poll = write_poll(tmp_path / "poll.ttl")
    load_graph([poll])
    assert data_entries(cache) == [] and not on_disk(load_graph([poll]))


def test_no_cache_on_the_command_line_neither_reads_nor_writes(cache, tmp_path):
    poll = write_poll(tmp_path / "poll.ttl")
    done = kosovo_kg("sparql", EVENTS, "--format", "csv", "--data", str(poll), "--no-cache", cache=cache)
    assert done.returncode == 0 and "/my-war" in done.stdout
    assert not cache.exists() or list(cache.iterdir()) == []


def test_the_command_line_builds_the_data_entry_in_the_background_and_then_opens_it(cache, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import write_copies

    data = tmp_path / "copies.nt"
    write_copies(2, data)  # ~1.5 MB of N-Triples
    big = tmp_path / "big.nt"
    big.write_bytes(data.read_bytes() * 3)  # the same triples thrice: over the threshold, same graph
    assert big.stat().st_size >= loading.DATA_CACHE_MIN_BYTES
    first = kosovo_kg("query", "nato-members", "--format", "csv", "--data", str(big), cache=cache)
    assert first.returncode == 0 and first.stderr == ""
    deadline = time.monotonic() + 120
    while not data_entries(cache) and time.monotonic() < deadline:
        time.sleep(0.2)
    [entry] = data_entries(cache)
    built = (entry / "manifest").stat().st_mtime_ns
    time.sleep(0.01)
    second = kosovo_kg("query", "nato-members", "--format", "csv", "--data", str(big), cache=cache)
    assert second.returncode == 0 and second.stdout == first.stdout
    assert (entry / "manifest").stat().st_mtime_ns > built  # opened (each use is noted, for eviction)
