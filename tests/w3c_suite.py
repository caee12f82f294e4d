"""The W3C SPARQL 1.1 and DAWG (SPARQL 1.0) query tests: where they come from, what each test
asks, and how an answer is held against the one the manifest gives.

The tests are not kept in this repository. They ship inside rdflib's source distribution on
PyPI (``test/data/suites/w3c/``), and ``tests/run`` fetches that archive with pip, pinned to the
rdflib version of the virtual environment, and unpacks the two query suites into
``tests/.w3c-suite/rdflib-VERSION/`` (ignored by git)::

    python tests/w3c_suite.py fetch

Nothing else here reaches the network: the test module (tests/system/test_w3c_sparql.py) reads
what was unpacked. ``python tests/w3c_suite.py conformance`` writes docs/conformance.md and the
totals in docs/performance.md from the suites and tests/w3c-deviations.toml.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
#: The suites taken from the archive: SPARQL 1.1's and the DAWG's SPARQL 1.0 tests (data-r2).
SUITES = ("sparql11", "dawg-data-r2")
#: The addresses the manifests' tests were published under; results name them, the local copy is
#: read under its file: URLs, and both are compared with these put back (as rdflib's own runner does).
PUBLISHED = {
    "sparql11": "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/",
    "dawg-data-r2": "http://www.w3.org/2001/sw/DataAccess/tests/data-r2/",
}
#: SPARQL 1.1 folders with no query tests to run here: updates (the graph is read-only), the
#: entailment regimes (a separate specification; the engines implement simple entailment),
#: SERVICE against other endpoints, the protocol and service descriptions (HTTP exchanges, not
#: queries; the protocol behaviours are tested on serve in test_w3c_sparql.py).
SKIPPED_FOLDERS = {
    "add", "basic-update", "clear", "copy", "delete", "delete-data", "delete-insert", "delete-where",
    "drop", "move", "syntax-update-1", "syntax-update-2", "update-silent",
    "entailment", "service", "protocol", "service-description", "http-rdf-update",
}  # fmt: skip

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
DAWGT = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

KINDS = {
    MF + "PositiveSyntaxTest": "positive-syntax",
    MF + "PositiveSyntaxTest11": "positive-syntax",
    MF + "NegativeSyntaxTest": "negative-syntax",
    MF + "NegativeSyntaxTest11": "negative-syntax",
    MF + "QueryEvaluationTest": "evaluation",
    MF + "CSVResultFormatTest": "evaluation",
}
#: Tests the working group took back: their expected answers are not the specification's.
WITHDRAWN = {DAWGT + "Withdrawn"}

RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}


def rdflib_version() -> str:
    return importlib.metadata.version("rdflib")


def suite_root(version: str | None = None) -> Path:
    """Where the unpacked suites are (or will be) for this rdflib version."""
    return HERE / ".w3c-suite" / f"rdflib-{version or rdflib_version()}"


def is_fetched(version: str | None = None) -> bool:
    root = suite_root(version)
    return all((root / suite).is_dir() for suite in SUITES)


def fetch(version: str | None = None) -> Path:
    """Download rdflib's source distribution with pip and unpack the two query suites, once.

    Unpacked beside the final folder and renamed into place, so a run killed halfway leaves no
    half suite that later runs would take for a whole one.
    """
    version = version or rdflib_version()
    root = suite_root(version)
    if is_fetched(version):
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".download-") as scratch:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
        command += ["--no-binary", ":all:", "--no-deps", "--dest", scratch, f"rdflib=={version}"]
        subprocess.run(command, check=True)
        (archive,) = Path(scratch).glob("rdflib-*.tar.gz")
        unpacked = Path(scratch) / "unpacked"
        inside = f"rdflib-{version}/test/data/suites/w3c/"
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(tuple(inside + s + "/" for s in SUITES))]
            tar.extractall(unpacked, members=members, filter="data")
        staged = Path(scratch) / "staged"
        staged.mkdir()
        for suite in SUITES:
            (unpacked / inside / suite).rename(staged / suite)
        if root.exists():  # an incomplete copy from an older layout
            shutil.rmtree(root)
        staged.rename(root)
    return root


# --- the manifests --------------------------------------------------------------------------------


class Case(NamedTuple):
    """One test of a manifest."""

    id: str  #: suite/folder/name, as the deviations file and the test ids name it
    folder: str  #: suite/folder
    kind: str  #: positive-syntax, negative-syntax or evaluation
    query: Path
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None
    service_data: bool = False
    lax: bool = False  #: mf:resultCardinality mf:LaxCardinality or mf:LowerBound (REDUCED): duplicates may be fewer

    @property
    def suite(self) -> str:
        return self.folder.split("/")[0]


def _path(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Path:
    from urllib.parse import unquote, urlsplit

    assert isinstance(term, ox.NamedNode) and term.value.startswith("file:"), term
    return Path(unquote(urlsplit(term.value).path))


def _list(store: ox.Store, head: ox.NamedNode | ox.BlankNode | ox.Literal) -> list:
    items = []
    first, rest = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest")
    while head != ox.NamedNode(RDF + "nil"):
        assert not isinstance(head, ox.Literal)
        items.append(next(store.quads_for_pattern(head, first, None)).object)
        head = next(store.quads_for_pattern(head, rest, None)).object
    return items


def _objects(store: ox.Store, subject, predicate: str) -> list:
    return [quad.object for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def _manifest_cases(manifest: Path, root: Path) -> Iterator[Case]:
    store = ox.Store()
    store.load(path=manifest, format=ox.RdfFormat.TURTLE, base_iri=manifest.as_uri())
    this = ox.NamedNode(manifest.as_uri())
    for included in _objects(store, this, MF + "include"):
        for sub in _list(store, included):
            folder = _path(sub).parent.relative_to(root).parts[-1]
            if folder not in SKIPPED_FOLDERS:
                yield from _manifest_cases(_path(sub), root)
    folder = str(manifest.parent.relative_to(root))
    for entries in _objects(store, this, MF + "entries"):
        for test in _list(store, entries):
            kinds = [KINDS.get(t.value) for t in _objects(store, test, RDF + "type")]
            kind = next((k for k in kinds if k), None)
            if kind is None or set(map(str, _objects(store, test, DAWGT + "approval"))) & {f"<{w}>" for w in WITHDRAWN}:
                continue
            name = test.value.rsplit("#", 1)[-1]
            (action,) = _objects(store, test, MF + "action")
            results = _objects(store, test, MF + "result")
            if kind.endswith("syntax"):
                yield Case(f"{folder}/{name}", folder, kind, _path(action))
                continue
            (query,) = _objects(store, action, QT + "query")
            yield Case(
                f"{folder}/{name}",
                folder,
                kind,
                _path(query),
                data=tuple(sorted(map(_path, _objects(store, action, QT + "data")))),
                graph_data=tuple(sorted(map(_path, _objects(store, action, QT + "graphData")))),
                result=_path(results[0]) if results else None,
                service_data=bool(_objects(store, action, QT + "serviceData")),
                lax=bool(
                    {MF + "LaxCardinality", MF + "LowerBound"}
                    & {c.value for c in _objects(store, test, MF + "resultCardinality")}
                ),
            )


@functools.cache
def cases(version: str | None = None) -> tuple[Case, ...]:
    """Every syntax and evaluation test of the two suites, in manifest order."""
    root = suite_root(version)
    manifests = [
        root / "sparql11" / "manifest-all.ttl",
        root / "dawg-data-r2" / "manifest-syntax.ttl",
        root / "dawg-data-r2" / "manifest-evaluation.ttl",
    ]
    found: dict[str, Case] = {}
    for manifest in manifests:
        for case in _manifest_cases(manifest, root):
            found.setdefault(case.id, case)
    return tuple(found.values())


# --- answers as comparable values --------------------------------------------------------------


class Answer(NamedTuple):
    """What a query gave, or what a manifest expects: ``kind`` is select, ask or graph."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()


def published_iri(value: str, root: Path) -> str:
    """A file: URL of the local copy as the IRI the suite was published under."""
    for suite, published in PUBLISHED.items():
        local = (root / suite).as_uri() + "/"
        if value.startswith(local):
            return published + value[len(local) :]
    return value


def normal_term(term, root: Path):
    """A term as results are compared: local file URLs as the published IRIs, language tags
    in lower case (they are case-insensitive, and engines differ in what they keep)."""
    if isinstance(term, ox.NamedNode):
        return ox.NamedNode(published_iri(term.value, root))
    if isinstance(term, ox.Literal) and term.language:
        return ox.Literal(term.value, language=term.language.lower())
    return term


def answer_from_results(results: ox.QuerySolutions | ox.QueryBoolean) -> Answer:
    if isinstance(results, ox.QueryBoolean):
        return Answer("ask", boolean=bool(results))
    variables = tuple(v.value for v in results.variables)
    rows = tuple({v.value: s[v] for v in results.variables if s[v] is not None} for s in results)
    return Answer("select", variables, rows)


def _result_set_vocabulary(triples: list[ox.Triple]) -> Answer | None:
    """A result set written in the DAWG's RDF vocabulary (rs:ResultSet), or None if it is a graph."""
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    sets = [t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == RS + "ResultSet"]
    if not sets:
        return None

    def values(subject, predicate: str) -> list:
        return [t.object for t in by_subject.get(subject, []) if t.predicate.value == predicate]

    (result_set,) = sets
    boolean = values(result_set, RS + "boolean")
    if boolean:
        return Answer("ask", boolean=boolean[0].value == "true")
    variables = tuple(v.value for v in values(result_set, RS + "resultVariable"))
    solutions = []
    for solution in values(result_set, RS + "solution"):
        row = {}
        for binding in values(solution, RS + "binding"):
            (variable,) = values(binding, RS + "variable")
            (value,) = values(binding, RS + "value")
            row[variable.value] = value
        index = values(solution, RS + "index")
        solutions.append((int(index[0].value) if index else 0, row))
    solutions.sort(key=lambda pair: pair[0])
    return Answer("select", variables, tuple(row for _, row in solutions))


def read_expected(path: Path) -> Answer | str:
    """The answer a manifest expects; CSV (lossy by design) is returned as its text."""
    suffix = path.suffix
    if suffix == ".csv":
        return path.read_text(encoding="utf-8")
    if suffix in (".srx", ".srj", ".tsv"):
        fmt = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON, ".tsv": ox.QueryResultsFormat.TSV}
        return answer_from_results(ox.parse_query_results(path=path, format=fmt[suffix]))
    triples = [q.triple for q in ox.parse(path=path, format=RDF_FORMATS[suffix], base_iri=path.as_uri())]
    return _result_set_vocabulary(triples) or Answer("graph", triples=tuple(triples))


def _canonical_quads(quads: Iterable[ox.Quad]) -> frozenset[str]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return frozenset(str(quad) for quad in dataset)


def _row_quads(answer: Answer, ordered: bool, root: Path, distinct: bool) -> frozenset[str]:
    """The rows as a graph, each row a node of its own: two results are the same up to blank
    node names exactly when these graphs are isomorphic (one blank node map across all rows)."""
    quads = []
    rows = answer.rows
    if distinct:
        rows = tuple({tuple(sorted((k, str(v)) for k, v in row.items())): row for row in rows}.values())
    for index, row in enumerate(rows):
        node = ox.BlankNode(f"row{index}")
        quads.append(ox.Quad(ox.NamedNode("urn:w3c:results"), ox.NamedNode("urn:w3c:row"), node))
        if ordered:
            quads.append(ox.Quad(node, ox.NamedNode("urn:w3c:index"), ox.Literal(str(index))))
        for variable, value in row.items():
            quads.append(ox.Quad(node, ox.NamedNode("urn:w3c:var:" + variable), normal_term(value, root)))
    return _canonical_quads(quads)


def same_answer(expected: Answer, actual: Answer, root: Path, ordered: bool, lax: bool = False) -> bool:
    """Whether ``actual`` is the answer the manifest gives: the same boolean; the same graph up to
    blank node names; the same rows as a multiset (a sequence when ``ordered``), one blank node
    map for all of them. With ``lax`` (mf:LaxCardinality, REDUCED) a row may repeat less often."""
    if expected.kind != actual.kind:
        return False
    if expected.kind == "ask":
        return expected.boolean == actual.boolean
    if expected.kind == "graph":

        def quads(triples: tuple[ox.Triple, ...]) -> list[ox.Quad]:
            return [
                ox.Quad(normal_term(t.subject, root), normal_term(t.predicate, root), normal_term(t.object, root))
                for t in triples
            ]

        return _canonical_quads(quads(expected.triples)) == _canonical_quads(quads(actual.triples))
    if lax:
        if len(actual.rows) > len(expected.rows):
            return False
        return _row_quads(expected, False, root, True) == _row_quads(actual, False, root, True)
    if len(expected.rows) != len(actual.rows):
        return False
    return _row_quads(expected, ordered, root, False) == _row_quads(actual, ordered, root, False)


def same_csv(expected: str, actual: str, ordered: bool) -> bool:
    """CSV results (plain values: lossy by design) compared as the manifest's CSV tests mean them:
    each row by column name, blank node labels matched by their order of appearance, the rows as
    a multiset (a sequence when ``ordered``)."""
    import csv
    import io

    def rows(text: str) -> list[tuple[tuple[str, str], ...]]:
        names: dict[str, str] = {}
        table = list(csv.reader(io.StringIO(text)))
        if not table:
            return []
        header, body = table[0], table[1:]
        out = []
        for row in body:
            cells = [names.setdefault(c, f"_:b{len(names)}") if c.startswith("_:") else c for c in row]
            out.append(tuple(sorted(zip(header, cells, strict=True))))
        return out if ordered else sorted(out)

    try:
        return rows(expected) == rows(actual)
    except ValueError:  # a row with more or fewer cells than the header
        return False


def is_ordered(query_text: str) -> bool:
    """Whether the order of the rows is part of the answer: the outermost query orders them."""
    return re.search(r"\bORDER\s+BY\b", query_text, re.IGNORECASE) is not None


# --- the plain engines: pyoxigraph and rdflib used directly, on the manifest's own dataset -------


def plain_oxigraph(case: Case, dataset_files: Iterable[Path] = (), csv: bool = False) -> Answer | str:
    """pyoxigraph as its documentation shows it: a Store with the data in the default graph and each
    graphData file in a graph named by its URL, the query's file URL its base. Raises what it raises."""
    store = ox.Store()
    for path in case.data:
        store.load(path=path, format=RDF_FORMATS[path.suffix], base_iri=path.as_uri(), to_graph=ox.DefaultGraph())
    for path in {*case.graph_data, *dataset_files}:
        store.load(
            path=path, format=RDF_FORMATS[path.suffix], base_iri=path.as_uri(), to_graph=ox.NamedNode(path.as_uri())
        )
    answer = store.query(case.query.read_text(encoding="utf-8"), base_iri=case.query.as_uri())
    if csv:
        assert isinstance(answer, ox.QuerySolutions)
        return (answer.serialize(format=ox.QueryResultsFormat.CSV) or b"").decode("utf-8")
    if isinstance(answer, ox.QueryTriples):
        return Answer("graph", triples=tuple(answer))
    return answer_from_results(answer)


def plain_rdflib(case: Case, dataset_files: Iterable[Path] = (), csv: bool = False) -> Answer | str:
    """rdflib as its documentation shows it: a Dataset with the data in its default graph and each
    graphData file in a graph named by its URL, queried with the query's file URL as its base.
    Its one setting changed is the one that keeps the default graph apart from the named graphs
    (as rdflib's own W3C runner does): without it no dataset of these tests can be expressed."""
    import rdflib
    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_formats = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}
    dataset = rdflib.Dataset()
    for path in case.data:
        dataset.default_context.parse(path, format=rdflib_formats[path.suffix], publicID=path.as_uri())
    for path in {*case.graph_data, *dataset_files}:
        dataset.graph(rdflib.URIRef(path.as_uri())).parse(
            path, format=rdflib_formats[path.suffix], publicID=path.as_uri()
        )
    saved = rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION, rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION, rdflib_sparql.SPARQL_LOAD_GRAPHS = False, False
    try:
        result = dataset.query(case.query.read_text(encoding="utf-8"), base=case.query.as_uri())
        if csv:
            return result.serialize(format="csv").decode("utf-8")
        if result.type == "ASK":
            return Answer("ask", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars or ())
            rows = tuple(
                {str(k): _from_rdflib(v) for k, v in binding.items() if str(k) in variables and v is not None}
                for binding in result.bindings
            )
            return Answer("select", variables, rows)
        assert result.graph is not None
        return Answer("graph", triples=tuple(ox.Triple(*map(_from_rdflib, t)) for t in result.graph))
    finally:
        rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION, rdflib_sparql.SPARQL_LOAD_GRAPHS = saved


def _from_rdflib(term):
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9]", "x", str(term)) or "b")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def dataset_clause_files(case: Case) -> tuple[Path, ...]:
    """The local files a query's FROM and FROM NAMED name (the DAWG's dataset tests name their data
    only there), read by rdflib's parser with the query's file URL as the base."""
    text = case.query.read_text(encoding="utf-8")
    if not re.search(r"\bFROM\b", text, re.IGNORECASE):
        return ()
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text), base=case.query.as_uri()).algebra
    except Exception:
        return ()
    found = []
    for clause in algebra.get("datasetClause") or ():
        iri = str(clause.default or clause.named)
        if iri.startswith("file:"):
            path = _path(ox.NamedNode(iri))
            if path.is_file():
                found.append(path)
    return tuple(sorted(set(found)))


def write_conformance() -> None:
    """The test module's own table writer, loaded from its file (tests/system is no package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("test_w3c_sparql", HERE / "system" / "test_w3c_sparql.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_conformance()


if __name__ == "__main__":
    if sys.argv[1:] == ["conformance"]:
        write_conformance()
        sys.exit()
    if sys.argv[1:] != ["fetch"]:
        sys.exit("usage: python tests/w3c_suite.py fetch|conformance")
    try:
        print(f"W3C SPARQL test suites (rdflib {rdflib_version()}'s sdist) in {os.path.relpath(fetch())}")
    except subprocess.CalledProcessError as error:
        sys.exit(f"tests/w3c_suite.py: pip could not download rdflib's source distribution ({error})")
