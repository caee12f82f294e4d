"""The public Python API, ``kosovo_kg/__init__.py``: every name it promises resolves to the object
its module defines, imported on first use; query, sparql, validate and export with their options."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pyoxigraph as ox
import pytest
from conftest import TESTS

import kosovo_kg
from kosovo_kg import KnowledgeGraph, OptionError, ParameterError, QueryError


@pytest.mark.parametrize("name", kosovo_kg.__all__)
def test_every_public_name_resolves_to_what_its_module_defines(name):
    value = getattr(kosovo_kg, name)
    assert value is not None
    if name in kosovo_kg._DEFINED_IN:
        module = __import__(f"kosovo_kg.{kosovo_kg._DEFINED_IN[name]}", fromlist=[name])
        assert value is getattr(module, name)
    else:
        assert callable(value) and value.__module__ == "kosovo_kg"


def test_an_unknown_name_is_an_attribute_error_and_dir_lists_the_api():
    with pytest.raises(AttributeError, match="module 'kosovo_kg' has no attribute 'nope'"):
        kosovo_kg.nope  # noqa: B018
    assert set(kosovo_kg.__all__) <= set(dir(kosovo_kg))
    assert kosovo_kg.__version__ == kosovo_kg.version.VERSION


def test_importing_the_package_imports_none_of_its_layers():
    """The console script imports kosovo_kg.console first and starts the graph's preload before
    anything heavy loads; the facade's names wait until they are used (PEP 562)."""
    probe = (
        "import sys, kosovo_kg\n"
        "print(sorted(m for m in sys.modules if m.startswith('kosovo_kg.')))\n"
        "kosovo_kg.QueryOptions\n"
        "print('kosovo_kg.querying.pipeline' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["['kosovo_kg.version']", "True"]


def test_query_takes_parameters_in_a_mapping_as_strings_or_python_values(kg):
    by_text = [row["label"] for row in kosovo_kg.query("recognized-before", {"date": "2008-02-19"}, graph=kg)]
    by_date = [
        row["label"] for row in kosovo_kg.query("recognized-before", {"date": datetime.date(2008, 2, 19)}, graph=kg)
    ]
    assert by_text == by_date == ["Albania", "France", "Turkey", "United Kingdom", "United States"]
    with pytest.raises(ParameterError, match="recognized-before"):
        kosovo_kg.query("recognized-before", {"when": "2008-02-19"}, graph=kg)


def test_options_are_keywords_so_they_cannot_be_taken_for_parameters(kg):
    with pytest.raises(TypeError):
        kosovo_kg.query("kfor-strength", {}, kg)  # type: ignore[misc]
    with pytest.raises(TypeError):
        kosovo_kg.sparql("ASK {}", kg)  # type: ignore[misc]


def test_sparql_on_the_rdflib_engine_and_on_data_files_alone(kg, tmp_path):
    text = "SELECT ?troops WHERE { ?c kkg:troops ?troops } ORDER BY ?troops"
    assert [row["troops"] for row in kosovo_kg.sparql(text, graph=kg, engine="rdflib")] == [4500, 20000]
    mine = tmp_path / "mine.ttl"
    mine.write_text('<https://w3id.org/kosovo-kg/resource/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n')
    alone = kosovo_kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", data=[mine], only_data=True)
    assert alone.rows[0][0].value == "1"
    with pytest.raises(OptionError, match="give either a loaded graph or data files to load, not both"):
        kosovo_kg.sparql("ASK {}", graph=kg, data=[mine])
    with pytest.raises(QueryError, match="refused: CLEAR is a SPARQL Update operation"):
        kosovo_kg.sparql("CLEAR ALL", graph=kg)


@pytest.mark.parametrize(("rdf_format", "parsed"), [("turtle", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)])
def test_export_gives_the_graph_as_bytes(kg, rdf_format, parsed):
    data = kosovo_kg.export(rdf_format, graph=kg)
    assert isinstance(data, bytes)
    assert len({quad.triple for quad in ox.parse(data, parsed)}) == len(set(kg.triples))


def test_validate_returns_the_report_with_the_problems_of_an_extra_file():
    report = kosovo_kg.validate([TESTS / "fixtures" / "invalid" / "poll-percentage-120.ttl"], reasoning=False)
    assert not report.conforms and report.count("error") >= 1
    assert any("percentage between 0 and 100" in problem.message for problem in report.problems)
    assert isinstance(kosovo_kg.load_graph(), KnowledgeGraph)
