"""publish/release/dates.py: a release's date is never the clock's: --date, else SOURCE_DATE_EPOCH,
else the last commit's when the graph's files are as committed, else the files' newest
modification time; and its version, checked."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kosovo_kg.errors import ReleaseError
from kosovo_kg.publish.release.dates import ReleaseDate, check_date, check_version, git_output, release_date


def project_copy(folder: Path) -> list[Path]:
    """A project of three small files (ontology/ and graph/), in the order the loader takes them."""
    files = [folder / "ontology" / "kosovo.ttl", folder / "graph" / "actors.ttl", folder / "graph" / "polls.ttl"]
    for number, path in enumerate(files):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<urn:x:{number}> <urn:x:p> <urn:x:o> .\n", encoding="utf-8")
    return files


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.mark.parametrize("text", ["2026-11-30", "2024-02-29", "0001-01-01"])
def test_a_calendar_day_is_a_date(text):
    assert check_date(text) == text


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-1-5", "30.11.2026", "2026-11-30T00:00", ""]
)
def test_anything_else_is_refused_naming_the_option(text):
    with pytest.raises(ReleaseError) as caught:
        check_date(text)
    assert str(caught.value) == f"--date must be a day as YYYY-MM-DD, got {text!r}"


def test_the_date_given_wins_over_every_other_source(tmp_path, monkeypatch):
    files = project_copy(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert release_date("2026-11-30", files, root=tmp_path) == ReleaseDate("2026-11-30", "--date", None)
    with pytest.raises(ReleaseError, match="--date must be a day"):
        release_date("tomorrow", files, root=tmp_path)


@pytest.mark.parametrize("epoch", ["yesterday", "-1", "1.5", " 1767225600"])
def test_a_source_date_epoch_that_is_not_seconds_is_refused(tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(ReleaseError) as caught:
        release_date(None, project_copy(tmp_path), root=tmp_path)
    assert str(caught.value) == f"SOURCE_DATE_EPOCH must be a number of seconds, got {epoch!r}"


def test_source_date_epoch_is_read_as_a_utc_day(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767311999")  # 2026-01-01T23:59:59Z
    assert release_date(None, project_copy(tmp_path), root=tmp_path).date == "2026-01-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # set but empty: as if not set
    assert release_date(None, project_copy(tmp_path), root=tmp_path).source != "SOURCE_DATE_EPOCH"


def test_outside_a_git_checkout_the_date_is_the_newest_files(tmp_path):
    files = project_copy(tmp_path)
    for number, path in enumerate(files):
        os.utime(path, (1767225600 + number * 86400,) * 2)  # 2026-01-01, -02, -03
    found = release_date(None, files, root=tmp_path)
    assert found == ReleaseDate(
        "2026-01-03", "the newest modification time of the graph's files (files outside a git checkout)", None
    )
    assert git_output(tmp_path, "rev-parse", "HEAD") is None


def test_files_given_with_data_are_dated_by_their_times_even_in_a_checkout(tmp_path):
    files = project_copy(tmp_path)
    commit(tmp_path)
    os.utime(files[0], (1767225600,) * 2)
    for path in files[1:]:
        os.utime(path, (1700000000,) * 2)
    found = release_date(None, files, extra=True, root=tmp_path)
    assert found == ReleaseDate("2026-01-01", "the newest modification time of the graph's files (--data files)", None)


def commit(folder: Path) -> None:
    env = {"GIT_COMMITTER_DATE": "2025-06-07T12:00:00Z", "GIT_AUTHOR_DATE": "2025-06-07T12:00:00Z"}
    git = ["git", "-C", str(folder), "-c", "user.name=test", "-c", "user.email=test@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "graph"], check=True, env={**os.environ, **env})


@pytest.mark.parametrize("version", ["2026.11.30", "1.0.0", "v2", "2026.11.30+fix-1", "a" * 64])
def test_a_version_is_letters_digits_and_dot_underscore_plus_minus(version):
    assert check_version(version) == version


@pytest.mark.parametrize("version", ["", ".hidden", "-rc", "1.0 final", "../1", "a/b", "a" * 65, "v1\n"])
def test_any_other_version_is_refused(version):
    with pytest.raises(ReleaseError) as caught:
        check_version(version)
    assert str(caught.value) == (
        "--release-version must be letters, digits and . _ + - (at most 64, starting with a letter or digit), "
        f"got {version!r}"
    )


def test_the_date_comes_from_the_commit_when_the_files_are_committed(tmp_path, monkeypatch):
    copies = project_copy(tmp_path)
    commit(tmp_path)
    found = release_date(None, copies, root=tmp_path)
    assert found.date == "2025-06-07" and found.source.startswith("the commit ") and found.commit
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert release_date(None, copies, root=tmp_path) == ("2026-01-01", "SOURCE_DATE_EPOCH", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (tmp_path / "graph" / "polls.ttl").write_text("# edited\n", encoding="utf-8")
    for copy in copies:  # the newest of the files' times: 2026-01-02, the edited file's
        stamp = 1767312000 if copy.name == "polls.ttl" else 1767225600
        os.utime(copy, (stamp, stamp))
    edited = release_date(None, copies, root=tmp_path)
    assert edited.date == "2026-01-02" and "differ from the last commit" in edited.source
