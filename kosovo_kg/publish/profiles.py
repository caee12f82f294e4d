"""An entity's page as a profile: a summary line, panels by kind, a small timeline, names in other
languages, and every triple about it folded away at the bottom.

The panels are stored questions with the entity as their parameter (``queries/*.rq`` tagged
``profiles``), so each panel's answer is also a question page, a download and a citation. Which
panels a node gets follows from its classes (:data:`PANELS`); a panel whose answer is empty is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kosovo_kg.core.lexical import language_tag_case
from kosovo_kg.namespaces import KKG, KKR, OWL, RDF, RDFS, RDFS_LABEL, SKOS
from kosovo_kg.publish.answers import linked_text
from kosovo_kg.publish.citing import source_text
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, prepare

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.publish.answers import AnswerTable, Reader, Value
    from kosovo_kg.publish.lookup import Lookup
    from kosovo_kg.publish.pages import Pages
    from kosovo_kg.querying.results import Result


@dataclass(frozen=True)
class PanelSpec:
    title: str
    query: str  #: the stored question that answers it
    parameter: str  #: its parameter that takes the entity
    hide: tuple[str, ...] = ()  #: columns the profile says elsewhere (the entity itself, its Wikidata link)


#: The panels of each kind of node, by class (a node of several classes gets each one's panels once).
PANELS: list[tuple[str, list[PanelSpec]]] = [
    (
        KKG + "State",
        [
            PanelSpec("NATO and the recognition of Kosovo", "state-profile", "state", ("label", "wikidata")),
            PanelSpec("What its leaders and bodies said", "statements-from-state", "state"),
            PanelSpec("Memberships", "memberships-of", "member"),
        ],
    ),
    (
        KKG + "Person",
        [
            PanelSpec("Offices", "offices-of", "person"),
            PanelSpec("Statements", "statements-by-person", "speaker"),
        ],
    ),
    (
        KKG + "MilitaryForce",
        [
            PanelSpec("Strength over time", "troop-strength", "force"),
            PanelSpec("Mandate: where it was deployed and what for", "deployments-of", "force"),
        ],
    ),
    (
        KKG + "Organization",
        [
            PanelSpec("Members", "members-of", "organization"),
            PanelSpec("Memberships", "memberships-of", "member"),
            PanelSpec("Statements", "statements-by-person", "speaker"),
        ],
    ),
    (KKG + "OpinionPoll", [PanelSpec("Figures", "poll-figures", "poll", ("pollster",))]),
    (KKG + "Source", [PanelSpec("What it supports, and what it disputes", "facts-citing", "source")]),
    (
        KKG + "Event",
        [
            PanelSpec("Participants and place", "event-participants", "event"),
            PanelSpec("Causes and outcomes", "causes-and-outcomes-of", "event"),
        ],
    ),
]
#: The timeline of an entity's dated facts (a fact's own profile has its date in its summary).
TIMELINE = PanelSpec("Timeline", "facts-about", "entity")
#: How many of an entity's dated facts its profile lists (the question page has them all).
TIMELINE_LENGTH = 40
#: Derived from the dates, stated in no file: a profile gives the dates themselves.
DATE_BOUNDS = frozenset(KKG + p for p in ("earliestStart", "latestStart", "earliestEnd", "latestEnd"))
#: Said by the summary line, the names and the doubts; the folded list leaves them to those.
SHOWN_ELSEWHERE = frozenset({KKG + "doubt", KKG + "disputedBy"})
LABELS = {RDFS_LABEL: "name", SKOS + "prefLabel": "name", SKOS + "altLabel": "also called"}
#: The properties that date a node, as its summary line gives them.
DATES = ("date", "startDate", "endDate", "asOf", "published")
#: How deep blank nodes are shown inside one another, and how many triples at most.
BLANK_DEPTH, BLANK_TRIPLES = 4, 400


def panels_for(lookup: Lookup, iri: str) -> list[PanelSpec]:
    """The panels of a node, by its classes, each once."""
    chosen: list[PanelSpec] = []
    for cls, specs in PANELS:
        if lookup.is_a(iri, cls):
            chosen += [spec for spec in specs if all(spec.query != s.query for s in chosen)]
    return chosen


def is_fact(lookup: Lookup, iri: str) -> bool:
    return lookup.is_a(iri, KKG + "Fact") and not lookup.is_a(iri, KKG + "Source")


@dataclass
class Statement:
    """One property of the node and its values, as the folded list shows it."""

    property: str
    values: list[Value | Nested]


@dataclass
class Nested:
    """A blank node shown inline: its own statements."""

    statements: list[Statement] = field(default_factory=list)


@dataclass
class Entry:
    """A dated fact of the timeline."""

    date: str
    fact: Value
    kind: str
    sources: list[Value]
    doubts: list = field(default_factory=list)


def readable_statements(
    triples: list[ox.Triple],
    lookup: Lookup,
    reader: Reader,
    store: ox.Store,
    depth: int = 0,
    budget: list[int] | None = None,
) -> list[Statement]:
    """The triples of one node as property -> values, without what the graph derived from others: the
    classes implied by a narrower one, a property implied by a narrower one with the same value, the
    date bounds. Blank nodes are shown inline."""
    budget = budget if budget is not None else [BLANK_TRIPLES]
    types = {
        t.object.value for t in triples if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode)
    }
    specific = set(lookup.specific_types(types))
    stated = {(t.predicate.value, t.object) for t in triples}
    grouped: dict[str, list[Value | Nested]] = {}
    for triple in triples:
        predicate, value = triple.predicate.value, triple.object
        if predicate in DATE_BOUNDS or isinstance(value, ox.Triple):
            continue
        if predicate == RDF + "type" and isinstance(value, ox.NamedNode) and value.value not in specific:
            continue
        narrower = [
            p for p, o in stated if o == value and p != predicate and predicate in lookup.superproperties.get(p, ())
        ]
        if narrower:
            continue
        name = (
            "is a"
            if predicate == RDF + "type"
            else LABELS.get(predicate) or lookup.labels.get(predicate) or _local(predicate)
        )
        if isinstance(value, ox.BlankNode):
            inner = [q.triple for q in store.quads_for_pattern(value, None, None)]
            budget[0] -= len(inner)
            if depth < BLANK_DEPTH and budget[0] >= 0:
                grouped.setdefault(name, []).append(
                    Nested(readable_statements(inner, lookup, reader, store, depth + 1, budget))
                )
            continue
        grouped.setdefault(name, []).append(reader.term(value))
    for values in grouped.values():  # blank nodes by what they say: their labels differ from load to load
        values.sort(key=_order_key)
    order = {"is a": 0, "name": 1, "also called": 2}
    return [
        Statement(name, values) for name, values in sorted(grouped.items(), key=lambda i: (order.get(i[0], 9), i[0]))
    ]


def _order_key(value: Value | Nested) -> tuple[int, str]:
    if isinstance(value, Nested):
        return (1, repr([(s.property, [_order_key(v) for v in s.values]) for s in value.statements]))
    return (0, f"{value.text}\x00{value.href or ''}")


def referring(incoming: list[ox.Triple], lookup: Lookup, reader: Reader) -> list[Statement]:
    """What points at the node, by property, without the properties implied by narrower ones."""
    stated = {(t.subject, t.predicate.value) for t in incoming}
    grouped: dict[str, list[Value | Nested]] = {}
    for triple in incoming:
        subject, predicate = triple.subject, triple.predicate.value
        if not isinstance(subject, ox.NamedNode):
            continue
        if any(s == subject and p != predicate and predicate in lookup.superproperties.get(p, ()) for s, p in stated):
            continue
        name = lookup.labels.get(predicate) or _local(predicate)
        grouped.setdefault(name, []).append(reader.term(subject))
    for values in grouped.values():
        values.sort(key=lambda v: v.text if not isinstance(v, Nested) else "")
    return [Statement(name, values) for name, values in sorted(grouped.items())]


def _local(iri: str) -> str:
    for mark in ("#", "/"):
        if mark in iri:
            iri = iri.rsplit(mark, 1)[1]
    return iri


def names_in_languages(outgoing: list[ox.Triple]) -> list[tuple[str, str, str, str]]:
    """(language tag, language name, kind of name, the name) for each name not in English."""
    found = []
    for triple in outgoing:
        value = triple.object
        if triple.predicate.value in LABELS and isinstance(value, ox.Literal) and value.language:
            tag = language_tag_case(value.language)
            if tag.lower() in ("en",) or tag.lower().startswith("en-"):
                continue
            found.append((tag, language_name(tag), LABELS[triple.predicate.value], value.value))
    return sorted(set(found), key=lambda n: (n[1], n[0], n[2] != "name", n[3]))


def english_names(outgoing: list[ox.Triple], title: str) -> list[str]:
    """The English names other than the title (KFOR for the Kosovo Force)."""
    names = []
    for triple in outgoing:
        value = triple.object
        if triple.predicate.value in LABELS and isinstance(value, ox.Literal) and value.language in (None, "en"):
            if value.value != title and value.value not in names:
                names.append(value.value)
    return sorted(names)


#: Names of the languages the graph had first, for when Babel (the ``names`` extra) is not installed.
LANGUAGE_NAMES = {"en": "English", "sq": "Albanian", "sr": "Serbian (Cyrillic)", "sr-latn": "Serbian (Latin)"}


def language_name(tag: str) -> str:
    """A language's name in English, from CLDR (Babel) where it is installed."""
    if tag.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[tag.lower()]
    try:
        from babel import Locale, UnknownLocaleError

        try:
            return Locale.parse(tag.replace("-", "_")).get_display_name("en") or tag
        except (UnknownLocaleError, ValueError):
            return tag
    except ImportError:
        return tag


def key_dates(outgoing: list[ox.Triple]) -> list[tuple[str, str]]:
    """(what, date) for the dates a node states, in the order a summary line gives them."""
    found: dict[str, str] = {}
    for triple in outgoing:
        predicate, value = triple.predicate.value, triple.object
        if predicate.startswith(KKG) and predicate[len(KKG) :] in DATES and isinstance(value, ox.Literal):
            found.setdefault(predicate[len(KKG) :], value.value)
    words = {"date": "on", "startDate": "from", "endDate": "until", "asOf": "as of", "published": "published"}
    return [(words[p], found[p]) for p in DATES if p in found]


def texts_of(outgoing: list[ox.Triple], predicate: str) -> list[str]:
    return sorted(
        t.object.value
        for t in outgoing
        if t.predicate.value == predicate and isinstance(t.object, ox.Literal) and t.object.language in (None, "en")
    )


def timeline(table: AnswerTable, limit: int | None = TIMELINE_LENGTH) -> tuple[list[Entry], int]:
    """The entries of a dated answer with the columns date, fact, kind and source (``facts-about``,
    ``timeline``): one per fact, its sources together; and how many there are."""
    position = {name: i for i, name in enumerate(table.columns)}
    entries = []
    for row in table.rows:
        cells = row.cells
        fact = cells[position["fact"]][0] if cells[position["fact"]] else None
        if fact is None:
            continue
        date = cells[position["date"]][0].text if cells[position["date"]] else ""
        kind = cells[position["kind"]][0].text if cells[position["kind"]] else ""
        entries.append(Entry(date, fact, kind, cells[position["source"]], row.doubts))
    return entries[:limit], len(entries)


def wikidata_of(lookup: Lookup, iri: str, outgoing: list[ox.Triple]) -> tuple[str | None, str, str | None]:
    """(the Wikidata identifier, the grade of its evidence, the reason there is none)."""
    if iri in lookup.wikidata:
        qid, grade = lookup.wikidata[iri]
        return qid, grade, None
    reasons = texts_of(outgoing, KKG + "noWikidataReason")
    return None, "", reasons[0] if reasons else None


def same_as_elsewhere(outgoing: list[ox.Triple]) -> list[str]:
    return [
        t.object.value for t in outgoing if t.predicate.value == OWL + "sameAs" and isinstance(t.object, ox.NamedNode)
    ]


def resource_name(iri: str) -> str:
    return iri[len(KKR) :] if iri.startswith(KKR) else iri


def describe(kg: KnowledgeGraph, iri: str) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """The triples about a resource, out of it and into it (the RDFS entailments included, as
    queries see them), or ``None`` if the graph has none: what a resource's page and its RDF show."""
    node = ox.NamedNode(iri)
    outgoing = [quad.triple for quad in kg.store.quads_for_pattern(node, None, None)]
    if not outgoing:
        return None
    incoming = [quad.triple for quad in kg.store.quads_for_pattern(None, None, node)]
    return list(dict.fromkeys(outgoing)), list(dict.fromkeys(incoming))


def profile_queries(pages: Pages, iri: str) -> list[tuple[PanelSpec, PreparedQuery]]:
    """The stored questions a profile's panels and timeline are answered by, prepared for ``iri``."""
    options = QueryOptions()
    specs = panels_for(pages.lookup, iri)
    if not is_fact(pages.lookup, iri) and not pages.lookup.is_a(iri, KKG + "Source"):
        specs = [*specs, TIMELINE]
    name = iri[len(KKR) :]
    return [(spec, prepare(get_stored_query(spec.query), {spec.parameter: name}, options, pages.kg)) for spec in specs]


def answered_panels(
    pages: Pages, iri: str, answers: dict[str, Result]
) -> tuple[list[dict[str, Any]], list[Entry], int]:
    """The panels whose answers say more than the entity's name, and the timeline's entries with
    their number: what the answers of :func:`profile_queries` show on the profile."""
    name = iri[len(KKR) :]
    panels = []
    entries: list[Entry] = []
    total = 0
    for spec, _ in profile_queries(pages, iri):
        result = answers.get(spec.query)
        if result is None or not result.rows:
            continue
        if spec.query == TIMELINE.query:
            entries, total = timeline(pages.table(result))
            continue
        table = pages.table(result, hide=spec.hide)
        if not any(values for row in table.rows for values in row.cells):
            continue  # the answer names the entity and nothing else (Kosovo has no NATO accession)
        panels.append({"spec": spec, "table": table, "link": pages.links.question(spec.query, {spec.parameter: name})})
    return panels, entries, total


def profile_page(
    pages: Pages,
    iri: str,
    outgoing: list[ox.Triple],
    incoming: list[ox.Triple],
    answers: dict[str, Result],
    page_url: str | None = None,
) -> str:
    """An entity's profile from its triples and the answers of its :func:`profile_queries`."""
    lookup, reader = pages.lookup, pages.reader
    name = iri[len(KKR) :]
    title = pages.label(iri)
    kind = lookup.kind(iri)
    panels, timeline_entries, timeline_total = answered_panels(pages, iri, answers)
    qid, grade, no_wikidata = wikidata_of(lookup, iri, outgoing)
    summaries = texts_of(outgoing, KKG + "summary")
    source = lookup.sources.get(iri)
    statements = readable_statements(
        [t for t in outgoing if t.predicate.value not in (KKG + "doubt",)], lookup, reader, pages.kg.store
    )
    description = (
        summaries[0] if summaries else f"{title}: {kind} in the kosovo-kg knowledge graph of Kosovo–NATO relations."
    )
    return pages.render(
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
        comments=[linked_text(c, reader) for c in texts_of(outgoing, RDFS + "comment")],
        source=source,
        source_line=source_text(source) if source else None,
        source_link=reader.source(iri) if source else None,
        fact_sources=[reader.resource(s) for s in lookup.sources_of.get(iri, [])],
        doubts=lookup.doubts.get(iri, []),
        panels=panels,
        timeline=timeline_entries,
        timeline_total=timeline_total,
        timeline_link=pages.links.question(TIMELINE.query, {TIMELINE.parameter: name}),
        names=names_in_languages(outgoing),
        statements=statements,
        referred=referring(incoming, lookup, reader),
        folded=bool(panels or timeline_entries),
    )


__all__ = [
    "PANELS",
    "TIMELINE",
    "Entry",
    "Nested",
    "PanelSpec",
    "Statement",
    "answered_panels",
    "describe",
    "english_names",
    "is_fact",
    "key_dates",
    "language_name",
    "names_in_languages",
    "panels_for",
    "profile_page",
    "profile_queries",
    "readable_statements",
    "referring",
    "texts_of",
    "timeline",
    "wikidata_of",
]
