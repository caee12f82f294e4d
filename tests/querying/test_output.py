"""Query results in the SPARQL 1.1 results formats, read back by an independent parser."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import LOCAL_QUERIES

from kosovo_kg import query
from kosovo_kg.querying.output import render

PARSERS = {"json": ox.QueryResultsFormat.JSON, "tsv": ox.QueryResultsFormat.TSV, "csv": ox.QueryResultsFormat.CSV}


@pytest.mark.parametrize("output_format", ["json", "tsv"])
@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_results_round_trip_through_pyoxigraphs_results_parser(kg, name, output_format):
    result = query(name, graph=kg)
    text = render(result, output_format, kg)
    parsed = ox.parse_query_results(text.encode(), PARSERS[output_format])
    variables = [v.value for v in parsed.variables]
    assert variables == result.variables
    assert [tuple(solution[v] for v in variables) for solution in parsed] == result.rows


def test_csv_gives_plain_values(kg):
    text = render(query("kfor-strength", graph=kg), "csv", kg)
    # The contract columns; the query adds the troop-strength node after them.
    assert [line.split(",")[:2] for line in text.split("\r\n")] == [
        ["date", "troops"],
        ["1999-06", "20000"],
        ["2024", "4500"],
        [""],
    ]


def test_ask_and_construct_results(kg):
    from kosovo_kg import sparql

    ask = sparql("ASK { kkr:greece kkg:recognitionStatus ?s }", graph=kg)
    assert render(ask, "json", kg) == '{\n "head": {},\n "boolean": false\n}\n'
    graph = sparql("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l ; a kkg:MilitaryAlliance }", graph=kg)
    assert (
        render(graph, "table", kg).strip()
        == '<https://w3id.org/kosovo-kg/resource/nato> <http://www.w3.org/2000/01/rdf-schema#label> "North Atlantic Treaty Organization"@en .'
    )


def test_rdf_xml_export_loads_in_owlready2(kg, tmp_path):
    """owlready2 reads RDF/XML the way OWL tools such as Protégé do."""
    import owlready2

    from kosovo_kg.publish.export import write_export

    target = tmp_path / "kosovo.rdf"
    write_export(kg, "xml", target)
    world = owlready2.World()
    world.get_ontology(target.as_uri()).load()
    kosovo = world["https://w3id.org/kosovo-kg/resource/kosovo"]
    assert [c.iri for c in kosovo.is_a] == ["https://w3id.org/kosovo-kg/ontology#StateWithLimitedRecognition"]
    spain = world["https://w3id.org/kosovo-kg/resource/recognition-spain-kosovo"]
    assert spain.recognitionStatus.iri == "https://w3id.org/kosovo-kg/ontology#DoesNotRecognize"


@pytest.mark.parametrize("name", ["statements-on-nato", "timeline", "references", "obstacles-to-accession"])
def test_table_wraps_at_word_boundaries_to_80_columns(kg, name):
    """Cells wrap at spaces; a word too long for its column is cut with an ellipsis, never split."""
    from kosovo_kg.querying.output import _cell, to_table

    result = query(name, graph=kg)
    text = to_table(result, kg, width=80)
    lines = text.splitlines()[:-1]  # the last line counts the rows
    assert lines and all(len(line) <= 80 for line in lines), max(lines, key=len)
    words = {word for row in result.rows for term in row for word in _cell(term, kg).split()}
    words |= set(" ".join(result.variables).split())
    for line in lines:
        if line[0] in "┏┡└─":  # a border, or a record's rule
            continue
        for word in line.replace("│", " ").replace("┃", " ").split():
            assert word in words or (word.endswith("…") and any(w.startswith(word[:-1]) for w in words)), word


def test_a_table_too_wide_for_the_terminal_is_printed_as_records(kg):
    """statements-on-nato, the README's first command, has 8 columns: at 80 columns every header and
    most words were cut ("wikida…", "Presid…"). Each row is a record instead, nothing cut."""
    from kosovo_kg.querying.output import to_table

    result = query("statements-on-nato", graph=kg)
    text = to_table(result, kg, width=80)
    assert "…" not in text and "┃" not in text
    first = text.split("── 2 ")[0].splitlines()
    assert first[0] == "── 1 " + "─" * 74
    assert [line.split()[0] for line in first[1:] if not line.startswith(" ")] == result.variables
    assert "role       President of the United States" in first
    assert text.endswith(f"\n{len(result)} rows\n")
    # wide enough, the same answer is a table
    assert to_table(result, kg, width=160).startswith("┏")
