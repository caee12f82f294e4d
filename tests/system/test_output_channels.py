"""Every output channel escapes for its own grammar: labels full of markup, control characters
and line breaks (hypothesis) are pushed through each, and each output must read back, in its own
grammar, as the same structure it has with a plain label, the label shown and never obeyed.

The channels: the terminal (``--format table`` and every message), the access log, CHANGES.md
(Markdown), CITATION.cff (YAML), the charts (SVG) and the HTML pages. (Which URL schemes a
page's links may carry is the pages' own test; here, no element is injected.)
"""

from __future__ import annotations

import collections
import io
import re
import xml.dom.minidom

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kosovo_kg.cli.options import one_line
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.core.terminal import terminal_text
from kosovo_kg.namespaces import KKR, RDFS_LABEL
from kosovo_kg.publish.changes import Release, render_changes
from kosovo_kg.querying.output import to_table
from kosovo_kg.querying.results import Result

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: The pieces an injection into some channel would be made of.
PIECES = st.sampled_from(
    [
        "\n", "\r", "\r\n", "\t", "\x00", "\x07", "\x1b", "\x1b[2J", "\x1b]0;owned\x07", "\x1b]8;;http://x.test\x1b\\",
        "\x85", "\x9b31m", "\u2028", "\u202e", "\u200b", "\ufeff", "<script>alert(1)</script>", "<img src=x onerror=1>",
        "</td></tr></table>", "&amp;", "&#60;", "-->", "<!--", "]]>", "**", "__", "`", "```", "[x](javascript:1)",
        "![i](x)", "# ", "## ", "- ", "| a | b |", "\\", "$", "$x^2$", "\\frac{1}{0}", "{{ 7*7 }}", "{% x %}", '"', "'",
        ": ", "- x", "&anchor", "*alias", "!!python/object", "%YAML", "---", "...", "? ", "@", "~", "0x1F", "1e3",
        "2026-01-01", "null", "yes", "é", "Вучић", "😀",
    ]
)  # fmt: skip
LABEL = st.lists(st.one_of(PIECES, st.text(max_size=4)), min_size=1, max_size=8).map("".join)
#: What no terminal may receive raw: C0 (but LF where a table keeps a value's lines), DEL, C1,
#: the line and paragraph separators, and format characters (bidirectional overrides).
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

THING = ox.NamedNode(KKR + "thing")
LABEL_OF = ox.NamedNode(RDFS_LABEL)


# --- the terminal ---------------------------------------------------------------------------------


@SETTINGS
@given(LABEL)
@example("\x1b]0;owned\x07\x1b[2J\r\u202eevil")
def test_the_terminal_gets_no_control_character(label):
    table = to_table(Result("select", ["value"], [(ox.Literal(label),)]), width=60)
    assert not RAW_CONTROL.search(table)
    message = one_line(f"error: {label}: not found")
    assert not RAW_CONTROL.search(message) and "\n" not in message
    # nothing is lost: what is shown is the label with its controls escaped, line by line
    wide = to_table(Result("select", ["value"], [(ox.Literal(label),)]), width=100_000)
    assert all(line in wide for line in terminal_text(label, newlines=True).split("\n"))


# --- the access log -------------------------------------------------------------------------------


@SETTINGS
@given(LABEL)
@example('/a%0A127.0.0.1 "GET / HTTP/1.1" 200\n')
def test_the_access_log_gets_one_printable_line_per_request(label):
    import asyncio

    from kosovo_kg.web.server import AccessLog

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def ignore(message):
        pass

    stream = io.StringIO()
    raw = label.encode("utf-8", "surrogatepass")
    scope = {"type": "http", "method": "GET", "path": label, "raw_path": raw, "query_string": raw, "client": (label, 1)}
    asyncio.run(AccessLog(app, stream)(scope, None, ignore))
    logged = stream.getvalue()
    assert logged.count("\n") == 1 and logged.endswith("\n")
    line = logged[:-1]
    assert all(" " <= c <= "~" for c in line)
    assert re.fullmatch(r'\S+ "GET [^"]*" 404 \d+\.\dms', line)


# --- CHANGES.md (Markdown) ------------------------------------------------------------------------


def markdown_shape(text: str) -> collections.Counter:
    """The Markdown's structure as markdown-it reads it: its block tokens and inline tokens by type
    (plain text aside: how many pieces it comes in varies with what it says)."""
    from markdown_it import MarkdownIt

    shape: collections.Counter = collections.Counter()
    for token in MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text):
        shape[token.type] += 1
        for child in token.children or ():
            if child.type != "text":
                shape["inline " + child.type] += 1
    return shape


def release_labelled(label: str, version: str) -> Release:
    kind = ox.NamedNode("https://w3id.org/kosovo-kg/ontology#Thing")
    return Release(
        version,
        "2026-11-30",
        [
            ox.Triple(THING, LABEL_OF, ox.Literal(label)),
            ox.Triple(THING, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), kind),
            ox.Triple(kind, LABEL_OF, ox.Literal(label)),
            ox.Triple(THING, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal(label + version)),
        ],
    )


@SETTINGS
@given(LABEL)
@example("**b** <b>x</b>\n# Injected heading\n```\n| a |")
def test_changes_md_reads_back_with_the_structure_a_plain_label_gives(label):
    changed = render_changes(release_labelled(label, "2"), release_labelled(label, "1"))
    plain = render_changes(release_labelled("plain", "2"), release_labelled("plain", "1"))
    assert markdown_shape(changed) == markdown_shape(plain)
    first = render_changes(release_labelled(label, "1"), None)
    assert markdown_shape(first) == markdown_shape(render_changes(release_labelled("plain", "1"), None))


# --- CITATION.cff (YAML) --------------------------------------------------------------------------


@SETTINGS
@given(LABEL)
@example("x\n- injected: true\nversion: 666 # ")
@example("\x85\u2028\u2029")
def test_citation_cff_reads_back_the_same_strings(label):
    import yaml

    from kosovo_kg.namespaces import KKG
    from kosovo_kg.publish.release.citation import CLDR, citation
    from kosovo_kg.publish.release.graph import ARTICLE

    label = "x" + label.replace("\x00", "")  # no NUL in an RDF literal a parser gives; never empty
    kg = KnowledgeGraph(
        [
            ox.Triple(ox.NamedNode(ARTICLE), ox.NamedNode(KKG + "title"), ox.Literal(label)),
            ox.Triple(ox.NamedNode(ARTICLE), ox.NamedNode(KKG + "url"), ox.Literal("https://en.wikipedia.org/x")),
            ox.Triple(ox.NamedNode(CLDR), ox.NamedNode(KKG + "title"), ox.Literal(label)),
            ox.Triple(ox.NamedNode(CLDR), ox.NamedNode(KKG + "work"), ox.Literal(label)),
        ]
    )
    text = citation(kg, "2026.11.30", "2026-11-30", label, "https://x.test/r")
    document = yaml.safe_load(text)
    assert list(document) == list(yaml.safe_load(citation(kg, "2026.11.30", "2026-11-30", "c", "https://x.test/r")))
    assert document["commit"] == label
    assert [reference["title"] for reference in document.get("references", [])] in ([label], [label, label])


# --- the charts (SVG) -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def polls_graph(kg):
    from kosovo_kg.publish.charts.data import chart_data

    pollster = chart_data("polls", kg).points[0]["pollster"]
    return kg, pollster


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(LABEL)
@example("$\\frac{1}{0}$ costs $5 <script>alert(1)</script> \x1b]0;x\x07 --")
def test_a_chart_draws_any_label_as_text_into_well_formed_svg(polls_graph, label):
    import warnings

    from kosovo_kg.publish.charts.drawing import render_chart

    kg, pollster = polls_graph
    triples = [
        ox.Triple(t.subject, t.predicate, ox.Literal(label))
        if isinstance(t.object, ox.Literal) and t.object.value == pollster
        else t
        for t in kg.triples
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph the font lacks (an emoji) is drawn as a box
        svg = render_chart("polls", KnowledgeGraph(triples), "svg")
    document = xml.dom.minidom.parseString(svg)
    assert document.documentElement.tagName == "svg"
    assert not document.getElementsByTagName("script")


# --- the HTML pages -------------------------------------------------------------------------------


def html_shape(page: str) -> collections.Counter:
    import html5lib

    tree = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    return collections.Counter((element.tag, tuple(sorted(element.attrib))) for element in tree.iter())


def resource_page(label: str) -> str:
    from kosovo_kg.publish.pages import Pages
    from kosovo_kg.publish.profiles import describe, profile_page, profile_queries
    from kosovo_kg.querying.pipeline import QueryOptions, evaluate

    other = ox.NamedNode(KKR + "other")
    kg = KnowledgeGraph(
        [
            ox.Triple(THING, LABEL_OF, ox.Literal(label)),
            ox.Triple(THING, LABEL_OF, ox.Literal(label, language="sq")),
            ox.Triple(THING, ox.NamedNode(KKR + "says"), ox.Literal(label)),
            ox.Triple(THING, ox.NamedNode(KKR + "links"), other),
            ox.Triple(other, LABEL_OF, ox.Literal(label)),
        ]
    )
    found = describe(kg, THING.value)
    assert found is not None
    pages = Pages(kg, allow_federation=False)
    options = QueryOptions()
    answers = {spec.query: evaluate(prepared, kg, options) for spec, prepared in profile_queries(pages, THING.value)}
    return profile_page(pages, THING.value, *found, answers)


@SETTINGS
@given(LABEL)
@example('"><script>alert(1)</script><img src=x onerror=alert(1)>')
def test_an_html_page_parses_with_no_injected_element(label):
    assert html_shape(resource_page(label)) == html_shape(resource_page("plain"))


@SETTINGS
@given(LABEL)
@example("nul\x00esc\x1b[31mdel\x7fc1\x85nonchar\ufffe")
def test_an_html_page_holds_no_character_html_cannot_hold(label):
    """A NUL, an ESC or a noncharacter of a label is a parse error wherever it lands in HTML, escaped
    or not (html5lib: invalid-codepoint); each is shown as U+FFFD."""
    import html5lib

    parser = html5lib.HTMLParser()
    parser.parse(resource_page(label))
    assert [error for _, error, _ in parser.errors if error == "invalid-codepoint"] == []
