"""cli/release.py: ``kosovo-kg release -o DIR``: its help, a release of a small graph of one's own
(--only-data, --no-inferred) written whole, and options that cannot be used refused before anything
is written. Releases of the project's graph, compared and checked file by file, are
tests/publish/release/test_build.py's."""

from __future__ import annotations

import subprocess

import pytest
from conftest import invoke

from kosovo_kg.core import store

MINE = (
    "@prefix kkr: <https://w3id.org/kosovo-kg/resource/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    'kkr:x rdfs:label "X"@en ; rdfs:comment "A resource of my own."@en .\n'
)


def test_the_help_says_where_the_date_comes_from():
    result = invoke(["release", "--help"])
    text = " ".join(result.stdout.split())
    assert result.exit_code == 0 and "usage: kosovo-kg release [-h] -o DIR" in text
    assert "the date is --date, else SOURCE_DATE_EPOCH, else the last commit's" in text
    assert "--no-inferred Leave out the inferred variant (no Java needed)." in text


def test_a_release_of_ones_own_data_is_written_whole_and_verifies(tmp_path):
    """A graph without the project's facts (its charts empty, the questions' defaults absent) once failed here."""
    (tmp_path / "mine.ttl").write_text(MINE, encoding="utf-8")
    out = tmp_path / "release"
    args = ["release", "-o", out, "--only-data", "--data", tmp_path / "mine.ttl", "--no-inferred"]
    result = invoke([*args, "--date", "2026-01-01", "--release-version", "1.0"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Release 1.0 of 2026-01-01 (the date from --date)\n")
    assert result.stderr.splitlines()[-1].startswith(f"wrote {out}: ")
    assert {"kosovo-kg.nt", "void.ttl", "CITATION.cff", "SHA256SUMS", "site"} <= {p.name for p in out.iterdir()}
    assert not (out / "kosovo-kg.inferred.nt").exists()
    assert (out / "site" / "resource" / "x.html").is_file()
    # a question whose default names what this graph does not hold says so on its page
    page = (out / "site" / "queries" / "event-participants.html").read_text(encoding="utf-8")
    assert "nothing in the graph is named &#39;nato-bombing-1999&#39;" in page
    done = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], cwd=out, capture_output=True)
    assert done.returncode == 0, done.stdout


def test_long_steps_say_how_far_they_are_with_progress(tmp_path, monkeypatch):
    """Tens of thousands of resource pages take minutes: with --progress (or on a terminal) the
    release says the step and counts the pages every PROGRESS_EVERY seconds."""
    from kosovo_kg.publish import site

    monkeypatch.setattr(site, "PROGRESS_EVERY", 0.0)
    (tmp_path / "mine.ttl").write_text(MINE, encoding="utf-8")
    args = ["release", "-o", tmp_path / "out", "--only-data", "--data", tmp_path / "mine.ttl", "--no-inferred"]
    result = invoke([*args, "--date", "2026-01-01", "--progress"])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "  resource pages: writing 1…" in lines and "  resource pages: 1 of 1…" in lines
    quiet = invoke([*args[:2], tmp_path / "quiet", *args[3:], "--date", "2026-01-01"])
    assert quiet.exit_code == 0 and "resource pages: writing" not in quiet.stderr  # not a terminal, no --progress


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--release-version", "1.0 final"], "error: --release-version must be letters, digits and . _ + -"),
        (["--date", "2026-02-30"], "error: --date must be a day as YYYY-MM-DD, got '2026-02-30'"),
        (["--endpoint", "sparql.example"], "error: --endpoint must be an http(s) URL, got 'sparql.example'"),
        (
            ["--base-url", "http://127.0.0.1:99999/r"],
            "error: --base-url 'http://127.0.0.1:99999/r' is not a usable URL",
        ),
    ],
)
def test_an_option_that_cannot_be_used_is_one_line_and_nothing_is_written(tmp_path, monkeypatch, args, message):
    if args[0] in ("--endpoint", "--base-url"):  # checked before the graph is loaded
        monkeypatch.setattr(store, "load_graph", lambda *a, **k: pytest.fail("the graph was loaded"))
    result = invoke(["release", "-o", tmp_path / "release", "--no-inferred", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
