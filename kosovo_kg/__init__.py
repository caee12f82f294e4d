"""kosovo-kg: a knowledge graph of Kosovo–NATO relations, every fact dated and sourced.

>>> import kosovo_kg
>>> rows = kosovo_kg.query("non-recognizing-nato-members")
>>> [row["label"] for row in rows]
['Greece', 'Romania', 'Slovakia', 'Spain']
>>> kg = kosovo_kg.load_graph()
>>> [row["label"] for row in kosovo_kg.query("recognized-before", {"date": "2008-02-19"}, graph=kg)]
['Albania', 'France', 'Turkey', 'United Kingdom', 'United States']
>>> kosovo_kg.sparql("ASK { ?r kkg:recognizer kkr:spain ; kkg:recognitionStatus kkg:DoesNotRecognize }", graph=kg).boolean
True

Query parameters go in a mapping; options are keywords, so the two cannot be confused.
"""

from __future__ import annotations

import os

from kosovo_kg.version import VERSION

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from kosovo_kg.core.store import KnowledgeGraph, load_graph
    from kosovo_kg.curation.validation import ValidationReport  # validation imports dataclasses: not at run time
    from kosovo_kg.errors import (
        EngineError,
        EngineUnavailable,
        FederationRefused,
        KosovoKGError,
        LoadError,
        MissingTool,
        OptionError,
        ParameterError,
        QueryError,
        QueryTimeout,
    )
    from kosovo_kg.querying.pipeline import QueryOptions
    from kosovo_kg.querying.results import Result, Row

#: Where each name of the public API is defined. They are imported on first use (PEP 562), so
#: that importing a submodule, as the console script does, does not import them all: the
#: console script starts loading the graph before it imports the rest (see console.py).
_DEFINED_IN = {
    "Result": "querying.results",
    "Row": "querying.results",
    **dict.fromkeys(
        (
            "EngineError",
            "EngineUnavailable",
            "FederationRefused",
            "KosovoKGError",
            "LoadError",
            "MissingTool",
            "OptionError",
            "ParameterError",
            "QueryError",
            "QueryTimeout",
        ),
        "errors",
    ),
    "QueryOptions": "querying.pipeline",
    "KnowledgeGraph": "core.store",
    "load_graph": "core.store",
}


def __getattr__(name: str) -> object:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__version__ = VERSION

__all__ = [
    "EngineError",
    "EngineUnavailable",
    "FederationRefused",
    "KnowledgeGraph",
    "KosovoKGError",
    "LoadError",
    "MissingTool",
    "OptionError",
    "ParameterError",
    "QueryError",
    "QueryOptions",
    "QueryTimeout",
    "Result",
    "Row",
    "export",
    "load_graph",
    "query",
    "sparql",
    "validate",
]


def query(
    name: str,
    params: Mapping[str, object] | None = None,
    *,
    graph: KnowledgeGraph | None = None,
    engine: str = "oxigraph",
    timeout: float | None = None,
    allow_federation: bool = False,
    wikidata_endpoint: str | None = None,
    data: Iterable[str | os.PathLike[str]] = (),
    only_data: bool = False,
) -> Result:
    """Run the stored query ``name`` (see ``kosovo-kg queries``) with its parameter values.

    ``params`` maps parameter names to values (strings, or Python values such as a
    ``datetime.date``); the values are typed and bound as RDF terms. ``graph`` is a graph
    already loaded with :func:`load_graph`; without it the packaged graph is loaded, plus the
    RDF files in ``data`` (or only those, with ``only_data``). ``engine`` is ``oxigraph``,
    ``rdflib`` or the URL of a SPARQL endpoint. ``timeout`` (seconds) raises
    :class:`QueryTimeout` for a query that runs longer. Federated stored queries need
    ``allow_federation=True``.
    """
    from kosovo_kg.querying.catalogue import get_stored_query
    from kosovo_kg.querying.pipeline import QueryOptions, execute

    options = QueryOptions(
        engine, timeout, allow_federation, wikidata_endpoint, tuple(os.fspath(path) for path in data), only_data
    )
    return execute(get_stored_query(name), params, options, graph)


def sparql(
    text: str,
    *,
    graph: KnowledgeGraph | None = None,
    engine: str = "oxigraph",
    timeout: float | None = None,
    allow_federation: bool = False,
    wikidata_endpoint: str | None = None,
    data: Iterable[str | os.PathLike[str]] = (),
    only_data: bool = False,
    base_iri: str | None = None,
) -> Result:
    """Run any SPARQL query over the graph, with the same options as :func:`query`.

    The prefixes ``kkg:``, ``kkr:``, ``rdfs:`` and the others of ``kosovo-kg sparql --help``
    are predeclared. SPARQL Update is refused: the graph is read-only. Relative IRIs resolve
    against ``base_iri`` (an absolute IRI; by default the working folder's ``file:`` URL).
    """
    from kosovo_kg.querying.pipeline import QueryOptions, execute

    options = QueryOptions(
        engine,
        timeout,
        allow_federation,
        wikidata_endpoint,
        tuple(os.fspath(path) for path in data),
        only_data,
        base_iri,
    )
    return execute(text, None, options, graph)


def validate(
    extra_files: Iterable[str | os.PathLike[str]] = (), *, reasoning: bool = True, checks: bool = True
) -> ValidationReport:
    """SHACL, OWL reasoning and quality checks over the graph plus ``extra_files``.

    The report has the machine result (``conforms``, ``problems``) and readable ``text``.
    """
    from kosovo_kg.curation.validation import run_validation

    return run_validation([os.fspath(path) for path in extra_files], reasoning=reasoning, checks=checks)


def export(rdf_format: str = "turtle", *, graph: KnowledgeGraph | None = None) -> bytes:
    """The graph serialized as ``turtle``, ``jsonld``, ``nt`` or ``xml``."""
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.publish.export import serialize_graph

    return serialize_graph(graph if graph is not None else load_graph(), rdf_format)
