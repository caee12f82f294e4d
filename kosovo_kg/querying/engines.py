"""The engines behind one interface: embedded Oxigraph (the default), embedded rdflib, and (see
:mod:`kosovo_kg.querying.remote`) a SPARQL endpoint over HTTP; :func:`make_engine` picks one by
its ``--engine`` name. Every engine returns a :class:`~kosovo_kg.querying.results.Result` of
pyoxigraph terms. Also the words of the embedded engines' failures, and the read-only screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from kosovo_kg.errors import OptionError, QueryError, QueryRefused
from kosovo_kg.namespaces import PREFIXES
from kosovo_kg.querying.remote import RemoteEngine, one_line_reason, plain_reason, service_failure
from kosovo_kg.querying.results import Result
from kosovo_kg.querying.sparqltext import has_keyword, may_name_keyword, operation_keyword, tokens

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from typing import Any, Protocol

    from kosovo_kg.core.store import KnowledgeGraph

    class Engine(Protocol):
        name: str

        def query(self, query: str, base_iri: str | None = None) -> Result: ...


ENGINES = ("oxigraph", "rdflib")
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


class OxigraphEngine:
    """Embedded Oxigraph, the default: nothing to start, and the fastest here."""

    name = "oxigraph"

    def __init__(self, kg: KnowledgeGraph):
        self.store = kg.store

    def query(self, query: str, base_iri: str | None = None) -> Result:
        try:
            answer = oxigraph_query(self.store, query, base_iri)
            # Evaluation is lazy: a SERVICE that fails does so while the rows are read, so
            # they are read inside the try.
            if isinstance(answer, ox.QueryBoolean):
                return Result("ask", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                variables = [v.value for v in answer.variables]
                # a solution iterates its values in the order of the variables
                rows = [tuple(solution) for solution in answer]
                return Result("select", variables, rows)
            return Result("graph", triples=list(answer))
        except SyntaxError as error:
            raise QueryError(syntax_message(str(error), query)) from error
        except OSError as error:  # a SERVICE endpoint that refused or failed
            answered = re.match(r"Error \d{3}\b", str(error)) is not None  # Oxigraph: "Error 500 ... returned by URL"
            raise service_failure(query, one_line_reason(str(error)), answered) from error
        except RuntimeError as error:  # what Oxigraph cannot evaluate: a function it does not have
            raise QueryError(oxigraph_failure(error)) from error


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED), as Oxigraph reads it: Oxigraph
    expands no codepoint escape outside strings and IRIs, so the text is read as written."""
    return has_keyword(query, "FROM")


def oxigraph_query(
    store: ox.Store,
    query: str,
    base_iri: str | None = None,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """``Store.query`` as every embedded Oxigraph query runs: the project's prefixes, a base IRI,
    and the dataset. That is the union of the store's graphs as the default graph and each graph
    as a named graph, unless the query names its own (FROM, FROM NAMED: graphs of the store,
    never fetched) or the request does (``default_graphs``/``named_graphs``, the SPARQL protocol's
    default-graph-uri and named-graph-uri, which override the query's, as the protocol says).

    ``use_default_graph_as_union`` would also override the query's FROM (measured: a FROM was
    ignored), so a query that names its graphs runs without it.
    """
    if default_graphs is not None or named_graphs is not None:
        return store.query(
            query,
            base_iri=base_iri,
            prefixes=PREFIXES,
            default_graph=[ox.NamedNode(iri) for iri in default_graphs or ()],
            named_graphs=[ox.NamedNode(iri) for iri in named_graphs or ()],
        )
    union = not has_dataset_clause(query)
    return store.query(query, base_iri=base_iri, prefixes=PREFIXES, use_default_graph_as_union=union)


def oxigraph_failure(error: RuntimeError) -> str:
    """Oxigraph's words for a query it parsed and cannot evaluate, for a person.

    >>> oxigraph_failure(RuntimeError("The custom function <http://example/f> is not supported"))
    'query failed: the function <http://example/f> is not supported by the oxigraph engine (it has the functions of SPARQL 1.1 and the XSD casts)'
    """
    text = " ".join(str(error).split())
    unsupported = re.fullmatch(r"The custom function (<[^>]*>) is not supported", text)
    if unsupported:
        return (
            f"query failed: the function {unsupported.group(1)} is not supported by the oxigraph engine "
            "(it has the functions of SPARQL 1.1 and the XSD casts)"
        )
    return f"query failed on oxigraph: {text}"


class RdflibEngine:
    """Embedded rdflib, the reference engine, over :attr:`KnowledgeGraph.rdflib_dataset`: each
    file's triples as written (Oxigraph's store rewrites numbers, rdflib must not see that), each in
    its named graph, with the union of all as the default graph, as on Oxigraph."""

    name = "rdflib"

    def __init__(self, kg: KnowledgeGraph):
        import rdflib.plugins.sparql

        # FROM and FROM NAMED select graphs of the dataset; rdflib would fetch an IRI that names
        # none (and read a file: URL). Never: whatever the screens in front let through.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.dataset = kg.rdflib_dataset

    def query(self, query: str, base_iri: str | None = None) -> Result:
        from pyparsing.exceptions import ParseException

        from kosovo_kg.core.rdf import from_rdflib

        # rdflib evaluates while the answer is read: everything rdflib does is inside the try,
        # the conversion of its terms (this package's code) after it, so a bug of ours still
        # surfaces as one.
        try:
            answer: Any = self.dataset.query(query, initNs=PREFIXES, base=base_iri)
            kind = answer.type
            if kind == "ASK":
                return Result("ask", boolean=bool(answer.askAnswer))
            if kind == "SELECT":
                # the bindings, not the Result's rows: iterating the Result skips a row in which
                # no variable is bound, and such a row is an answer (OPTIONAL that matched nothing)
                bindings = list(answer.bindings)
                names = list(answer.vars or ())
            else:
                triples = list(answer.graph)
        except ParseException as error:
            raise QueryError(f"syntax error at line {error.lineno}, column {error.col}: {error.msg}") from error
        except OSError as error:  # a SERVICE endpoint that cannot be reached or failed (urllib's URLError)
            import urllib.error

            answered = isinstance(error, urllib.error.HTTPError)
            raise service_failure(query, plain_reason(getattr(error, "reason", error)), answered) from error
        except RecursionError as error:
            raise QueryError("query failed on rdflib: it nests too deeply for rdflib's evaluator") from error
        except Exception as error:  # rdflib's own failures: a bad regex (re.error), COALESCE(), ...
            raise QueryError(rdflib_failure(error)) from error
        if kind == "SELECT":
            from rdflib.term import Identifier

            variables = [str(v) for v in names]
            for binding in bindings:
                for value in binding.values():
                    if value is not None and not isinstance(value, Identifier):  # COALESCE(): a bare Python str
                        raise QueryError(f"query failed on rdflib: it computed {value!r}, which is not an RDF term")
            rows = [
                tuple(None if (value := binding.get(v)) is None else from_rdflib(value) for v in names)
                for binding in bindings
            ]
            return Result("select", variables, rows)
        return Result(
            "graph", triples=[ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in triples]
        )


def rdflib_failure(error: Exception) -> str:
    """rdflib's words for a query it could not evaluate, on one line, with the kind of failure
    where its message alone would not say it.

    >>> import re
    >>> rdflib_failure(re.error("unterminated character set", pattern="[", pos=0))
    'query failed on rdflib: invalid regular expression: unterminated character set at position 0'
    >>> rdflib_failure(Exception("Unknown namespace prefix : foo"))
    'query failed on rdflib: Unknown namespace prefix : foo'
    """
    text = " ".join(str(error).split())
    if isinstance(error, re.error):
        return f"query failed on rdflib: invalid regular expression: {text}"
    if type(error) is Exception:  # rdflib reports much (an unknown prefix, say) as a bare Exception
        return f"query failed on rdflib: {text}"
    return (
        f"query failed on rdflib: {type(error).__name__}: {text}"
        if text
        else f"query failed on rdflib: {type(error).__name__}"
    )


def make_engine(engine: str, kg: KnowledgeGraph | None, timeout: float | None = None) -> Engine:
    """The engine named by ``--engine``: embedded ones query ``kg``, a URL is queried over HTTP."""
    if engine.startswith(("http://", "https://")):
        return RemoteEngine(engine, timeout)
    if engine not in ENGINES:
        raise OptionError(f"unknown engine {engine!r}: use oxigraph, rdflib or the URL of a SPARQL endpoint")
    if kg is None:
        raise OptionError(f"the {engine} engine needs a loaded graph")
    return OxigraphEngine(kg) if engine == "oxigraph" else RdflibEngine(kg)


def refuse_update(query: str) -> None:
    """The graph is read-only: SPARQL Update operations are refused before any engine sees them.

    The query is tokenized only when an update keyword may stand in it
    (:func:`~kosovo_kg.querying.sparqltext.may_name_keyword`: stored queries' headers say "with"
    in prose, and tokenizing costs a one-off query more than running it).
    """
    if not may_name_keyword(query, _UPDATE_WORDS):
        return
    word = operation_keyword(query)
    if word in _UPDATE_WORDS:
        raise QueryRefused(f"refused: {word} is a SPARQL Update operation and the graph is read-only")


def syntax_message(raw: str, query: str = "") -> str:
    """Oxigraph's "error at 2:9: ..." in the same words as rdflib's errors, on one line.

    >>> syntax_message("error at 2:9: expected one of LATERAL, SERVICE, [_]")
    'syntax error at line 2, column 9: expected one of LATERAL, SERVICE, [_]'
    >>> syntax_message("error at 1:22: expected one of Prefix not found, ['%']", "SELECT * { ?s foo:bar ?o }")
    "syntax error at line 1, column 22: unknown prefix 'foo:'; declare it with PREFIX foo: <…>"
    """
    detail, where = raw, ""
    match = re.match(r"error at (\d+):(\d+): (.*)", raw, re.DOTALL)
    if match:
        where, detail = f" at line {match.group(1)}, column {match.group(2)}", match.group(3)
    if "Prefix not found" in detail:
        words = [t.text for t in tokens(query) if t.kind == "word"]
        declared = {words[i + 1].lower() for i, w in enumerate(words[:-1]) if w.upper() == "PREFIX"}
        unknown = [w.split(":", 1)[0] for w in words if ":" in w and w.split(":", 1)[0].lower() not in PREFIXES]
        unknown = [name for name in unknown if f"{name.lower()}:" not in declared]
        if unknown:
            name = unknown[0]
            return f"syntax error{where}: unknown prefix '{name}:'; declare it with PREFIX {name}: <…>"
    # Oxigraph lists every character class it expected, over several lines: one line, cut short.
    detail = " ".join(detail.split())
    if len(detail) > 200:
        detail = detail[:200] + "…"
    return f"syntax error{where}: {detail}"
