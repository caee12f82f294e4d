"""kosovo-kg: a knowledge graph of Kosovo–NATO relations, every fact dated and sourced.

>>> import kosovo_kg
>>> rows = kosovo_kg.query("non-recognizing-nato-members")
>>> [row["label"] for row in rows]
['Greece', 'Romania', 'Slovakia', 'Spain']
"""

from __future__ import annotations

from .errors import (
    FederationRefused,
    KosovoKGError,
    LoadError,
    ParameterError,
    QueryError,
    QueryTimeout,
)
from .store import KnowledgeGraph, load_graph

__version__ = "0.1.0"

__all__ = [
    "FederationRefused",
    "KnowledgeGraph",
    "KosovoKGError",
    "LoadError",
    "ParameterError",
    "QueryError",
    "QueryTimeout",
    "export",
    "load_graph",
    "query",
    "sparql",
    "validate",
]


def query(
    name: str,
    *,
    graph: KnowledgeGraph | None = None,
    engine: str = "oxigraph",
    timeout: float | None = None,
    **params: object,
):
    """Run the stored query ``name`` with typed parameters; returns a :class:`kosovo_kg.engines.Result`.

    ``timeout`` (seconds) raises :class:`QueryTimeout` for a query that runs longer."""
    from .catalogue import run_stored_query

    return run_stored_query(name, params, graph=graph, engine=engine, timeout=timeout)


def sparql(
    text: str,
    *,
    graph: KnowledgeGraph | None = None,
    engine: str = "oxigraph",
    allow_federation: bool = False,
    timeout: float | None = None,
):
    """Run any SPARQL query over the graph; returns a :class:`kosovo_kg.engines.Result`.

    ``timeout`` (seconds) raises :class:`QueryTimeout` for a query that runs longer."""
    from .engines import run_query

    return run_query(text, graph=graph, engine=engine, allow_federation=allow_federation, timeout=timeout)


def validate(extra_files=(), *, reasoning: bool = True, checks: bool = True):
    """SHACL, OWL reasoning and quality checks; returns a :class:`kosovo_kg.validation.ValidationReport`."""
    from .validation import run_validation

    return run_validation(extra_files, reasoning=reasoning, checks=checks)


def export(rdf_format: str = "turtle", *, graph: KnowledgeGraph | None = None) -> bytes:
    """The graph serialized as ``turtle``, ``jsonld``, ``nt`` or ``xml``."""
    from .serialize import serialize_graph

    return serialize_graph(graph if graph is not None else load_graph(), rdf_format)
