"""The HTML pages, one set of Jinja2 templates (``templates/``) for ``serve`` and for the static site:
the home page (headline answers, the questions by topic), a page per stored question, entity
profiles, error pages, and the SPARQL editor (served only).

:class:`Pages` renders them from answers it is given (``serve`` runs queries in its workers, the
site in the release's own process) or, for what is the same on every request (the home page, the
choices of a question's parameters), from the graph it holds.
"""

from __future__ import annotations

import difflib
import json
import threading
import urllib.parse
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kosovo_kg.errors import KosovoKGError
from kosovo_kg.namespaces import KKG, KKR, RDFS, shorten
from kosovo_kg.publish.answers import AnswerTable, Reader, Value, answer_table
from kosovo_kg.publish.citing import Release, cite_answer, source_text
from kosovo_kg.publish.links import STATIC, Links, safe_url
from kosovo_kg.publish.lookup import MENTION, Doubt, Lookup
from kosovo_kg.publish.profiles import (
    TIMELINE,
    english_names,
    is_fact,
    key_dates,
    names_in_languages,
    panels_for,
    readable_statements,
    referring,
    texts_of,
    timeline,
    wikidata_of,
)
from kosovo_kg.querying.catalogue import StoredQuery, bind_parameters, catalogue, get_stored_query
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, evaluate, prepare
from kosovo_kg.querying.sparqltext import insert_values, tokens

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.publish.profiles import Entry, PanelSpec
    from kosovo_kg.querying.results import Result

TEMPLATES = Path(__file__).with_name("templates")
SITE_NAME = "kosovo-kg"
SITE_DESCRIPTION = (
    "Kosovo–NATO relations as a knowledge graph: which NATO members recognize Kosovo, polls on membership, "
    "KFOR's strength, who said what about NATO — every fact dated and linked to its source."
)
#: The question the SPARQL editor opens on when none is named.
FIRST_QUESTION = "non-recognizing-nato-members"
#: The topics of the questions, in the order the home page lists them (a question is listed under
#: its first tag; ``contract`` marks the stable ones and is no topic).
TOPICS = {
    "recognition": "Recognition of Kosovo",
    "nato": "NATO and its members",
    "memberships": "Memberships",
    "aspirations": "Kosovo's aspirations",
    "obstacles": "Obstacles to accession",
    "statements": "Who said what",
    "positions": "Positions",
    "polls": "Polls",
    "kfor": "KFOR",
    "timeline": "Timeline",
    "events": "Events",
    "causes": "Causes and outcomes",
    "purposes": "Purposes",
    "roles": "Roles",
    "actors": "People and offices",
    "sources": "Sources",
    "names": "Names",
    "wikidata": "Wikidata links",
    "quality": "Quality",
    "profiles": "Profiles",
    "federated": "Joined with Wikidata",
}
NOT_TOPICS = ("contract",)
#: Parameter choices are offered as a list when there are at most this many.
MAX_CHOICES = 400
#: What the search box's label says, on every page.
SEARCH_LABEL = "Search the graph"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
#: Every href and src the templates write passes through this filter (see links.safe_url).
_environment.filters["url"] = lambda value: safe_url(value) or ""
_environment.filters["tojson_pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2)

Made = TypeVar("Made")


def render(template: str, **context: Any) -> str:
    return _environment.get_template(template).render(**context)


def describe(kg: KnowledgeGraph, iri: str) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """The triples about a resource, out of it and into it (the RDFS entailments included, as
    queries see them), or ``None`` if the graph has none: what a resource's page and its RDF show."""
    node = ox.NamedNode(iri)
    outgoing = [quad.triple for quad in kg.store.quads_for_pattern(node, None, None)]
    if not outgoing:
        return None
    incoming = [quad.triple for quad in kg.store.quads_for_pattern(None, None, node)]
    return list(dict.fromkeys(outgoing)), list(dict.fromkeys(incoming))


def choices_text(text: str, variable: str) -> str | None:
    """A stored query's WHERE clause asked for the values of one of its parameters: ``SELECT DISTINCT
    ?var WHERE {…}`` with the same prologue and pattern, so the choices offered are exactly those
    that give an answer (``None`` for a query whose shape this does not find)."""
    found = list(tokens(text))
    select = next((i for i, t in enumerate(found) if t.kind == "word" and t.text.upper() == "SELECT"), None)
    if select is None:
        return None
    where = next((i for i in range(select, len(found)) if found[i].kind == "open"), None)
    if where is None:
        return None
    depth = 0
    for token in found[where:]:
        depth += {"open": 1, "close": -1}.get(token.kind, 0)
        if depth == 0:
            body = text[found[where].start : token.start + 1]
            return f"{text[: found[select].start]}SELECT DISTINCT ?{variable} WHERE {body}"
    return None


def linked_text(text: str, reader: Reader) -> list[str | Value]:
    """A curator's text (a doubt, a comment) with each ``kkr:NAME`` it mentions as a link by label."""
    parts: list[str | Value] = []
    at = 0
    for match in MENTION.finditer(text):
        iri = KKR + match.group(1)
        if iri not in reader.lookup.labels:
            continue
        parts.append(text[at : match.start()])
        parts.append(reader.resource(iri))
        at = match.end()
    parts.append(text[at:])
    return [p for p in parts if p != ""]


class Pages:
    """Renders the pages; what is the same on every request is made once and kept."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        allow_federation: bool,
        links: Links | None = None,
        release: Release | Callable[[], Release] | None = None,
    ):
        self.kg, self.allow_federation = kg, allow_federation
        self.links = links or Links()
        self._release = release
        self._made: dict[str, object] = {}
        self._lock = threading.RLock()

    def once(self, key: str, make: Callable[[], Made]) -> Made:
        with self._lock:
            if key not in self._made:
                self._made[key] = make()
            return self._made[key]  # type: ignore[return-value]

    @cached_property
    def lookup(self) -> Lookup:
        return Lookup(self.kg)

    @property
    def labels(self) -> dict[str, str]:
        return self.kg.labels

    @cached_property
    def reader(self) -> Reader:
        return Reader(self.lookup, self.links)

    @property
    def release(self) -> Release | None:
        if callable(self._release):
            self._release = self.once("release", self._release)
        return self._release

    def page_url(self, path: str) -> str | None:
        """A page's address where the site's is known (a release built with --base-url)."""
        release = self.release
        return release.url + path if release is not None and release.url else None

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or shorten(iri)

    def run(self, name: str, params: dict[str, str] | None = None) -> Result:
        """A stored question's answer from the graph held here (the home page's, the site's)."""
        options = QueryOptions()
        return evaluate(prepare(get_stored_query(name), params or {}, options, self.kg), self.kg, options)

    def table(self, result: Result, **columns: tuple[str, ...]) -> AnswerTable:
        return answer_table(result, self.lookup, self.links, **columns)

    def doubt_parts(self, doubt: Doubt) -> dict[str, object]:
        return {
            "about": self.reader.resource(doubt.about),
            "text": linked_text(doubt.text, self.reader),
            "by": [self.reader.resource(s) for s in doubt.disputed_by],
        }

    def context(self, **page: Any) -> dict[str, Any]:
        """What every template is given: the links, the page's own words, and the helpers."""
        return {
            "links": self.links,
            "site_name": SITE_NAME,
            "search_label": SEARCH_LABEL,
            "description": SITE_DESCRIPTION,
            "canonical": None,
            "og_type": "website",
            "doubt_parts": self.doubt_parts,
            "source_value": self.reader.resource,
            "release": self.release,
            **page,
        }

    def render(self, template: str, **page: Any) -> str:
        return render(template, **self.context(**page))

    # --- the questions ---------------------------------------------------------------------

    def runnable(self, query: StoredQuery) -> bool:
        return self.allow_federation or not query.federated

    def gallery(self) -> list[tuple[str, str, list[dict[str, object]]]]:
        """The stored questions by topic: (tag, title, cards), in the order of :data:`TOPICS`."""
        groups: dict[str, list[dict[str, object]]] = {}
        for query in catalogue().values():
            topics = [t for t in query.tags if t not in NOT_TOPICS] or ["other"]
            groups.setdefault(topics[0], []).append(
                {
                    "name": query.name,
                    "summary": query.summary,
                    "description": query.description,
                    "tags": [TOPICS.get(t, t) for t in topics],
                    "parameters": [p.name for p in query.parameters],
                    "runnable": self.runnable(query),
                    "federated": query.federated,
                }
            )
        order = list(TOPICS)
        ranked = sorted(
            groups.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0])
        )
        return [
            (tag, TOPICS.get(tag, tag.capitalize()), sorted(cards, key=lambda c: str(c["summary"])))
            for tag, cards in ranked
        ]

    def questions(self) -> list[dict[str, object]]:
        """Every stored question for the SPARQL editor: its parameters (for the form) and, when its
        defaults suffice, the text it runs with them."""
        found = []
        for query in catalogue().values():
            found.append(
                {
                    "name": query.name,
                    "summary": query.summary,
                    "description": query.description,
                    "federated": query.federated,
                    "runnable": self.runnable(query),
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

    def choices(self, query: StoredQuery) -> dict[str, list[tuple[str, str]]]:
        """For each resource parameter, the resources that give the question an answer, by name:
        (the value to send, the name to show)."""

        def make() -> dict[str, list[tuple[str, str]]]:
            found: dict[str, list[tuple[str, str]]] = {}
            options = QueryOptions()
            for parameter in query.parameters:
                if parameter.type != "iri":
                    continue
                text = choices_text(query.text, parameter.variable)
                if text is None or not self.runnable(query):
                    continue
                try:
                    result = evaluate(prepare(text, None, options, self.kg), self.kg, options)
                except KosovoKGError:
                    continue
                values = {}
                for (term,) in result.rows:
                    if isinstance(term, ox.NamedNode):
                        if term.value.startswith(KKR):
                            values[term.value[len(KKR) :]] = self.label(term.value)
                        elif term.value.startswith(KKG):
                            values[shorten(term.value)] = self.label(term.value)
                if 0 < len(values) <= MAX_CHOICES:
                    found[parameter.name] = sorted(values.items(), key=lambda item: (item[1].lower(), item[0]))
            return found

        return self.once("choices " + query.name, make)

    def figure(self, chart: str) -> dict[str, object]:
        """A chart as a page shows it: its title, what it shows, its key facts with their sources, and the
        doubts recorded on what it plots."""

        def make() -> dict[str, object]:
            from kosovo_kg.publish.charts.data import CHARTS, chart_data, key_facts

            query, description = CHARTS[chart]
            data = chart_data(chart, self.kg)
            sources = self.lookup.source_by_label
            facts = [
                (text, [self.reader.source(sources[s]) if s in sources else Value(s) for s in found])
                for text, found in key_facts(data)
            ]
            doubts = self.table(self.run(query)).doubts
            return {
                "name": chart,
                "title": data.title,
                "description": description,
                "query": query,
                "facts": facts,
                "doubts": doubts,
            }

        return self.once("figure " + chart, make)

    def charts(self) -> list[str]:
        from kosovo_kg.publish.charts.data import CHARTS

        return list(CHARTS)

    def chart_of(self, query: str) -> str | None:
        from kosovo_kg.publish.charts.data import CHARTS

        return next((name for name, (drawn, _) in CHARTS.items() if drawn == query), None)

    # --- the home page -------------------------------------------------------------------

    def headlines(self) -> dict[str, object]:
        """The answers the home page gives on arrival, each from its stored question, with its sources."""
        status = self.table(self.run("recognition-status"))
        position = {name: i for i, name in enumerate(status.columns)}
        refusing: list[Value] = []
        recognizing: dict[str, list[Value]] = {}
        for row in status.rows:
            state = row.cells[position["state"]][0]
            if row.cells[position["recognizes"]] and row.cells[position["recognizes"]][0].text == "yes":
                date = row.cells[position["date"]][0].text if row.cells[position["date"]] else "date unknown"
                recognizing.setdefault(date, []).append(state)
            else:
                refusing.append(state)
        recognition = {
            "refusing": refusing,
            "recognizing": sorted(recognizing.items()),
            "members": len(status.rows),
            "sources": status.sources,
            "doubts": status.doubts,
        }
        return {
            "recognition": recognition,
            "polls": self.table(
                self.run("poll-trend"),
                only=("pollster", "start", "end", "sample_size", "support", "opposed", "neutral", "poll"),
            ),
            "kfor": self.table(self.run("kfor-strength"), only=("date", "troops")),
            "statements": self.table(
                self.run("statements-on-nato"), only=("date", "speaker", "role", "stance", "statement", "source")
            ),
            "timeline": timeline(self.table(self.run("timeline"), only=("date", "fact", "kind", "source")), limit=None)[
                0
            ],
        }

    def home(self, template: str = "home.html", **extra: Any) -> str:
        def make() -> str:
            return self.render(
                template,
                title="Kosovo–NATO relations, every fact sourced",
                headlines=self.headlines(),
                gallery=self.gallery(),
                figures={name: self.figure(name) for name in self.charts()},
                allow_federation=self.allow_federation,
                **extra,
            )

        return make() if extra else self.once("home " + template, make)

    # --- a page per stored question ----------------------------------------------------------

    def question(
        self,
        query: StoredQuery,
        given: dict[str, str],
        result: Result | None,
        prepared: PreparedQuery | None,
        *,
        error: str | None = None,
        page_url: str | None = None,
    ) -> str:
        """A stored question's page: the question, its parameter choosers, the answer as a table with
        its doubts, the chart where it has one, the downloads, the query, and how to cite it."""
        table = self.table(result) if result is not None else None
        values = {p.name: given.get(p.name, p.default or "") for p in query.parameters}
        sent = {k: v for k, v in given.items() if v}
        chart = self.chart_of(query.name) if not sent else None
        citation = None
        release = self.release
        if table is not None and release is not None:
            sources = [self.lookup.sources[s] for s in table.sources if s in self.lookup.sources]
            citation = cite_answer(query.name, query.summary, values, release, page_url, sources)
        return self.render(
            "question.html",
            query=query,
            title=query.summary,
            description=query.description,
            canonical=page_url,
            values=values,
            given=sent,
            choices=self.choices(query),
            runnable=self.runnable(query),
            table=table,
            text=prepared.text if prepared is not None else self.default_text(query),
            error=error,
            figure=self.figure(chart) if chart else None,
            citation=citation,
            cited_sources=[self.lookup.sources[s] for s in table.sources if s in self.lookup.sources] if table else [],
            source_text=source_text,
        )

    # --- entity profiles --------------------------------------------------------------------

    def profile_queries(self, iri: str) -> list[tuple[PanelSpec, PreparedQuery]]:
        """The stored questions a profile's panels and timeline are answered by, prepared for ``iri``."""
        options = QueryOptions()
        specs = panels_for(self.lookup, iri)
        if not is_fact(self.lookup, iri) and not self.lookup.is_a(iri, KKG + "Source"):
            specs = [*specs, TIMELINE]
        name = iri[len(KKR) :]
        return [
            (spec, prepare(get_stored_query(spec.query), {spec.parameter: name}, options, self.kg)) for spec in specs
        ]

    def profile(
        self,
        iri: str,
        outgoing: list[ox.Triple],
        incoming: list[ox.Triple],
        answers: dict[str, Result],
        page_url: str | None = None,
    ) -> str:
        """An entity's profile from its triples and the answers of its :meth:`profile_queries`."""
        lookup, reader = self.lookup, self.reader
        name = iri[len(KKR) :]
        title = self.label(iri)
        kind = lookup.kind(iri)
        panels = []
        timeline_entries: list[Entry] = []
        timeline_total = 0
        for spec, _ in self.profile_queries(iri):
            result = answers.get(spec.query)
            if result is None or not result.rows:
                continue
            if spec.query == TIMELINE.query:
                timeline_entries, timeline_total = timeline(self.table(result))
                continue
            table = self.table(result, hide=spec.hide)
            if not any(values for row in table.rows for values in row.cells):
                continue  # the answer names the entity and nothing else (Kosovo has no NATO accession)
            panels.append(
                {"spec": spec, "table": table, "link": self.links.question(spec.query, {spec.parameter: name})}
            )
        qid, grade, no_wikidata = wikidata_of(lookup, iri, outgoing)
        summaries = texts_of(outgoing, KKG + "summary")
        comments = texts_of(outgoing, RDFS + "comment")
        source = lookup.sources.get(iri)
        fact_sources = [reader.resource(s) for s in lookup.sources_of.get(iri, [])]
        statements = readable_statements(
            [t for t in outgoing if t.predicate.value not in (KKG + "doubt",)], lookup, reader, self.kg.store
        )
        description = (
            summaries[0] if summaries else f"{title}: {kind} in the kosovo-kg knowledge graph of Kosovo–NATO relations."
        )
        return self.render(
            "profile.html",
            title=title,
            description=description,
            canonical=page_url,
            og_type="article",
            name=name,
            iri=iri,
            kind=kind,
            dates=key_dates(outgoing),
            wikidata=qid,
            grade=grade,
            no_wikidata=no_wikidata,
            also=english_names(outgoing, title),
            summaries=summaries,
            comments=[linked_text(c, reader) for c in comments],
            source=source,
            source_line=source_text(source) if source else None,
            source_link=reader.source(iri) if source else None,
            fact_sources=fact_sources,
            doubts=lookup.doubts.get(iri, []),
            panels=panels,
            timeline=timeline_entries,
            timeline_total=timeline_total,
            timeline_link=self.links.question(TIMELINE.query, {TIMELINE.parameter: name}),
            names=names_in_languages(outgoing),
            statements=statements,
            referred=referring(incoming, lookup, reader),
            folded=bool(panels or timeline_entries),
        )

    # --- errors, the editor ------------------------------------------------------------------

    def suggestions(self, path: str) -> list[Value]:
        """Pages close to an address that names none: resources by name or label, stored questions by name."""
        tail = path.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            tail = tail.removesuffix(suffix)
        if path.startswith(("/queries/", "/api/queries/")):
            questions = difflib.get_close_matches(tail, list(catalogue()), n=5, cutoff=0.5)
            return [Value(catalogue()[n].summary, self.links.question(n)) for n in questions]
        # the name index: "/resource/Greec", "/resource/Vucic" or "/resource/Ελλάδα" find their entity
        wanted = urllib.parse.unquote(tail).replace("-", " ").replace("_", " ")
        found = [m.iri for m in self.kg.name_index.search(wanted, limit=10) if m.iri.startswith(KKR)]
        return [self.reader.resource(iri) for iri in found[:5]]

    def error(self, status: int, message: str, path: str = "") -> str:
        titles = {400: "This request cannot be answered", 403: "Refused", 404: "Nothing here", 405: "Not allowed"}
        return self.render(
            "error.html",
            title=f"{titles.get(status, 'Something went wrong')} ({status})",
            description=message,
            status=status,
            message=message,
            suggestions=self.suggestions(path) if status == 404 else [],
        )

    def editor(self) -> str:
        def make() -> str:
            questions = self.questions()
            return self.render(
                "editor.html",
                title="SPARQL editor",
                description="Write SPARQL against the kosovo-kg graph of Kosovo–NATO relations, or start from a stored question.",
                questions=questions,
                questions_json=json.dumps(questions, ensure_ascii=False).replace("</", "<\\/"),
                first=FIRST_QUESTION,
            )

        return self.once("editor", make)


__all__ = ["STATIC", "Links", "Pages", "choices_text", "describe", "linked_text", "render"]
