"""The HTML pages (Jinja2 templates in ``templates/``): the query UI and a page per resource."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kosovo_kg.core.lexical import language_tag_case
from kosovo_kg.errors import KosovoKGError
from kosovo_kg.namespaces import KKG, KKR, RDFS_LABEL, SKOS, WD, shorten
from kosovo_kg.querying.catalogue import StoredQuery, bind_parameters, catalogue
from kosovo_kg.querying.sparqltext import insert_values

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.querying.engines import Result

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
#: The question the query UI opens on.
FIRST_QUESTION = "non-recognizing-nato-members"
LABEL_PROPERTIES = {RDFS_LABEL: "label", SKOS + "prefLabel": "preferred label", SKOS + "altLabel": "also called"}
LANGUAGE_NAMES = {"en": "English", "sq": "Albanian", "sr": "Serbian (Cyrillic)", "sr-latn": "Serbian (Latin)"}

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)


def render(template: str, **context: Any) -> str:
    return _environment.get_template(template).render(**context)


class Link(NamedTuple):
    text: str
    href: str | None = None
    note: str = ""


class Links:
    """Where a page's links point: on ``serve``, to its routes (``/resource/NAME``, ``?format=turtle``).

    The static site of a release (:mod:`kosovo_kg.publish.site`) gives the same pages other addresses, all
    relative, so that the site works from any folder or host.
    """

    def home(self) -> str:
        return "/"

    def static(self, path: str) -> str:
        return "/static/" + path

    def resource(self, name: str) -> str:
        return "/resource/" + name

    def turtle(self, name: str) -> str:
        """The resource as RDF, for the page's ``<link rel="alternate">`` (serve negotiates it)."""
        return self.resource(name)

    def resource_format(self, name: str, fmt: str) -> str:
        """The resource ``name`` as ``turtle``, ``jsonld`` or ``nt``."""
        return f"?format={fmt}"

    def chart(self, name: str) -> str:
        return f"/charts/{name}.svg"

    def query_csv(self, query: str) -> str:
        return f"/api/queries/{query}?format=csv"

    def search(self) -> str:
        """The search page (the site searches on its front page, in the browser)."""
        return "/search"


def describe(kg: KnowledgeGraph, iri: str) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """The triples about a resource, out of it and into it (the RDFS entailments included, as
    queries see them), or ``None`` if the graph has none: what a resource's page and its RDF show."""
    node = ox.NamedNode(iri)
    outgoing = [quad.triple for quad in kg.store.quads_for_pattern(node, None, None)]
    if not outgoing:
        return None
    incoming = [quad.triple for quad in kg.store.quads_for_pattern(None, None, node)]
    return list(dict.fromkeys(outgoing)), list(dict.fromkeys(incoming))


class Pages:
    """Renders pages from what the workers found; labels and the home page's parts are made once."""

    def __init__(self, kg: KnowledgeGraph, allow_federation: bool, links: Links | None = None):
        self.kg, self.allow_federation = kg, allow_federation
        self.links = links or Links()
        self.labels = kg.labels
        self._home: str | None = None
        self._lock = threading.Lock()

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or shorten(iri)

    def link(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Link:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if iri.startswith(KKR):
                return Link(self.label(iri), self.links.resource(iri[len(KKR) :]))
            if iri.startswith(WD):
                return Link(iri[len(WD) :], f"https://www.wikidata.org/wiki/{iri[len(WD) :]}")
            if iri.startswith(KKG):
                return Link(self.label(iri))
            return Link(self.label(iri), iri)
        if isinstance(term, ox.Literal):
            return Link(term.value, note=f"@{term.language}" if term.language else "")
        return Link(f"_:{term.value}")

    # --- the query UI -----------------------------------------------------------------------

    def questions(self) -> list[dict[str, object]]:
        """Every stored question for the UI: its parameters (for the form) and, when its defaults
        suffice, the text it runs with them."""
        found = []
        for query in catalogue().values():
            found.append(
                {
                    "name": query.name,
                    "summary": query.summary,
                    "description": query.description,
                    "federated": query.federated,
                    "runnable": self.allow_federation or not query.federated,
                    "parameters": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "required": p.required and p.default is None,
                            "default": p.default,
                        }
                        for p in query.parameters
                    ],
                    "query": self.default_text(query),
                }
            )
        return found

    def default_text(self, query: StoredQuery) -> str:
        try:
            defaults = {n: str(t) for n, t in bind_parameters(query, {}, self.kg).items()}
        except KosovoKGError:
            return query.text
        return insert_values(query.text, defaults)

    def home(self, charts: str) -> str:
        with self._lock:
            if self._home is None:
                questions = self.questions()
                first = next((q for q in questions if q["name"] == FIRST_QUESTION), questions[0])
                self._home = render(
                    "home.html",
                    questions=questions,
                    questions_json=json.dumps(questions, ensure_ascii=False).replace("</", "<\\/"),
                    first=first,
                    charts=charts,
                    allow_federation=self.allow_federation,
                )
            return self._home

    # --- a resource ---------------------------------------------------------------------------

    def resource(self, iri: str, outgoing: list[ox.Triple], incoming: list[ox.Triple], facts: Result | None) -> str:
        names = []  # (language, kind, text) for every label in every language the graph has
        properties: dict[str, list[Link]] = {}
        wikidata = None
        for triple in outgoing:
            predicate, value = triple.predicate.value, triple.object
            if predicate in LABEL_PROPERTIES and isinstance(value, ox.Literal):
                language = language_tag_case(value.language or "")
                names.append(
                    (
                        language,
                        LANGUAGE_NAMES.get(language.lower(), language or "—"),
                        LABEL_PROPERTIES[predicate],
                        value.value,
                    )
                )
                continue
            if isinstance(value, ox.Triple):  # RDF-star: not in this graph
                continue
            if isinstance(value, ox.NamedNode) and value.value.startswith(WD):
                wikidata = value.value[len(WD) :]
            properties.setdefault(self.label(predicate), []).append(self.link(value))
        names.sort(key=lambda n: (n[0] != "en", n[0], n[2] != "label", n[3]))
        pointing = set()
        for triple in incoming:
            if isinstance(triple.subject, ox.NamedNode):
                pointing.add((self.label(triple.predicate.value), self.link(triple.subject)))
        referred = sorted(pointing, key=lambda pair: (pair[0], pair[1].text))
        return render(
            "resource.html",
            links=self.links,
            name=iri[len(KKR) :],
            iri=iri,
            title=self.label(iri),
            names=names,
            properties=sorted(properties.items()),
            wikidata=wikidata,
            facts=self._facts(facts),
            referred=referred,
        )

    def _facts(self, facts: Result | None) -> list[tuple[str, Link, list[Link]]]:
        if facts is None:
            return []
        by_fact: dict[str, tuple[str, Link, list[Link]]] = {}
        for fact, date, source, _ in facts.rows:
            assert fact is not None
            entry = by_fact.setdefault(fact.value, ("" if date is None else date.value, self.link(fact), []))
            if source is not None:
                entry[2].append(self.link(source))
        return list(by_fact.values())


def facts_query(iri: str) -> str:
    """The dated, sourced facts that name a resource (the IRI is checked before it is written in)."""
    # DISTINCT: a fact names the resource through a role and through its entailed super-roles
    return f"""SELECT DISTINCT ?fact ?date ?source ?from WHERE {{
      ?fact ?p <{iri}> ; a/rdfs:subClassOf* kkg:Fact ; kkg:source ?source .
      OPTIONAL {{ ?fact kkg:date ?onDate }} OPTIONAL {{ ?fact kkg:startDate ?start }}
      OPTIONAL {{ ?fact kkg:earliestStart ?from }}
      BIND(COALESCE(?onDate, ?start) AS ?date)
    }} ORDER BY ?from ?fact ?source"""


def charts_section(kg: KnowledgeGraph, links: Links | None = None) -> str:
    """The home page's charts, each with its key facts and their sources (from the same rows)."""
    from kosovo_kg.publish.charts.data import CHARTS, chart_data, key_facts

    figures = []
    for name, (query, description) in CHARTS.items():
        data = chart_data(name, kg)
        figures.append(
            {"name": name, "title": data.title, "description": description, "query": query, "facts": key_facts(data)}
        )
    return render("charts.html", figures=figures, links=links or Links())
