"""cli/sparql.py: ``kosovo-kg sparql QUERY|-f FILE``: any query as text, from a file or standard input,
with the project's prefixes predeclared; a mistake in a file told with the file's name."""

from __future__ import annotations

from conftest import invoke

QUERY = "SELECT ?troops WHERE { ?c kkg:troops ?troops } ORDER BY ?troops"


def test_the_help_names_the_predeclared_prefixes():
    result = invoke(["sparql", "--help"])
    assert result.exit_code == 0 and "usage: kosovo-kg sparql [-h] [-f FILE]" in result.stdout
    assert "Prefixes kkg:, kkr:, rdf:, rdfs:, owl:, xsd:, wd:, skos:" in result.stdout


def test_a_query_as_text_from_a_file_or_from_standard_input_gives_the_same_answer(tmp_path):
    (tmp_path / "kfor.rq").write_text(QUERY + "\n", encoding="utf-8")
    answers = [
        invoke(["sparql", QUERY, "--format", "csv"]),
        invoke(["sparql", "-f", tmp_path / "kfor.rq", "--format", "csv"]),
        invoke(["sparql", "-f", "-", "--format", "csv"], input=QUERY),
    ]
    assert [a.exit_code for a in answers] == [0, 0, 0]
    assert {a.stdout for a in answers} == {"troops\r\n4500\r\n20000\r\n"}  # CSV lines end in CRLF (RFC 4180)


def test_ask_and_construct_answer_in_their_forms():
    assert invoke(["sparql", "ASK { kkr:spain ?p ?o }", "--format", "csv"]).stdout.splitlines() == ["boolean", "true"]
    construct = invoke(["sparql", "CONSTRUCT WHERE { kkr:nato rdfs:label ?l }", "--format", "csv"])
    assert construct.exit_code == 0 and "North Atlantic Treaty Organization" in construct.stdout


def test_a_mistake_in_a_query_file_is_told_with_the_files_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.rq").write_text("SELECT * WHERE {\n ?s ?p }\n", encoding="utf-8")
    result = invoke(["sparql", "-f", "q.rq"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: q.rq: syntax error at line 3, column 1: ")
    assert invoke(["sparql"]).stderr == "error: give the query either as TEXT or with -f FILE\n"
