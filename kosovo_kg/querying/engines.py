"""Query engines behind one interface: embedded Oxigraph (default), embedded rdflib, remote endpoint.

Every engine returns a :class:`Result` whose terms are pyoxigraph terms. The embedded engines give
the terms as they computed them (as pyoxigraph and rdflib do when used directly, which is what the
W3C test suite holds them to); a remote endpoint's numbers and booleans are put in normal form,
and so are a stored query's answers on every engine (:func:`normal_result`), so that a stored
query gives equal rows on each.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox

from kosovo_kg.errors import EngineError, EngineUnavailable, OptionError, QueryError, QueryRefused, QueryTimeout
from kosovo_kg.namespaces import PREFIXES, XSD, XSD_STRING
from kosovo_kg.querying.sparqltext import code_lines, keywords, operation_keyword, tokens

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    import http.client
    from typing import Any, Literal, Protocol

    from kosovo_kg.core.store import KnowledgeGraph

    class Engine(Protocol):
        name: str

        def query(self, query: str, base_iri: str | None = None) -> Result: ...

    RowBase = Mapping[str, Any]
else:
    RowBase = Mapping  # subscripted only for the type checker: typing is not imported here

Term = ox.NamedNode | ox.BlankNode | ox.Literal

ENGINES = ("oxigraph", "rdflib")
#: The last words of the body Oxigraph server sends, with HTTP 200, when it cancels a query.
OXIGRAPH_CANCELLED = "The SPARQL operation has been cancelled"
#: The endpoint federated queries name in their SERVICE clauses; ``wikidata_endpoint`` replaces it.
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
#: Seconds a remote endpoint may take to connect or send data when no --timeout is given.
DEFAULT_REMOTE_TIMEOUT = 60.0
#: The largest answer read from a remote endpoint: a server that never stops sending cannot fill memory.
MAX_REMOTE_ANSWER = 1 << 30
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


class Row(RowBase):
    """One solution: ``row["name"]`` is the value as Python, ``row.term("name")`` the RDF term.

    Values are typed by their datatype (``str``, ``int``, ``Decimal``, ``float``, ``bool``,
    ``datetime.date`` or ``None`` when unbound), so they are ``Any`` to a type checker, as a
    database row's are.
    """

    def __init__(self, variables: list[str], terms: tuple[Term | None, ...]):
        self._variables, self._terms = variables, terms

    def term(self, name: str) -> Term | None:
        return self._terms[self._variables.index(name)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._variables:
            raise KeyError(name)
        return to_python(self.term(name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"


class Result:
    """What a query returned: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    def __init__(
        self,
        kind: Literal["select", "ask", "graph"],
        variables: list[str] | None = None,
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ):
        self.kind = kind
        self.variables = variables if variables is not None else []
        self.rows = rows if rows is not None else []
        self.boolean = boolean
        self.triples = triples if triples is not None else []

    def __repr__(self) -> str:
        size = f"{len(self)} rows" if self.kind == "select" else f"{len(self.triples)} triples"
        return f"<Result {self.kind}: {self.boolean if self.kind == 'ask' else size}>"

    def __iter__(self) -> Iterator[Row]:
        return (Row(self.variables, terms) for terms in self.rows)

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


def to_python(term: Term | None) -> object:
    """An RDF term as a plain Python value: IRIs as strings, numbers, dates and booleans typed.

    >>> to_python(ox.Literal("4500", datatype=ox.NamedNode(XSD + "integer")))
    4500
    >>> to_python(ox.Literal("2012-07", datatype=ox.NamedNode(XSD + "gYearMonth")))
    '2012-07'
    """
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value
    datatype = term.datatype.value
    # decimal and datetime are imported where a value needs them: a one-off query may not
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == XSD + "decimal":
            from decimal import Decimal

            return Decimal(term.value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value):
            import datetime

            return datetime.date.fromisoformat(term.value)
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        pass
    return term.value


def normal_term(term: Term | None) -> Term | None:
    """Numbers and booleans in one lexical form (their normal form, not RDFC-1.0's canonical labels), so engines that print 4.0 and 4.00 give equal rows.

    Virtuoso writes every boolean as ``"1"`` or ``"0"``, lexical forms XSD allows for true and false:

    >>> normal_term(ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean"))).value
    'true'
    """
    if not isinstance(term, ox.Literal):
        return term
    datatype = term.datatype.value
    if datatype == XSD_STRING:  # most cells: nothing to do
        return term
    if datatype == XSD + "boolean":
        if term.value in ("1", "0"):
            return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
        return term
    try:
        if datatype in _INTEGER_TYPES:
            return ox.Literal(str(int(term.value)), datatype=term.datatype)
        if datatype == XSD + "decimal":
            from decimal import Decimal

            value = Decimal(term.value).normalize()
            text = format(value, "f")
            return ox.Literal(text if "." in text else text + ".0", datatype=term.datatype)
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        pass
    return term


def normal_result(result: Result) -> Result:
    """The result with every number and boolean in :func:`normal_term` form (a stored query's answer)."""
    if result.kind == "select":
        result.rows = [tuple(map(normal_term, row)) for row in result.rows]
    elif result.kind == "graph":
        result.triples = [
            ox.Triple(t.subject, t.predicate, normal_term(t.object) or t.object)
            if isinstance(t.object, ox.Literal)
            else t
            for t in result.triples
        ]
    return result


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
    return "FROM" in code_lines(query) and "FROM" in keywords(query)


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
            raise service_failure(query, _reason(getattr(error, "reason", error)), answered) from error
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


class RemoteEngine:
    """Any SPARQL 1.1 endpoint over HTTP; the default prefixes are declared in the text it sends.

    ``timeout`` is the HTTP client's: it bounds the connection and each wait for data, and the
    whole exchange is cut at the same limit once the answer starts (a slow trickle cannot last).
    """

    def __init__(self, url: str, timeout: float | None = None):
        self.name = self.url = url
        self.timeout = timeout

    def query(self, query: str, base_iri: str | None = None) -> Result:
        import http.client
        import urllib.error
        import urllib.parse
        import urllib.request

        declared = {t.text[:-1].lower() for t in tokens(query) if t.kind == "word" and t.text.endswith(":")}
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
        if base_iri is not None:  # the query's own BASE, if it has one, comes later and wins
            prologue = f"BASE <{base_iri}>\n" + prologue
        text = prologue + query
        body = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            },
        )
        started = time.monotonic()
        limit = self.timeout or DEFAULT_REMOTE_TIMEOUT
        try:
            with urllib.request.urlopen(request, timeout=limit) as response:
                content_type = response.headers.get("Content-Type", "")
                payload = self._read(response, started)
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace").strip()[:500]
            raise QueryError(f"{self.url} answered HTTP {error.code}: {detail or error.reason}") from error
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(f"{self.url} did not answer within {_seconds(limit)}") from error
            raise unreachable(self.url, _reason(reason)) from error
        except http.client.HTTPException as error:  # a broken status line, a body cut short
            raise EngineError(f"{self.url} sent a broken HTTP answer: {type(error).__name__} {error}") from error
        except ValueError as error:  # http.client's InvalidURL: a port out of range, a bad host
            raise OptionError(f"--engine {self.url!r} is not a usable URL: {error}") from error
        return self._parse(payload, content_type)

    def _parse(self, payload: bytes, content_type: str) -> Result:
        """The endpoint's answer as a :class:`Result`, or :class:`EngineError` when it cannot be read.

        Both parsers are lazy: rows and triples are read inside the ``try`` so that a body
        that goes wrong halfway is reported, not raised as a parser's own error.
        """
        if payload.rstrip().endswith(OXIGRAPH_CANCELLED.encode()):
            raise QueryTimeout(f"{self.url} cancelled the query: it ran past that server's own time limit")
        try:
            if "n-triples" in content_type or "turtle" in content_type:
                fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in content_type else ox.RdfFormat.TURTLE
                return Result("graph", triples=[q.triple for q in ox.parse(payload, fmt)])
            answer = ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
            if isinstance(answer, ox.QueryBoolean):
                return Result("ask", boolean=bool(answer))
            variables = [v.value for v in answer.variables]
            return Result("select", variables, [tuple(map(normal_term, solution)) for solution in answer])
        except (SyntaxError, ValueError) as error:  # UnicodeDecodeError is a ValueError
            kind = content_type.split(";")[0].strip() or "no content type"
            detail = " ".join(str(error).split())[:300]
            raise EngineError(f"{self.url} sent results that cannot be read ({kind}): {detail}") from error

    def _read(self, response: http.client.HTTPResponse, started: float) -> bytes:
        """The body, no larger than :data:`MAX_REMOTE_ANSWER` and, with a time limit, no slower."""
        chunks, size = [], 0
        while chunk := response.read(1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REMOTE_ANSWER:
                raise EngineError(f"{self.url} sent more than {MAX_REMOTE_ANSWER >> 20} MiB; add a LIMIT to the query")
            if self.timeout is not None and time.monotonic() - started > self.timeout:
                raise QueryTimeout(f"{self.url} did not finish its answer within {_seconds(self.timeout)}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and size < int(declared):  # http.client's read(n) does not say so itself
            raise EngineError(f"{self.url} sent a broken HTTP answer: cut short at {size} of {declared} bytes")
        return b"".join(chunks)


def unreachable(url: str, reason: str) -> EngineUnavailable:
    """The error for an endpoint that cannot be reached, with its address (exit 3)."""
    error = EngineUnavailable(f"cannot reach the SPARQL endpoint {url}: {reason}")
    error.url = url
    return error


def service_iris(query: str) -> list[str]:
    """The IRIs that the query's SERVICE clauses name, as written (``<…>`` removed)."""
    found, words = [], [t for t in tokens(query) if t.kind in ("word", "iri")]
    for index, token in enumerate(words[:-1]):
        if token.kind == "word" and token.text.upper() == "SERVICE":
            target = words[index + 1]
            if target.kind == "word" and target.text.upper() == "SILENT" and index + 2 < len(words):
                target = words[index + 2]
            if target.kind == "iri":
                found.append(target.text[1:-1])
    return found


def service_failure(query: str, reason: str, answered: bool) -> QueryError | EngineUnavailable:
    """A SERVICE clause that failed: an endpoint that answered with an error is the query's
    failure (exit 2); one that could not be reached is a missing engine (exit 3), named by URL."""
    if answered:
        return QueryError(f"query failed: {reason}")
    endpoints = list(dict.fromkeys(service_iris(query)))
    if len(endpoints) == 1:
        return unreachable(endpoints[0], reason)
    named = f" ({', '.join(endpoints)})" if endpoints else ""
    return EngineUnavailable(f"cannot reach the SPARQL endpoint of a SERVICE clause{named}: {reason}")


def one_line_reason(text: str) -> str:
    """Oxigraph's message on one line, without the error number it adds ("(os error 111)"), as
    urllib's reason reads for the other engines."""
    return re.sub(r" \(os error \d+\)$", "", " ".join(text.split()))


def _reason(reason: object) -> str:
    """An OS error's words without its number: 'Connection refused', not '[Errno 111] ...'."""
    return getattr(reason, "strerror", None) or str(reason)


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")


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

    The query is tokenized only when an update keyword appears outside its whole-line comments
    (stored queries' headers say "with" in prose, and tokenizing costs a one-off query more
    than running it); a line that starts with ``#`` is a comment or the inside of a long
    string, never a keyword.
    """
    if not any(word in code_lines(query) for word in _UPDATE_WORDS):
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
