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

HALF_WRITER = textwrap.dedent(
    """
    import contextlib, sys, time
    import kosovo_kg.publish.export as serialize

    real_writer = serialize.atomic_writer

    @contextlib.contextmanager
    def half_then_wait(path, mode="w"):
        with real_writer(path, mode) as stream:
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
    previous = b"# the previous export\n"
    target.write_bytes(previous)

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
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["graph.ttl", parts[0].name])

    result = invoke(["export", "--format", "turtle", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    # whole: every triple of the graph (the size alone varies by a few bytes with blank node labels)
    assert target.stat().st_size > half
    assert len(parse_file(target)) == len(load_graph())
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_a_part_file_of_a_running_writer_is_kept(tmp_path):
    """Another export of the same file still in progress: its temporary file is not touched."""
    import os

    live = tmp_path / f".graph.ttl.{os.getpid()}.abcd.part"
    live.write_text("in progress")
    result = invoke(["export", "--format", "nt", "-o", str(tmp_path / "graph.ttl")])
    assert result.exit_code == 0, result.stderr
    assert live.exists()
