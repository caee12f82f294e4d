"""A query's dataset: the graphs FROM and FROM NAMED (or the SPARQL protocol's default-graph-uri and
named-graph-uri) choose, always among the graphs the store already holds.

Each loaded file is a graph named by its URL (and the derived date bounds and RDFS entailments
are graphs of their own). A FROM that names one of them selects it, as Oxigraph's server does; an
IRI that names none is refused with a message that says so, since no engine here fetches a graph
(Oxigraph never does; the rdflib engine is told not to, see ``engines.RdflibEngine``). The check
is the friendly answer, not the guard: it reads the clauses with the screens' lexer, and whatever
it would miss, the engines still fetch nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pyoxigraph as ox

from kosovo_kg.errors import QueryError
from kosovo_kg.namespaces import PREFIXES
from kosovo_kg.querying.sparqltext import expand_codepoint_escapes, has_keyword, tokens

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph


def graph_names(kg: KnowledgeGraph) -> frozenset[str]:
    """The IRIs of the store's named graphs: what a dataset may be made of."""
    return frozenset(name.value for name in kg.store.named_graphs() if isinstance(name, ox.NamedNode))


def dataset_clauses(query: str, base_iri: str | None = None) -> list[tuple[str, str]]:
    """``("FROM" or "FROM NAMED", IRI)`` for each dataset clause, the IRI resolved against the
    query's BASE and ``base_iri`` and its prefixed names expanded, as the engines read them.

    >>> dataset_clauses("PREFIX g: <http://g.test/> SELECT * FROM g:a FROM NAMED <b> { }", "http://x.test/q.rq")
    [('FROM', 'http://g.test/a'), ('FROM NAMED', 'http://x.test/b')]
    """
    if not has_keyword(query, "FROM"):
        return []
    prologue: list[str] = [f"PREFIX {name}: <{namespace}>" for name, namespace in PREFIXES.items()]
    found: list[tuple[str, str]] = []
    words = list(tokens(query))
    in_prologue = True
    for index, token in enumerate(words):
        keyword = token.text.upper() if token.kind == "word" and ":" not in token.text else ""
        if in_prologue and keyword == "BASE" and index + 1 < len(words):
            prologue.append(f"BASE {words[index + 1].text}")
        elif in_prologue and keyword == "PREFIX" and index + 2 < len(words):
            prologue.append(f"PREFIX {words[index + 1].text} {words[index + 2].text}")
        elif keyword in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            in_prologue = False
        elif keyword == "FROM":
            named = index + 1 < len(words) and words[index + 1].text.upper() == "NAMED"
            at = index + (2 if named else 1)
            if at < len(words) and words[at].kind in ("iri", "word"):
                iri = _resolve("\n".join(prologue), words[at].text, base_iri)
                if iri is not None:
                    found.append(("FROM NAMED" if named else "FROM", iri))
    return found


def _resolve(prologue: str, term: str, base_iri: str | None) -> str | None:
    """An IRI or prefixed name of the query as an absolute IRI, by Oxigraph's own Turtle parser
    (Turtle takes SPARQL's PREFIX and BASE), or None when it cannot be read: the engine then
    reports the query's error itself."""
    document = f"{prologue}\n<urn:kosovo-kg:s> <urn:kosovo-kg:p> {term} .".encode()
    try:
        (quad,) = ox.parse(document, ox.RdfFormat.TURTLE, base_iri=base_iri)
    except (SyntaxError, ValueError):
        return None
    return quad.object.value if isinstance(quad.object, ox.NamedNode) else None


def check_dataset_clauses(query: str, graphs: Callable[[], Collection[str]], base_iri: str | None = None) -> None:
    """Raise :class:`QueryError` for a FROM or FROM NAMED whose IRI names no graph of ``graphs()``,
    which is asked for only when the query has such a clause (most have none).

    The clauses are read as written and with codepoint escapes expanded (rdflib reads the query so).

    >>> check_dataset_clauses("SELECT * FROM <http://nowhere.test/g> { ?s ?p ?o }", lambda: {"file:///data.ttl"})
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryError: FROM <http://nowhere.test/g> names no graph of this dataset: a query's graphs are chosen among the loaded ones (each file is a graph named by its URL, such as <file:///data.ttl>); no graph is ever fetched
    """
    texts = [query]
    if "\\U" in query.upper():
        texts.append(expand_codepoint_escapes(query))
    names: Collection[str] | None = None
    for text in texts:
        for clause, iri in dataset_clauses(text, base_iri):
            names = graphs() if names is None else names
            if iri not in names:
                raise QueryError(f"{clause} <{iri}> {_outside(names)}")


def check_protocol_dataset(parameter: str, iris: Collection[str], graphs: Collection[str]) -> None:
    """Raise :class:`QueryError` for a default-graph-uri or named-graph-uri that is not an IRI or
    names no graph in ``graphs``."""
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise QueryError(f"{parameter} {iri!r} is not an absolute IRI: {error}") from None
        if iri not in graphs:
            raise QueryError(f"{parameter} <{iri}> {_outside(graphs)}")


def _outside(graphs: Collection[str]) -> str:
    example = next((g for g in sorted(graphs) if g.startswith("file:")), None)
    such = f", such as <{example}>" if example else ""
    return (
        "names no graph of this dataset: a query's graphs are chosen among the loaded ones "
        f"(each file is a graph named by its URL{such}); no graph is ever fetched"
    )
