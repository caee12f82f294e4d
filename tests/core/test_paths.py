"""core/paths.py: where the ontology, the data and the stored queries are; how a file is shown to a
user (display_path, shown_in_project) and named as a graph (file_uri)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT

from kosovo_kg.core import paths
from kosovo_kg.errors import LoadError


def test_in_a_checkout_the_folders_are_the_repositorys():
    assert paths.root() == str(ROOT) and paths.project_root() == ROOT
    assert paths.ontology_dir() == ROOT / "ontology" and paths.graph_dir() == ROOT / "graph"
    assert paths.checks_dir() == ROOT / "queries" / "checks"
    assert (paths.ontology_file(), paths.shapes_file(), paths.context_file()) == (
        ROOT / "ontology" / "kosovo.ttl",
        ROOT / "ontology" / "shapes.ttl",
        ROOT / "ontology" / "context.jsonld",
    )
    assert all(path.is_file() for path in (paths.ontology_file(), paths.shapes_file(), paths.context_file()))


def test_the_data_files_are_the_ontology_then_every_turtle_file_of_graph_in_name_order():
    files = paths.data_file_paths()
    assert files[0] == str(ROOT / "ontology" / "kosovo.ttl")
    graph = sorted(p.name for p in (ROOT / "graph").iterdir() if p.suffix == ".ttl")
    assert [os.path.basename(f) for f in files[1:]] == graph and "actors.ttl" in graph
    assert all(os.path.isabs(f) for f in files)
    assert paths.data_files() == [Path(f) for f in files]


def test_stored_questions_are_the_rq_files_of_queries_without_the_checks():
    files = paths.query_file_paths()
    assert files == sorted(files) and all(f.endswith(".rq") for f in files)
    assert str(ROOT / "queries" / "nato-members.rq") in files
    assert not any("checks" in f for f in files)
    assert paths.query_file_path("nato-members") in files
    # the file of a name that does not exist: the caller reports it
    assert paths.query_file_path("no-such") == str(ROOT / "queries" / "no-such.rq")


def test_a_project_file_is_shown_relative_to_the_project(tmp_path, monkeypatch):
    assert paths.shown_in_project(ROOT / "graph" / "polls.ttl") == "graph/polls.ttl"
    monkeypatch.chdir(ROOT / "graph")
    assert paths.shown_in_project("polls.ttl") == "graph/polls.ttl"  # relative: through relpath
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.ttl").write_text("")
    # outside the project: as display_path shows it
    assert paths.shown_in_project(tmp_path / "mine.ttl") == "mine.ttl"


def test_display_path_is_relative_to_the_project_then_the_working_folder_else_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert paths.display_path(ROOT / "graph" / "polls.ttl") == "graph/polls.ttl"
    assert paths.display_path(tmp_path / "sub" / "mine.ttl") == "sub/mine.ttl"
    assert paths.display_path("sub/../sub/mine.ttl") == "sub/mine.ttl"
    assert paths.display_path("/proc/version") == "/proc/version"


def test_a_link_is_shown_by_its_own_name_not_its_targets(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "real.ttl").write_text("")
    (tmp_path / "mine.ttl").symlink_to(tmp_path / "data" / "real.ttl")
    (tmp_path / "dangling.ttl").symlink_to(tmp_path / "gone.ttl")
    assert paths.display_path("mine.ttl") == "mine.ttl"
    assert paths.display_path(tmp_path / "dangling.ttl") == "dangling.ttl"
    # a link among the folders is followed: the file is where the folder really is
    (tmp_path / "linked").symlink_to(tmp_path / "data")
    assert paths.display_path("linked/real.ttl") == "data/real.ttl"
    assert paths.display_path("data/..") == "."


def test_display_path_of_a_symlink_loop_is_the_path_as_given(tmp_path):
    (tmp_path / "a.ttl").symlink_to(tmp_path / "b.ttl")
    (tmp_path / "b.ttl").symlink_to(tmp_path / "a.ttl")
    assert paths.display_path(tmp_path / "a.ttl") == str(tmp_path / "a.ttl")


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("/srv/graph/polls.ttl", "file:///srv/graph/polls.ttl"),
        ("/srv/a b.ttl", "file:///srv/a%20b.ttl"),
        ("/srv/Thaçi.ttl", "file:///srv/Tha%C3%A7i.ttl"),
        ("/srv/100%.ttl", "file:///srv/100%25.ttl"),
        ("/srv/a#b?.ttl", "file:///srv/a%23b%3F.ttl"),
    ],
)
def test_file_uri_of_a_resolved_path_escapes_what_a_uri_cannot_hold(path, uri):
    assert paths.file_uri(path, resolved=True) == uri
    assert paths.file_uri(Path(path), resolved=True) == uri


def test_file_uri_resolves_a_relative_path_and_its_links(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.ttl").write_text("")
    (tmp_path / "link.ttl").symlink_to(tmp_path / "real.ttl")
    assert paths.file_uri("real.ttl") == (tmp_path / "real.ttl").as_uri()
    assert paths.file_uri("link.ttl") == (tmp_path / "real.ttl").as_uri()
    # the packaged files are named as the loader names them
    assert paths.file_uri(paths.data_file_paths()[0], resolved=True) == paths.ontology_file().as_uri()


def test_file_uri_of_a_symlink_loop_is_a_load_error_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ttl").symlink_to(tmp_path / "b.ttl")
    (tmp_path / "b.ttl").symlink_to(tmp_path / "a.ttl")
    with pytest.raises(LoadError, match=r"^a\.ttl: cannot be read: ") as caught:
        paths.file_uri("a.ttl")
    assert caught.value.path == "a.ttl"
