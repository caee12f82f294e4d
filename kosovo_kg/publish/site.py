"""The static Linked Data site of a release (``site/`` in ``kosovo-kg release -o DIR``).

The pages ``serve`` shows, written as files by the same code and templates
(:class:`kosovo_kg.publish.pages.Pages`) with links that are relative, so the site works from any
folder or host: the home page with its answers and every question by topic (with the release's
downloads and every resource listed below), each resource's profile (``/resource/NAME``) with the
same description beside it as Turtle, JSON-LD and N-Triples, and each stored question's page with its
answer for the question's defaults and that answer as CSV, TSV, JSON and XML, and its query. Around
them: a search over the names in every language the graph has (an index built here, searched in the
browser, no outside requests), the ontology's documentation (``kosovo-kg docs``), the charts, and the
rewrite rules that content negotiation needs (:func:`htaccess`, :func:`w3id_htaccess`).

Layout, relative to ``site/``::

    index.html  search.html  search-index.js  static/*.HASH.css|js|svg  .htaccess
    resource/NAME.html  resource/NAME.ttl  resource/NAME.jsonld  resource/NAME.nt
    queries/QUERY.html  queries/QUERY.csv|tsv|json|xml|rq
    ontology/index.html  ontology/classes.svg  ontology/classes.dot
    charts/NAME.svg
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox

from kosovo_kg.core.lexical import language_tag_case
from kosovo_kg.errors import ParameterError, ReleaseError
from kosovo_kg.namespaces import KKR, RDFS_LABEL, SKOS
from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.home import home_page
from kosovo_kg.publish.links import STATIC, Links, asset
from kosovo_kg.publish.pages import Pages
from kosovo_kg.publish.profiles import describe, language_name, profile_page, profile_queries
from kosovo_kg.publish.questions import default_text, question_page
from kosovo_kg.querying.catalogue import catalogue
from kosovo_kg.querying.output import render as render_answer
from kosovo_kg.querying.output import serialize_triples, to_xml
from kosovo_kg.querying.pipeline import QueryOptions, evaluate, prepare

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: What may follow /resource/ in a name that becomes a file name here: what serve accepts, less the
#: dot, which the rewrite rules read as the start of a file's suffix (none of the graph's names has one).
RESOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_~-]*")
#: The files beside each resource's page: suffix -> (media type, pyoxigraph format).
RDF_FILES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "jsonld"),
    "nt": ("application/n-triples", "nt"),
}
_FORMAT_SUFFIX = {"turtle": "ttl", "jsonld": "jsonld", "nt": "nt"}
NAME_PROPERTIES = (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel")


#: The static files every page may load, copied under their content-addressed names.
STATIC_FILES = ("site.css", "favicon.svg", "pages.js", "search.js", "suggest.js")
#: A stored question's files beside its page: its answer in four formats and its query.
QUESTION_FILES = ("csv", "tsv", "json", "xml", "rq")


class SiteLinks(Links):
    """Links of a page ``depth`` folders below ``site/``: every one relative."""

    live = False

    def __init__(self, depth: int):
        self.root = "../" * depth

    def home(self) -> str:
        return self.root + "index.html"

    def static(self, path: str) -> str:
        return self.root + "static/" + asset(path)

    def resource(self, name: str) -> str:
        return f"{self.root}resource/{name}.html"

    def resource_pattern(self) -> tuple[str, str]:
        return f"{self.root}resource/", ".html"

    def turtle(self, name: str) -> str:
        return f"{self.root}resource/{name}.ttl"

    def resource_format(self, name: str, fmt: str) -> str:
        return f"{self.root}resource/{name}.{_FORMAT_SUFFIX[fmt]}"

    def chart(self, name: str) -> str:
        return f"{self.root}charts/{name}.svg"

    def questions(self) -> str:
        return self.home() + "#questions"

    def question(self, name: str, params: dict[str, str] | None = None) -> str:
        """The question's page (the site has each question with its defaults only)."""
        return f"{self.root}queries/{name}.html"

    def download(self, name: str, suffix: str, params: dict[str, str] | None = None) -> str:
        return f"{self.root}queries/{name}.{suffix}"

    def editor(self, name: str | None = None, params: dict[str, str] | None = None) -> str | None:
        return None

    def search(self) -> str:
        return self.root + "search.html"

    def api(self) -> str | None:
        return None


class Entry(NamedTuple):
    """A resource as the index and the search show it."""

    name: str
    label: str
    kind: str
    names: list[tuple[str, str]]  # (text, BCP 47 language tag), every name in every language


class SiteBuild(NamedTuple):
    resources: int
    files: int
    languages: list[str]


def resource_names(kg: KnowledgeGraph) -> list[str]:
    """The names of every resource the graph describes (an IRI under ``kkr:`` as a subject), sorted."""
    names = set()
    for quad in kg.store.quads_for_pattern(None, None, None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(KKR) and len(subject.value) > len(KKR):
            names.add(subject.value[len(KKR) :])
    for name in names:
        if not RESOURCE_NAME.fullmatch(name):
            raise ReleaseError(f"the resource name {name!r} cannot be a file name of the site")
    return sorted(names)


def entries(kg: KnowledgeGraph, names: list[str], pages: Pages) -> list[Entry]:
    found = []
    for name in names:
        iri = KKR + name
        every = []
        for predicate in NAME_PROPERTIES:
            for quad in kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None):
                if isinstance(quad.object, ox.Literal):
                    every.append((quad.object.value, language_tag_case(quad.object.language or "")))
        found.append(Entry(name, pages.labels.get(iri, name), pages.lookup.kind(iri), sorted(set(every))))
    return found


def search_index(kg: KnowledgeGraph) -> str:
    """The name index (:mod:`kosovo_kg.core.nameindex`) as a script for search.js, with how each
    character of its names folds, so that a query typed in the browser folds as the index's names
    did (the folding is character by character: cyrtranslit and unidecode both are). A script, not
    JSON to fetch: a page opened from a folder (file://) may not fetch files beside it, but it may
    load scripts."""
    from kosovo_kg.core.folding import fold

    exported: dict[str, Any] = kg.name_index.export()
    entities = [entity for entity in exported["entities"] if entity["iri"].startswith(KKR)]
    characters = sorted({c for entity in entities for name in entity["names"] for c in name[0]})
    exported["entities"] = [{**entity, "name": entity["iri"][len(KKR) :]} for entity in entities]
    exported["fold"] = {c: fold(c) for c in characters if fold(c) != c.lower()}
    data = json.dumps(exported, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    return (
        "// Every name of every resource, for search.js; built by kosovo-kg release.\nwindow.KOSOVO_KG_INDEX = "
        + data
        + ";\n"
    )


def htaccess() -> str:
    """Apache rules for a host that serves ``site/``: ``resource/NAME`` without a suffix answers
    with the HTML page or the RDF file the Accept header asks for (relative rules: the folder may
    be anywhere on the host)."""
    return """\
# Content negotiation for resource/NAME (Apache, mod_rewrite and mod_headers), written by
# kosovo-kg release. The rules are relative to this folder, so the site may sit anywhere on the host.
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType text/tab-separated-values .tsv
AddType application/sparql-query .rq
AddCharset utf-8 .html .ttl .jsonld .nt .csv .tsv .rq .js
Options -MultiViews
RewriteEngine On

RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^resource/([^/.]+)$ resource/$1.ttl [L]
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^resource/([^/.]+)$ resource/$1.jsonld [L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^resource/([^/.]+)$ resource/$1.nt [L]
RewriteRule ^resource/([^/.]+)$ resource/$1.html [L]

<IfModule mod_headers.c>
  <FilesMatch "\\.(html|ttl|jsonld|nt)$">
    Header append Vary Accept
  </FilesMatch>
</IfModule>
"""


#: Stands where the w3id rules need the site's address when the release was built without one.
SITE_URL_PLACEHOLDER = "SITE-URL"


def w3id_htaccess(site_url: str | None) -> str:
    """The rules for the project's folder in the w3id.org repository (perma-id/w3id.org, folder
    ``kosovo-kg/``): ``https://w3id.org/kosovo-kg/resource/NAME`` redirects (303) to the page or the
    RDF file the Accept header asks for, wherever the site is hosted. The host need not negotiate
    anything itself (a static host such as GitHub Pages cannot)."""
    site = (site_url or SITE_URL_PLACEHOLDER).rstrip("/")
    # In a substitution mod_rewrite reads $N and %N as back-references ("my%20site" became "my0site")
    # and escapes what it redirects to ("%20" became "%2520") unless told NE: the address is written
    # with both quoted, and with NE, the name is only what a resource's name may be (so nothing from
    # the request reaches the Location header raw).
    target = re.sub(r"([$%])", r"\\\1", site)
    name = f"^resource/({RESOURCE_NAME.pattern})$"
    note = (
        ""
        if site_url
        else "# This release was built without --base-url: replace SITE-URL below with the address of site/.\n"
    )
    return f"""\
# w3id.org rules for https://w3id.org/kosovo-kg/ (the kosovo-kg/.htaccess of perma-id/w3id.org),
# written by kosovo-kg release. The site of the release is at {site}/.
{note}Options -MultiViews
RewriteEngine On

# resources: RDF where the client asks for it, the HTML page otherwise
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule {name} {target}/resource/$1.ttl [R=303,L,NE]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule {name} {target}/resource/$1.jsonld [R=303,L,NE]
RewriteCond %{{HTTP_ACCEPT}} application/n-triples
RewriteRule {name} {target}/resource/$1.nt [R=303,L,NE]
RewriteRule {name} {target}/resource/$1.html [R=303,L,NE]

# the ontology: its documentation, or the Turtle file of the release
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^ontology$ {target}/../ontology.ttl [R=303,L,NE]
RewriteRule ^ontology$ {target}/ontology/index.html [R=303,L,NE]

# anything else: the site's front page
RewriteRule ^$ {target}/index.html [R=303,L,NE]
"""


def build_ontology_docs_reproducibly(folder: Path, ontology: Path) -> list[str]:
    """``kosovo-kg docs`` into ``folder``, in a Python of its own with a fixed hash seed: pyLODE (and
    rdflib under it) write terms in the order of Python sets of strings, which the interpreter's
    random hash seed changes from run to run, and a release must give the same bytes. Returns the
    numbers of classes and properties documented."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, pathlib\n"
        "from kosovo_kg.publish.ontology_docs import write_ontology_docs\n"
        "build = write_ontology_docs(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))\n"
        "print(len(build.classes), len(build.properties))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder), str(ontology)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ReleaseError(f"the ontology's documentation could not be built: {last}")
    return done.stdout.split()


def write_resource(folder: Path, name: str, kg: KnowledgeGraph, pages: Pages, options: QueryOptions) -> None:
    """A resource's profile and its RDF (the triples serve sends for it) into ``folder``, in a fixed
    order: the store's order differs from one load to the next."""
    iri = KKR + name
    described = describe(kg, iri)
    assert described is not None  # a name of resource_names is a subject
    outgoing, incoming = (
        sorted(part, key=lambda t: (str(t.predicate), str(t.object), str(t.subject))) for part in described
    )
    answers = {spec.query: evaluate(prepared, kg, options) for spec, prepared in profile_queries(pages, iri)}
    page = profile_page(pages, iri, outgoing, incoming, answers, pages.page_url(f"resource/{name}.html"))
    (folder / f"{name}.html").write_text(page, encoding="utf-8")
    triples = sorted(outgoing + incoming, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    for suffix, (media, _) in RDF_FILES.items():
        (folder / f"{name}.{suffix}").write_bytes(serialize_triples(triples, media))


def write_questions(folder: Path, kg: KnowledgeGraph, pages: Pages, options: QueryOptions) -> int:
    """Each stored question's page, with its defaults, and beside it its answer and its query; a
    question that asks Wikidata gets its page (which says so) and its query only. Returns the files written."""
    written = 0
    for query in catalogue().values():
        error = None
        try:
            prepared = prepare(query, {}, options, kg) if pages.runnable(query) else None
        except ParameterError as problem:  # a graph of other data (--only-data) may not hold a default's entity
            prepared, error = None, str(problem)
        result = evaluate(prepared, kg, options) if prepared is not None else None
        url = pages.page_url(f"queries/{query.name}.html")
        page = question_page(pages, query, {}, result, prepared, error=error, page_url=url)
        (folder / f"{query.name}.html").write_text(page, encoding="utf-8")
        (folder / f"{query.name}.rq").write_text(
            prepared.text if prepared else default_text(query, kg), encoding="utf-8"
        )
        written += 2
        if result is not None:
            for suffix in ("csv", "tsv", "json"):
                (folder / f"{query.name}.{suffix}").write_text(render_answer(result, suffix), encoding="utf-8")
            (folder / f"{query.name}.xml").write_text(to_xml(result), encoding="utf-8")
            written += 4
    return written


#: Seconds between two counts of the resource pages written (about 4 ms a page: 5,000 pages in 20 s).
PROGRESS_EVERY = 5.0


def build_site(
    kg: KnowledgeGraph,
    folder: Path,
    *,
    version: str,
    date: str,
    downloads: list[tuple[str, str, int]],
    ontology: Path,
    base_url: str | None = None,
    announce: Callable[[str], None] = lambda line: None,
) -> SiteBuild:
    """Write the site into ``folder`` (which must not exist yet). ``downloads`` are the release's
    files beside ``site/`` as (file name, description, bytes), listed on the front page; ``base_url``
    is where the release is published (the site is its ``site/``), for the pages' citations."""
    from kosovo_kg.publish.charts.data import CHARTS
    from kosovo_kg.publish.charts.drawing import render_chart

    folder.mkdir()
    (folder / "resource").mkdir()
    options = QueryOptions()
    names = resource_names(kg)
    release = Release(version, date, f"{base_url}/site/" if base_url else None)
    pages = Pages(kg, allow_federation=False, links=SiteLinks(1), release=release)
    front = Pages(kg, allow_federation=False, links=SiteLinks(0), release=release)
    front.__dict__["lookup"] = pages.lookup  # the same graph: read once
    found = entries(kg, names, pages)
    announce(f"  resource pages: writing {len(names):,}…")
    said = time.monotonic()
    for done, name in enumerate(names, 1):
        write_resource(folder / "resource", name, kg, pages, options)
        if time.monotonic() - said >= PROGRESS_EVERY:  # tens of thousands of pages take minutes
            announce(f"  resource pages: {done:,} of {len(names):,}…")
            said = time.monotonic()
    written = len(names) * (1 + len(RDF_FILES))
    announce(f"  {len(names)} resource pages, each with Turtle, JSON-LD and N-Triples")

    (folder / "queries").mkdir()
    written += write_questions(folder / "queries", kg, pages, options)
    announce(f"  {len(catalogue())} question pages, each with its answer as CSV, TSV, JSON and XML and its query")

    static = folder / "static"
    static.mkdir()
    for file_name in STATIC_FILES:
        shutil.copyfile(STATIC / file_name, static / asset(file_name))
    (folder / "search-index.js").write_text(search_index(kg), encoding="utf-8")
    written += len(STATIC_FILES) + 1

    announce("  drawing the charts…")
    charts_folder = folder / "charts"
    charts_folder.mkdir()
    for chart in CHARTS:
        (charts_folder / f"{chart}.svg").write_bytes(render_chart(chart, kg, "svg"))
        written += 1
    announce(f"  {len(CHARTS)} charts")

    announce("  documenting the ontology (pyLODE)…")
    (folder / "ontology").mkdir()
    classes, properties = build_ontology_docs_reproducibly(folder / "ontology", ontology)
    written += sum(1 for _ in (folder / "ontology").iterdir())
    announce(f"  the ontology's documentation (pyLODE): {classes} classes, {properties} properties")

    by_kind: dict[str, list[Entry]] = {}
    for entry in found:
        by_kind.setdefault(entry.kind, []).append(entry)
    languages = sorted({lang for entry in found for _, lang in entry.names if lang})
    index = home_page(
        front,
        "site-index.html",
        version=version,
        date=date,
        kinds=sorted(by_kind.items(), key=lambda item: item[0].lower()),
        resources=len(found),
        languages=[(lang, language_name(lang)) for lang in languages],
        downloads=downloads,
        canonical=front.page_url("index.html"),
    )
    (folder / "index.html").write_text(index, encoding="utf-8")
    search = front.render(
        "search.html", title="Search", description="Find a name in the kosovo-kg graph, in any language it has."
    )
    (folder / "search.html").write_text(search, encoding="utf-8")
    (folder / ".htaccess").write_text(htaccess(), encoding="utf-8")
    written += 3
    return SiteBuild(len(found), written, languages)
