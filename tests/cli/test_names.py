"""cli/names.py: ``kosovo-kg names``: graph/names.ttl as CLDR (through Babel) gives it, printed,
checked (exit 1 when the file differs) or written."""

from __future__ import annotations

from conftest import invoke

from kosovo_kg.curation import names


def test_the_help_says_what_it_prints_and_checks():
    result = invoke(["names", "--help"])
    assert result.exit_code == 0 and "usage: kosovo-kg names [-h] [--write] [--check]" in result.stdout
    assert "Exit 1 if graph/names.ttl differs from what Babel gives." in result.stdout


def test_the_names_file_is_printed_as_babel_gives_it():
    result = invoke(["names"])
    assert result.exit_code == 0
    assert result.stdout == names.names_file().read_text(encoding="utf-8")


def test_a_names_file_that_differs_is_exit_1_and_write_regenerates_it(tmp_path, monkeypatch):
    target = tmp_path / "names.ttl"
    target.write_text("# edited by hand\n", encoding="utf-8")
    monkeypatch.setattr(names, "names_file", lambda: target)
    result = invoke(["names", "--check"])
    assert result.exit_code == 1
    assert result.stderr == f"{target} is not what Babel gives: run kosovo-kg names --write\n"
    written = invoke(["names", "--write"])
    assert written.exit_code == 0 and written.stderr == f"wrote {target}\n"
    assert invoke(["names", "--check"]).stderr == f"{target} matches Babel\n"


def test_names_check_command():
    result = invoke(["names", "--check"])
    assert result.exit_code == 0, result.output
