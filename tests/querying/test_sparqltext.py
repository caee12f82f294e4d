"""The federation screen against Oxigraph's own parser, on generated queries.

Each query puts a few tricky fragments (comment marks and line ends, quotes, escapes, prefixed
names, dots, angle brackets, language tags, codepoint escapes) before a SERVICE clause. The oracle
is Oxigraph itself: a SERVICE to port 9 makes pyoxigraph fail with "The port 9 is not allowed"
as soon as it evaluates the clause, before any connection is made. Whenever Oxigraph got that
far, the screen must have refused the query. On main's lexer this found 97 bypasses in 200,000
random queries (all comments ended by CR); on this one, none.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kosovo_kg.errors import FederationRefused
from kosovo_kg.querying.sparqltext import refuse_federation

FRAGMENTS = [
    "#", "\r", "\n", " ", "\t", "\u00a0", "\u2028", "'", '"', "'''", '"""', "\\", "\\#", "\\.", "ex:a", "ex:",
    ":", ".", "true", "?s", "?p", "?o", "<", ">", "<http://x.test/>", "_:b", "@en", "-", "(", ")", "FILTER(",
    "BIND(", "AS", "1", "e", "\\u0053", "SERVICE", "ERVICE", ";", ",", "a", "^^", "xsd:string", "%41",
]  # fmt: skip
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """A graph in which the patterns before the SERVICE match, so that Oxigraph evaluates it."""
    graph = ox.Store()
    subject, predicate = ox.NamedNode("http://x.test/s"), ox.NamedNode("http://x.test/p")
    for value in (
        ox.Literal("o"),
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
        ox.NamedNode("http://x.test/a"),
    ):
        graph.add(ox.Quad(subject, predicate, value))
    return graph


def oxigraph_runs_the_service(store: ox.Store, query: str) -> bool:
    try:
        list(store.query(query))
    except OSError as error:
        return "port 9" in str(error)
    except (SyntaxError, ValueError, TypeError):
        return False
    return False


@settings(
    max_examples=4000, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6))
def test_whenever_oxigraph_runs_a_service_the_screen_refuses_the_query(store, fragments):
    middle = "".join(fragments)
    query = (
        "PREFIX ex: <http://x.test/> SELECT * WHERE { ?s ?p ?o "
        + middle
        + " SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }"
    )
    if oxigraph_runs_the_service(store, query):
        with pytest.raises(FederationRefused):
            refuse_federation(query)


@pytest.mark.parametrize(
    "hiding",
    [
        'BIND("""\n# """ AS ?x)',  # a long string whose closing line starts with #
        'BIND("\x85# " AS ?x)',  # a line break of Python's, not of SPARQL's, inside a short string
        'BIND("\u2028# " AS ?x)',
        "# a comment\r. ?s ?p ?o .",  # a comment ended by CR alone
    ],
)
def test_a_keyword_after_what_looks_like_a_comment_line_is_still_seen(store, hiding):
    # regression: the pre-check dropped every line that starts with #, and split lines where Python
    # does: SERVICE after such a line went unseen, and the command line fetched the URL
    query = "SELECT * WHERE { ?s ?p ?o " + hiding + " SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }"
    assert oxigraph_runs_the_service(store, query)
    with pytest.raises(FederationRefused):
        refuse_federation(query)


def test_the_oracle_sees_a_service_and_a_syntax_error(store):
    assert oxigraph_runs_the_service(store, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }")
    assert not oxigraph_runs_the_service(store, "SELECT * WHERE { # SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }\n}")


# --- The nesting guard against Oxigraph's own parser ----------------------------------------------
#
# Each query puts tricky fragments (angle brackets that are an IRI or the less-than operator, comment
# marks and line ends, quotes, escapes) around runs of parentheses inside a FILTER. The oracle is
# Oxigraph itself, parsing in a thread with a 256 KiB stack in a forked child: there it overflows
# (the child dies on a signal) at some 100 to 160 levels, where the 8 MiB stack of a process's main
# thread lasts a few thousand. Whenever it overflowed, the query nests deeper than the guard's
# limit of 64 in the reading Oxigraph made of it, and the guard must have refused it. The lexer
# the guard used before took "<((((1))))>" for an IRI where Oxigraph read the operator "<" and
# the parentheses, and let such a query crash the command line (SIGSEGV).

DEEP = 160
#: What can make two lexers read a text differently: "<" (an IRI, or the operator), comment marks,
#: line ends, quotes, escapes, and a few IRIs and names that hold them.
NESTING_FRAGMENTS = [
    "<", ">", "#", "\r", "\n", "'", '"', "'" * 3, "\\", " ", "?o", "1", "(", ")", "<#>", "<a'>", "ex:a\\#",
]  # fmt: skip
around = st.lists(st.sampled_from(NESTING_FRAGMENTS), max_size=3).map("".join)


def oxigraph_overflows(query: str) -> bool:
    import os
    import threading

    pid = os.fork()
    if pid == 0:  # the child: parse on a small stack, then leave at once
        try:
            threading.stack_size(256 << 10)

            def parse() -> None:
                try:
                    ox.Store().query(query)
                except BaseException:
                    pass

            thread = threading.Thread(target=parse)
            thread.start()
            thread.join()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def test_the_oracle_overflows_on_deep_parentheses_only():
    shallow = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }"
    deep = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * DEEP + "1" + ")" * DEEP + ") }"
    assert not oxigraph_overflows(shallow) and oxigraph_overflows(deep)


def quoted_triples(depth: int, inside: str = " ") -> str:
    """A query whose object is ``depth`` quoted triples each in the next one's object."""
    return "PREFIX : <http://x.test/> ASK { ?s ?p " + ("<<" + inside + ":a :b ") * depth + ":c" + " >>" * depth + " }"


def test_the_oracle_overflows_on_deep_quoted_triples_too():
    assert not oxigraph_overflows(quoted_triples(40)) and oxigraph_overflows(quoted_triples(DEEP))


def test_quoted_triples_nested_past_the_limit_are_refused():
    # regression: << >> were not counted, and 20,000 of them crashed the command line (SIGSEGV)
    # and a server's worker, while 800 took Oxigraph 23 s to parse
    from kosovo_kg.errors import QueryRefused
    from kosovo_kg.querying.sparqltext import nesting_depth, refuse_deep_nesting

    refuse_deep_nesting(quoted_triples(60))
    assert nesting_depth(quoted_triples(60, inside=""))[0] == 61  # "<<:a" holds no IRI: the { and 60 <<
    for query in (quoted_triples(20000), quoted_triples(65, inside=""), quoted_triples(65).replace("<<", "<<(")):
        with pytest.raises(QueryRefused, match="quoted triples more than 64 deep"):
            refuse_deep_nesting(query)


def test_an_iri_that_ends_right_before_a_closing_is_not_a_nesting(store):
    # regression: in <c>>> the IRI's ">" started the pair, so each such quoted triple counted a level
    from kosovo_kg.querying.sparqltext import refuse_deep_nesting

    flat = (
        "ASK { "
        + " ".join(
            f"<< <http://x.test/a> <http://x.test/b> <http://x.test/c>>> <http://x.test/p> ?o{i} ." for i in range(70)
        )
        + " }"
    )
    store.query(flat)  # Oxigraph reads it: 70 quoted triples side by side, one level each
    refuse_deep_nesting(flat)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(around, around)
def test_whenever_oxigraph_overflows_on_quoted_triples_the_guard_refuses_the_query(inside, after):
    from kosovo_kg.errors import QueryRefused
    from kosovo_kg.querying.sparqltext import refuse_deep_nesting

    query = quoted_triples(DEEP, inside + " ") + after
    try:
        refuse_deep_nesting(query)
    except QueryRefused:
        return  # refused: the engine never sees it (Oxigraph is asked only of what the guard lets through)
    assert not oxigraph_overflows(query)


@settings(max_examples=1000, derandomize=True, deadline=None)
@given(around, around, around)
def test_whenever_oxigraph_overflows_the_nesting_guard_refuses_the_query(before, inside, after):
    from kosovo_kg.errors import QueryRefused
    from kosovo_kg.querying.sparqltext import refuse_deep_nesting

    query = "SELECT * WHERE { ?s ?p ?o FILTER(?o " + before + "(" * DEEP + inside + ")" * DEEP + after + " 1) }"
    try:
        refuse_deep_nesting(query)
    except QueryRefused:
        return  # refused: the engine never sees it (Oxigraph is asked only of what the guard lets through)
    assert not oxigraph_overflows(query)
