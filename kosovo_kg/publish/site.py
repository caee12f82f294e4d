"""The static Linked Data site of a release (``site/`` in ``kosovo-kg release -o DIR``).

Every resource of the graph gets the page ``serve`` shows at ``/resource/NAME``, rendered by the same
code and templates (:class:`kosovo_kg.publish.pages.Pages`) with links that are relative, so the site
works from any folder or host, and beside it the same description as Turtle, JSON-LD and
N-Triples. Around them: an index that reaches every page, a search over the names in every
language the graph has (an index built here, searched in the browser, no outside requests), the
ontology's documentation (``kosovo-kg docs``), the charts with their stored queries' answers, and
the rewrite rules that content negotiation needs (:func:`htaccess`, :func:`w3id_htaccess`).

Layout, relative to ``site/``::

    index.html  search-index.js  static/site.css  static/search.js  .htaccess
    resource/NAME.html  resource/NAME.ttl  resource/NAME.jsonld  resource/NAME.nt
    ontology/index.html  ontology/classes.svg  ontology/classes.dot
    charts/NAME.svg  queries/QUERY.csv
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox

from kosovo_kg.core.lexical import language_tag_case
from kosovo_kg.errors import ReleaseError
from kosovo_kg.namespaces import KKR, RDF, RDFS, RDFS_LABEL, SKOS
from kosovo_kg.publish.pages import (
    LANGUAGE_NAMES,
    STATIC,
    Links,
    Pages,
    charts_section,
    describe,
    facts_query,
    render,
)
from kosovo_kg.querying.output import serialize_triples
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, evaluate, get_stored_query, prepare
from kosovo_kg.querying.pipeline import render as render_answer

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


class SiteLinks(Links):
    """Links of a page ``depth`` folders below ``site/``: every one relative."""

    def __init__(self, depth: int):
        self.root = "../" * depth

    def home(self) -> str:
        return self.root + "index.html"

    def static(self, path: str) -> str:
        return self.root + "static/" + path

    def resource(self, name: str) -> str:
        return f"{self.root}resource/{name}.html"

    def turtle(self, name: str) -> str:
        return f"{self.root}resource/{name}.ttl"

    def resource_format(self, name: str, fmt: str) -> str:
        return f"{self.root}resource/{name}.{_FORMAT_SUFFIX[fmt]}"

    def chart(self, name: str) -> str:
        return f"{self.root}charts/{name}.svg"

    def query_csv(self, query: str) -> str:
        return f"{self.root}queries/{query}.csv"

    def search(self) -> str:
        return self.home()


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


def _kinds(kg: KnowledgeGraph, labels: dict[str, str]) -> dict[str, str]:
    """IRI -> the label of its most specific class (with the entailments, a node has them all)."""
    rdf_type = ox.NamedNode(RDF + "type")
    sub_class = ox.NamedNode(RDFS + "subClassOf")
    types: dict[str, set[str]] = {}
    for quad in kg.store.quads_for_pattern(None, rdf_type, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            types.setdefault(quad.subject.value, set()).add(quad.object.value)
    broader: dict[str, set[str]] = {}
    for quad in kg.store.quads_for_pattern(None, sub_class, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            broader.setdefault(quad.subject.value, set()).add(quad.object.value)
    kinds = {}
    for iri, classes in types.items():
        specific = [c for c in classes if not any(c in broader.get(other, ()) for other in classes if other != c)]
        named = sorted(labels[c] for c in specific if c in labels)
        kinds[iri] = named[0] if named else "resource"
    return kinds


def entries(kg: KnowledgeGraph, names: list[str], labels: dict[str, str]) -> list[Entry]:
    kinds = _kinds(kg, labels)
    found = []
    for name in names:
        iri = KKR + name
        every = []
        for predicate in NAME_PROPERTIES:
            for quad in kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None):
                if isinstance(quad.object, ox.Literal):
                    every.append((quad.object.value, language_tag_case(quad.object.language or "")))
        found.append(Entry(name, labels.get(iri, name), kinds.get(iri, "resource"), sorted(set(every))))
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
AddCharset utf-8 .html .ttl .jsonld .nt .csv .js
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
RewriteRule ^resource/([^/.]+)$ {site}/resource/$1.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule ^resource/([^/.]+)$ {site}/resource/$1.jsonld [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/n-triples
RewriteRule ^resource/([^/.]+)$ {site}/resource/$1.nt [R=303,L]
RewriteRule ^resource/([^/.]+)$ {site}/resource/$1.html [R=303,L]

# the ontology: its documentation, or the Turtle file of the release
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^ontology$ {site}/../ontology.ttl [R=303,L]
RewriteRule ^ontology$ {site}/ontology/index.html [R=303,L]

# anything else: the site's front page
RewriteRule ^$ {site}/index.html [R=303,L]
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
        "from kosovo_kg.publish.ontology_docs import build_ontology_docs\n"
        "build = build_ontology_docs(sys.argv[1], pathlib.Path(sys.argv[2]))\n"
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
    """A resource's page and its RDF (the triples serve sends for it) into ``folder``, in a fixed
    order: the store's order differs from one load to the next."""
    iri = KKR + name
    described = describe(kg, iri)
    assert described is not None  # a name of resource_names is a subject
    outgoing, incoming = (
        sorted(part, key=lambda t: (str(t.predicate), str(t.object), str(t.subject))) for part in described
    )
    facts = evaluate(PreparedQuery(facts_query(iri)), kg, options)
    (folder / f"{name}.html").write_text(pages.resource(iri, outgoing, incoming, facts), encoding="utf-8")
    triples = sorted(outgoing + incoming, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    for suffix, (media, _) in RDF_FILES.items():
        (folder / f"{name}.{suffix}").write_bytes(serialize_triples(triples, media))


def build_site(
    kg: KnowledgeGraph,
    folder: Path,
    *,
    version: str,
    date: str,
    downloads: list[tuple[str, str, int]],
    ontology: Path,
    announce: Callable[[str], None] = lambda line: None,
) -> SiteBuild:
    """Write the site into ``folder`` (which must not exist yet). ``downloads`` are the release's
    files beside ``site/`` as (file name, description, bytes), listed on the front page."""
    from kosovo_kg.publish.charts.data import CHARTS
    from kosovo_kg.publish.charts.drawing import render_chart

    folder.mkdir()
    (folder / "resource").mkdir()
    options = QueryOptions()
    names = resource_names(kg)
    pages = Pages(kg, allow_federation=False, links=SiteLinks(1))
    found = entries(kg, names, pages.labels)
    for name in names:
        write_resource(folder / "resource", name, kg, pages, options)
    written = len(names) * (1 + len(RDF_FILES))
    announce(f"  {len(names)} resource pages, each with Turtle, JSON-LD and N-Triples")

    static = folder / "static"
    static.mkdir()
    for file_name in ("site.css", "search.js"):
        shutil.copyfile(STATIC / file_name, static / file_name)
    (folder / "search-index.js").write_text(search_index(kg), encoding="utf-8")
    written += 3

    announce("  drawing the charts…")
    charts_folder, answers = folder / "charts", folder / "queries"
    charts_folder.mkdir()
    answers.mkdir()
    for chart, (query_name, _) in CHARTS.items():
        (charts_folder / f"{chart}.svg").write_bytes(render_chart(chart, kg, "svg"))
        prepared = prepare(get_stored_query(query_name), {}, options, kg)
        (answers / f"{query_name}.csv").write_text(
            render_answer(evaluate(prepared, kg, options), "csv", kg), encoding="utf-8"
        )
        written += 2
    announce(f"  {len(CHARTS)} charts with their stored queries' answers")

    announce("  documenting the ontology (pyLODE)…")
    classes, properties = build_ontology_docs_reproducibly(folder / "ontology", ontology)
    written += sum(1 for _ in (folder / "ontology").iterdir())
    announce(f"  the ontology's documentation (pyLODE): {classes} classes, {properties} properties")

    by_kind: dict[str, list[Entry]] = {}
    for entry in found:
        by_kind.setdefault(entry.kind, []).append(entry)
    languages = sorted({lang for entry in found for _, lang in entry.names if lang})
    front = render(
        "site-index.html",
        links=SiteLinks(0),
        version=version,
        date=date,
        kinds=sorted(by_kind.items(), key=lambda item: item[0].lower()),
        resources=len(found),
        languages=[(lang, LANGUAGE_NAMES.get(lang.lower(), lang)) for lang in languages],
        downloads=downloads,
        charts=charts_section(kg, SiteLinks(0)),
    )
    (folder / "index.html").write_text(front, encoding="utf-8")
    (folder / ".htaccess").write_text(htaccess(), encoding="utf-8")
    written += 2
    return SiteBuild(len(found), written, languages)
