"""querying/engines.py: the embedded engines, Oxigraph and rdflib, give every stored query the
same rows (the remote engine's are compared with theirs in test_remote.py); ``make_engine`` picks
the engine that ``--engine`` names; updates are refused before any engine sees them."""

from __future__ import annotations

import pytest
from conftest import LOCAL_QUERIES

from kosovo_kg import query
from kosovo_kg.errors import OptionError, QueryRefused
from kosovo_kg.querying.engines import OxigraphEngine, RdflibEngine, make_engine, refuse_update
from kosovo_kg.querying.remote import RemoteEngine

STORED = LOCAL_QUERIES


@pytest.mark.parametrize("name", STORED)
def test_embedded_engines_give_identical_rows(kg, name):
    oxigraph = query(name, graph=kg, engine="oxigraph")
    rdflib = query(name, graph=kg, engine="rdflib")
    assert oxigraph.variables == rdflib.variables
    assert oxigraph.rows == rdflib.rows
    assert oxigraph.rows, f"{name} returned no rows on the repository's graph"


def test_the_engine_is_chosen_by_its_name_or_url(kg):
    assert isinstance(make_engine("oxigraph", kg), OxigraphEngine)
    assert isinstance(make_engine("rdflib", kg), RdflibEngine)
    remote = make_engine("http://127.0.0.1:9/sparql", None, timeout=3)
    assert isinstance(remote, RemoteEngine) and remote.timeout == 3
    with pytest.raises(OptionError, match="unknown engine 'blazegraph'"):
        make_engine("blazegraph", kg)
    with pytest.raises(OptionError, match="the rdflib engine needs a loaded graph"):
        make_engine("rdflib", None)


def test_an_update_is_refused_and_a_comment_that_says_with_is_not():
    with pytest.raises(QueryRefused, match="refused: INSERT is a SPARQL Update operation"):
        refuse_update("INSERT DATA { <a:b> <a:c> <a:d> }")
    refuse_update("# counts each state with its recognition\nSELECT * WHERE { ?s ?p ?o }")
