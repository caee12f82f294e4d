"""cli/docs.py: ``kosovo-kg docs -o DIR``: its help, the files it writes and what it documented, the
diagram left undrawn (and said so) without Graphviz, and a folder that is a file refused."""

from __future__ import annotations

from conftest import invoke


def test_the_help_says_what_is_written():
    result = invoke(["docs", "--help"])
    assert result.exit_code == 0 and "usage: kosovo-kg docs [-h] -o OUTPUT" in result.stdout
    assert "index.html (pyLODE" in result.stdout and "classes.svg, drawn by Graphviz's dot" in result.stdout


def test_the_documentation_is_written_and_each_file_told(tmp_path):
    folder = tmp_path / "docs"
    result = invoke(["docs", "-o", folder])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:3] == [f"wrote {folder / name}" for name in ("classes.dot", "classes.svg", "index.html")]
    assert lines[3].endswith(" properties documented") and " classes and " in lines[3]
    # and the manifest that lets the next docs -o replace them (and nothing else)
    assert sorted(p.name for p in folder.iterdir()) == [
        ".kosovo-kg-manifest.json",
        "classes.dot",
        "classes.svg",
        "index.html",
    ]
    assert result.stdout == ""


def test_without_graphviz_the_diagram_is_left_as_dot_source_and_said_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = invoke(["docs", "-o", tmp_path / "docs"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Graphviz's dot is not installed: classes.svg was not drawn (apt-get install graphviz)"
    )
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        ".kosovo-kg-manifest.json",
        "classes.dot",
        "index.html",
    ]
    assert "is the diagram as DOT source" in (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")


def test_docs_into_a_file_is_an_error(tmp_path):
    target = tmp_path / "taken.html"
    target.write_text("x")
    result = invoke(["docs", "-o", str(target)])
    assert result.exit_code == 2
    assert "is not a folder; give a new folder" in result.stderr
    assert target.read_text() == "x"
