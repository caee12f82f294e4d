"""An export killed midway (SIGKILL while writing) leaves the previous file intact.

The child process is the real command with one change: its writer writes half of the export,
says so on stdout and waits, so the kill lands at a known point. SIGKILL gives the process no
chance to clean up, so its temporary ``.NAME.PID.XXXX.part`` file stays beside the target; the
next export to the same path removes it (its process is gone) and writes the file whole.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from conftest import invoke

from kosovo_kg import load_graph
from kosovo_kg.core.reading import parse_file
from kosovo_kg.core.writing import MANIFEST

HALF_WRITER = textwrap.dedent(
    """
    import contextlib, sys, time
    import kosovo_kg.publish.export as serialize

    real_writer = serialize.atomic_writer

    @contextlib.contextmanager
    def half_then_wait(path, mode="w", **policy):
        with real_writer(path, mode, **policy) as stream:
            class Half:
                def write(self, data):
                    stream.write(data[: len(data) // 2])
                    stream.flush()
                    print("half written", flush=True)
                    time.sleep(600)
            yield Half()

    serialize.atomic_writer = half_then_wait
    from kosovo_kg.cli.main import main
    sys.argv = ["kosovo-kg", "export", "--format", "turtle", "-o", sys.argv[1]]
    main()
    """
)


def test_export_killed_midway_leaves_the_previous_file_and_the_next_export_cleans_up(tmp_path):
    target = tmp_path / "graph.ttl"
    assert invoke(["export", "--format", "nt", "-o", str(target)]).exit_code == 0
    previous = target.read_bytes()

    child = subprocess.Popen(
        [sys.executable, "-c", HALF_WRITER, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert child.stdout.readline() == b"half written\n", child.stderr.read()
        parts = list(tmp_path.glob(".graph.ttl.*.part"))
        half = parts[0].stat().st_size if len(parts) == 1 else 0
        assert half > 10_000  # half the export, not yet in place
        assert parts[0].name.startswith(f".graph.ttl.{child.pid}.")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    assert target.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["graph.ttl", MANIFEST, parts[0].name])

    result = invoke(["export", "--format", "turtle", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    # whole: every triple of the graph (the size alone varies by a few bytes with blank node labels)
    assert target.stat().st_size > half
    assert len(parse_file(target)) == len(load_graph())
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "graph.ttl"]


def test_a_part_file_of_a_running_writer_is_kept(tmp_path):
    """Another export of the same file still in progress: its temporary file is not touched."""
    import os

    live = tmp_path / f".graph.ttl.{os.getpid()}.abcd.part"
    live.write_text("in progress")
    result = invoke(["export", "--format", "nt", "-o", str(tmp_path / "graph.ttl")])
    assert result.exit_code == 0, result.stderr
    assert live.exists()


# --- The output policy: nothing the command did not write is lost ---------------------------------

import errno  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kosovo_kg.core.writing import atomic_folder, atomic_writer, read_manifest  # noqa: E402
from kosovo_kg.errors import ExportError, ReleaseError  # noqa: E402

RUNNING_AS_ROOT = os.geteuid() == 0


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.part")]


def test_a_release_over_a_folder_that_is_not_one_keeps_the_users_files(tmp_path):
    """The case of the issue: an empty SHA256SUMS looked like a release, and the thesis went."""
    target = tmp_path / "out"
    target.mkdir()
    (target / "SHA256SUMS").write_text("")
    (target / "thesis.txt").write_text("three years of work\n")
    before = snapshot(target)
    done = invoke(["release", "-o", target, "--date", "2026-11-30", "--no-inferred"])
    assert done.exit_code == 2
    assert "thesis.txt" in done.stderr and "would be lost" in done.stderr
    assert snapshot(target) == before and leftovers(tmp_path) == []


def test_docs_over_a_users_page_keeps_it_and_replaces_its_own_output(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("<p>my own page</p>")
    done = invoke(["docs", "-o", mine])
    assert done.exit_code == 2 and "index.html would be lost" in done.stderr
    assert (mine / "index.html").read_text() == "<p>my own page</p>"

    docs = tmp_path / "docs"
    assert invoke(["docs", "-o", docs]).exit_code == 0
    assert set(read_manifest(docs)) == {"index.html", "classes.dot", "classes.svg"}
    assert invoke(["docs", "-o", docs]).exit_code == 0  # its own earlier output: replaced
    (docs / "notes.txt").write_text("a note of mine")
    done = invoke(["docs", "-o", docs])
    assert done.exit_code == 2 and "notes.txt would be lost" in done.stderr
    (docs / "notes.txt").unlink()
    with (docs / "index.html").open("a") as page:
        page.write("<!-- edited by hand -->")
    done = invoke(["docs", "-o", docs])
    assert done.exit_code == 2 and "index.html would be lost" in done.stderr
    assert (docs / "index.html").read_text().endswith("<!-- edited by hand -->")


def test_export_and_chart_replace_only_their_own_unchanged_files(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("my own notes\n")
    done = invoke(["export", "-o", target])
    assert done.exit_code == 2 and "the file would be lost" in done.stderr
    assert target.read_text() == "my own notes\n"

    (tmp_path / "empty.ttl").write_text("")  # nothing to lose
    assert invoke(["export", "-o", tmp_path / "empty.ttl"]).exit_code == 0
    ours = tmp_path / "ours.nt"
    assert invoke(["export", "--format", "nt", "-o", ours]).exit_code == 0
    assert invoke(["export", "--format", "nt", "-o", ours]).exit_code == 0
    chart = tmp_path / "polls.svg"
    assert invoke(["chart", "polls", "-o", chart]).exit_code == 0
    done = invoke(["export", "--format", "nt", "-o", chart])  # another command's output
    assert done.exit_code == 2 and "the file would be lost" in done.stderr
    ours.write_text(ours.read_text() + "# edited\n")
    assert invoke(["export", "--format", "nt", "-o", ours]).exit_code == 2
    assert {name: entry["command"] for name, entry in read_manifest(tmp_path).items()} == {
        "empty.ttl": "export",
        "ours.nt": "export",
        "polls.svg": "chart",
    }


def test_a_link_to_nothing_is_refused_as_any_link_is(tmp_path):
    # regression: stat() followed the dangling link, found nothing, and the link was replaced
    for command, name in ((["export", "-o"], "dangling.ttl"), (["chart", "polls", "-o"], "dangling.svg")):
        dangling = tmp_path / name
        dangling.symlink_to(tmp_path / "nowhere" / name)
        done = invoke([*command, dangling])
        assert done.exit_code == 2 and "is a symbolic link; refused" in done.stderr
        assert dangling.is_symlink() and os.readlink(dangling) == str(tmp_path / "nowhere" / name)


def test_a_manifest_kosovo_kg_did_not_write_is_never_replaced(tmp_path):
    # regression: export wrote its manifest over someone's file of that name (or over a link)
    (tmp_path / MANIFEST).write_text('{"mine": true}\n')
    done = invoke(["export", "--format", "nt", "-o", tmp_path / "x.nt"])
    assert done.exit_code == 2 and "is not a manifest kosovo-kg wrote" in done.stderr
    assert (tmp_path / MANIFEST).read_text() == '{"mine": true}\n' and not (tmp_path / "x.nt").exists()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / MANIFEST).symlink_to(tmp_path / "precious")
    done = invoke(["docs", "-o", docs])
    assert done.exit_code == 2 and f"{MANIFEST} would be lost" in done.stderr and (docs / MANIFEST).is_symlink()


def test_empty_folders_someone_made_are_not_lost(tmp_path):
    # regression: docs -o over a folder holding only empty folders replaced it, and they were gone
    docs = tmp_path / "docs"
    (docs / ".hidden").mkdir(parents=True)
    (docs / "a" / "b").mkdir(parents=True)
    done = invoke(["docs", "-o", docs])
    assert done.exit_code == 2 and "docs/.hidden/ (and 1 more) would be lost" in done.stderr
    assert (docs / ".hidden").is_dir() and (docs / "a" / "b").is_dir()


def test_a_fifo_or_a_link_in_the_folder_is_refused_without_being_opened(tmp_path):
    docs = tmp_path / "docs"
    assert invoke(["docs", "-o", docs]).exit_code == 0
    os.mkfifo(docs / "pipe")
    started = time.monotonic()
    done = invoke(["docs", "-o", docs])
    assert done.exit_code == 2 and "pipe would be lost" in done.stderr
    assert time.monotonic() - started < 30
    (docs / "pipe").unlink()
    (docs / "index.html").unlink()
    os.mkfifo(docs / "index.html")  # a listed name, now a FIFO: never opened to be hashed
    done = invoke(["docs", "-o", docs])
    assert done.exit_code == 2 and "index.html would be lost" in done.stderr


def test_a_fifo_as_the_previous_releases_checksums_is_refused_at_once(tmp_path):
    previous = tmp_path / "previous"
    previous.mkdir()
    os.mkfifo(previous / "SHA256SUMS")
    started = time.monotonic()
    done = invoke(["release", "-o", tmp_path / "out", "--previous", previous, "--no-inferred", "--date", "2026-11-30"])
    assert done.exit_code == 2 and "not a regular file" in done.stderr and "SHA256SUMS" in done.stderr
    assert time.monotonic() - started < 30 and not (tmp_path / "out").exists()


def test_a_swap_that_fails_puts_the_old_folder_back(tmp_path, monkeypatch):
    target = tmp_path / "out"
    with atomic_folder(target, command="test") as folder:
        (folder / "a.txt").write_text("first")
    real_rename = os.rename

    def rename(source, destination):
        if Path(source).name.startswith(".out.") and not str(source).endswith(".old.part"):
            raise OSError(errno.EXDEV, "Invalid cross-device link (simulated)", str(destination))
        return real_rename(source, destination)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(ExportError, match="simulated"), atomic_folder(target, command="test") as folder:
        (folder / "a.txt").write_text("second")
    assert (target / "a.txt").read_text() == "first" and leftovers(tmp_path) == []


def fill_tmpfs(folder: Path, size: str):
    """A small tmpfs at ``folder`` (root only): a disk that fills up."""
    import subprocess

    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A folder on a disk of 1.5 MB where the tests run as root (a tmpfs mounted here); elsewhere
    a folder whose writes of more than 64 KB fail with ENOSPC (a fault injected into Path's writes)."""
    import subprocess

    folder = tmp_path / "small"
    if RUNNING_AS_ROOT and shutil.which("mount"):
        fill_tmpfs(folder, "1500k")
        try:
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    folder.mkdir()
    real_bytes, real_text = Path.write_bytes, Path.write_text

    def full(path, data, *args, **kwargs):
        if folder in Path(path).parents and len(data) > 65536:
            raise OSError(errno.ENOSPC, "No space left on device")
        return (real_bytes if isinstance(data, bytes) else real_text)(path, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setattr(Path, "write_text", full)
    yield folder


def test_a_full_disk_is_one_error_line_and_leaves_nothing_half_built(small_disk):
    docs = small_disk / "docs"
    assert invoke(["docs", "-o", docs]).exit_code == 0  # fits
    before = snapshot(docs)
    for command in (
        ["release", "-o", small_disk / "release", "--no-inferred", "--date", "2026-11-30"],
        ["export", "--format", "nt", "-o", small_disk / "graph.nt"],
    ):
        done = invoke(command)
        assert done.exit_code == 2, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "No space left on device" in errors[0] and "Traceback" not in done.stderr
        assert not (small_disk / "release").exists() and not (small_disk / "graph.nt").exists()
    if RUNNING_AS_ROOT:  # fill the rest of the disk: the docs no longer fit beside what is there
        descriptor = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(descriptor, b"\0" * 65536):
                pass
        except OSError:
            pass
        finally:
            os.close(descriptor)
        done = invoke(["docs", "-o", docs])
        assert done.exit_code == 2 and "No space left on device" in done.stderr
    assert snapshot(docs) == before
    assert leftovers(small_disk) == []


def test_sigterm_midway_removes_what_was_built_and_keeps_the_earlier_release(tmp_path, kg):
    """SIGTERM (and Ctrl-C's SIGINT) while the release is being built: the process stops, what it
    built beside the target is removed, and the earlier release is as it was."""
    import signal
    import subprocess
    import sys

    from kosovo_kg.publish.release.build import build_release

    target = tmp_path / "release"
    build_release(kg, target, date="2026-11-30", inferred=False)
    before = snapshot(target)
    for stop in (signal.SIGTERM, signal.SIGINT):
        child = subprocess.Popen(
            [sys.executable, "-m", "kosovo_kg", "release", "-o", str(target), "--no-inferred", "--date", "2026-12-01"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # as from a terminal: a test run started in the background by a shell without job
            # control inherits SIGINT ignored, and Python then keeps it ignored (no Ctrl-C at all)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 120
        while not any(p.is_dir() for p in tmp_path.glob(".release.*.part")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # well inside the build
        child.send_signal(stop)
        assert child.wait(timeout=120) == 128 + stop
        assert "Traceback" not in child.stderr.read().decode()
        child.stderr.close()
        assert leftovers(tmp_path) == [] and snapshot(target) == before


def test_a_plain_writer_of_the_projects_own_file_is_not_held_by_the_policy(tmp_path):
    """graph/names.ttl is rewritten by `names --write` as it stands: no manifest there."""
    own = tmp_path / "names.ttl"
    own.write_text("# before\n")
    with atomic_writer(own) as stream:
        stream.write("# after\n")
    assert own.read_text() == "# after\n" and not (tmp_path / ".kosovo-kg-manifest.json").exists()


def test_the_release_refuses_a_previous_release_changed_by_hand(tmp_path, kg):
    from kosovo_kg.publish.release.build import build_release

    target = tmp_path / "release"
    build_release(kg, target, date="2026-11-30", inferred=False)
    (target / "site" / "extra.html").write_text("<p>added by hand</p>")
    with pytest.raises(ReleaseError, match=r"site/extra\.html would be lost"):
        build_release(kg, target, date="2026-12-01", inferred=False)
    assert (target / "site" / "extra.html").exists()


def test_a_manifest_that_cannot_be_read_is_told_as_such(tmp_path, monkeypatch):
    # found in review: no permission to read the manifest was told as "not a manifest kosovo-kg wrote"
    from kosovo_kg.core.writing import check_output_file

    (tmp_path / MANIFEST).write_text("{}")
    real = Path.read_bytes

    def unreadable(path: Path) -> bytes:
        if path.name == MANIFEST:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    with pytest.raises(ExportError, match=r"x\.nt: cannot be written: .*ermission denied"):
        check_output_file(tmp_path / "x.nt", command="export")
    assert read_manifest(tmp_path) == {}
