"""cli/export.py: ``kosovo-kg export``: the graph in each format to stdout or a file (written
atomically), with --data, the QuickStatements commands, and a file that cannot be loaded refused."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import invoke


def test_the_help_lists_the_formats():
    result = invoke(["export", "--help"])
    assert result.exit_code == 0
    assert "--format {turtle,jsonld,nt,xml,quickstatements}" in result.stdout
    assert "Add what the OWL reasoner (HermiT) entails; needs Java." in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("rdf_format", "parsed"),
    [("nt", ox.RdfFormat.N_TRIPLES), ("xml", ox.RdfFormat.RDF_XML), ("jsonld", ox.RdfFormat.JSON_LD)],
)
def test_the_graph_goes_to_stdout_as_bytes_of_the_format(kg, rdf_format, parsed):
    result = invoke(["export", "--format", rdf_format])
    assert result.exit_code == 0 and result.stderr == ""
    assert len({q.triple for q in ox.parse(result.stdout.encode(), parsed)}) == len(set(kg.triples))


def test_data_files_are_exported_with_the_graph_or_alone(tmp_path, kg):
    mine = tmp_path / "mine.ttl"
    mine.write_text('<https://w3id.org/kosovo-kg/resource/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n')
    alone = invoke(["export", "--format", "nt", "--only-data", "--data", mine])
    assert (
        alone.stdout == '<https://w3id.org/kosovo-kg/resource/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n'
    )
    target = tmp_path / "out.ttl"
    both = invoke(["export", "-o", target, "--data", mine])
    assert both.exit_code == 0
    assert both.stderr == f"wrote {target} ({target.stat().st_size:,} bytes, {len(kg) + 1:,} triples, turtle)\n"


@pytest.mark.parametrize(
    ("name", "written", "parsed"),
    [
        ("out.jsonld", "jsonld", ox.RdfFormat.JSON_LD),
        ("out.NT", "nt", ox.RdfFormat.N_TRIPLES),
        ("out.rdf", "xml", ox.RdfFormat.RDF_XML),
        ("out.ttl", "turtle", ox.RdfFormat.TURTLE),
        ("out.txt", "turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_without_format_the_output_files_suffix_names_it(tmp_path, kg, name, written, parsed):
    # -o out.jsonld wrote Turtle, which every JSON-LD reader then refused
    target = tmp_path / name
    result = invoke(["export", "-o", target])
    assert result.exit_code == 0 and result.stderr.endswith(f" triples, {written})\n")
    assert len({q.triple for q in ox.parse(target.read_bytes(), parsed)}) == len(set(kg.triples))


def test_a_format_given_wins_over_the_suffix(tmp_path):
    target = tmp_path / "out.jsonld"
    assert invoke(["export", "--format", "nt", "-o", target]).exit_code == 0
    assert target.read_text().startswith("<")


def test_a_qs_file_gets_quickstatements(tmp_path):
    target = tmp_path / "kosovo.qs"
    result = invoke(["export", "-o", target])
    assert result.exit_code == 0 and result.stderr.startswith(f"wrote {target} (31 QuickStatements commands)")


def test_a_data_file_that_cannot_be_loaded_is_one_error_and_nothing_is_written(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:x:a> <urn:x:b> .\n")
    result = invoke(["export", "-o", tmp_path / "out.ttl", "--data", bad])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and "bad.ttl:1:" in result.stderr and "syntax error" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl"]


def test_quickstatements_go_to_stdout_with_what_was_left_out_on_stderr():
    result = invoke(["export", "--format", "quickstatements"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 31 and all("\t" in line for line in result.stdout.splitlines())
    assert all(line.startswith("not exported: ") for line in result.stderr.splitlines())


def test_cli_writes_the_commands_atomically(tmp_path):
    target = tmp_path / "kosovo.qs"
    result = invoke(["export", "--format", "quickstatements", "-o", str(target)])
    assert result.exit_code == 0
    assert "31 QuickStatements commands" in result.stderr
    assert "not exported:" in result.stderr
    assert len(target.read_text(encoding="utf-8").splitlines()) == 31
