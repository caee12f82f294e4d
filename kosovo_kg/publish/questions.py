"""The stored questions as the pages show them: the home page's gallery by topic, the SPARQL editor's
list (each question's form and the text its defaults give), the choices offered for a resource
parameter, a page per stored question with its answer, chart, downloads and citation, and the
SPARQL editor (served only), which opens on any of them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kosovo_kg.errors import KosovoKGError
from kosovo_kg.namespaces import KKG, KKR, shorten
from kosovo_kg.publish.citing import cite_answer, source_text
from kosovo_kg.querying.catalogue import StoredQuery, bind_parameters, catalogue
from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions, evaluate, prepare
from kosovo_kg.querying.sparqltext import insert_values, tokens

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.publish.pages import Pages
    from kosovo_kg.querying.results import Result

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
#: The question the SPARQL editor opens on when none is named.
FIRST_QUESTION = "non-recognizing-nato-members"
#: Parameter choices are offered as a list when there are at most this many.
MAX_CHOICES = 400


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


def default_text(query: StoredQuery, kg: KnowledgeGraph) -> str:
    """The text a question runs with its defaults, or its stored text when they do not suffice."""
    try:
        defaults = {n: str(t) for n, t in bind_parameters(query, {}, kg).items()}
    except KosovoKGError:
        return query.text
    return insert_values(query.text, defaults)


def gallery(pages: Pages) -> list[tuple[str, str, list[dict[str, object]]]]:
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
                "runnable": pages.runnable(query),
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


def editor_questions(pages: Pages) -> list[dict[str, object]]:
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
                "runnable": pages.runnable(query),
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.required and p.default is None,
                        "default": p.default,
                    }
                    for p in query.parameters
                ],
                "query": default_text(query, pages.kg),
            }
        )
    return found


def choices(pages: Pages, query: StoredQuery) -> dict[str, list[tuple[str, str]]]:
    """For each resource parameter, the resources that give the question an answer, by name:
    (the value to send, the name to show)."""

    def make() -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        options = QueryOptions()
        for parameter in query.parameters:
            if parameter.type != "iri":
                continue
            text = choices_text(query.text, parameter.variable)
            if text is None or not pages.runnable(query):
                continue
            try:
                result = evaluate(prepare(text, None, options, pages.kg), pages.kg, options)
            except KosovoKGError:
                continue
            values = {}
            for (term,) in result.rows:
                if isinstance(term, ox.NamedNode):
                    if term.value.startswith(KKR):
                        values[term.value[len(KKR) :]] = pages.label(term.value)
                    elif term.value.startswith(KKG):
                        values[shorten(term.value)] = pages.label(term.value)
            if 0 < len(values) <= MAX_CHOICES:
                found[parameter.name] = sorted(values.items(), key=lambda item: (item[1].lower(), item[0]))
        return found

    return pages.once("choices " + query.name, make)


def chosen(
    kg: KnowledgeGraph, query: StoredQuery, given: dict[str, str], offered: dict[str, list[tuple[str, str]]]
) -> dict[str, str]:
    """The choice each resource parameter was answered for, where it was given otherwise (by a
    name in any language, a prefixed name, an IRI): the chooser shows what the answer is for, not
    the first choice, which asking again would answer instead."""
    try:
        bound = bind_parameters(query, dict(given), kg)
    except KosovoKGError:
        return {}
    found = {}
    for parameter in query.parameters:
        keys = {key for key, _ in offered.get(parameter.name, [])}
        term = bound.get(parameter.variable)
        if not keys or given.get(parameter.name) in keys or not isinstance(term, ox.NamedNode):
            continue
        key = term.value[len(KKR) :] if term.value.startswith(KKR) else shorten(term.value)
        if key in keys:
            found[parameter.name] = key
    return found


def question_page(
    pages: Pages,
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
    table = pages.table(result) if result is not None else None
    values = {p.name: given.get(p.name, p.default or "") for p in query.parameters}
    offered = choices(pages, query)
    if prepared is not None:
        values.update(chosen(pages.kg, query, given, offered))
    sent = {k: v for k, v in given.items() if v}
    chart = pages.chart_of(query.name) if not sent else None
    citation = None
    release = pages.release
    if table is not None and release is not None:
        sources = [pages.lookup.sources[s] for s in table.sources if s in pages.lookup.sources]
        citation = cite_answer(query.name, query.summary, values, release, page_url, sources)
    return pages.render(
        "question.html",
        query=query,
        title=query.summary,
        description=query.description,
        canonical=page_url,
        values=values,
        given=sent,
        choices=offered,
        runnable=pages.runnable(query),
        table=table,
        text=prepared.text if prepared is not None else default_text(query, pages.kg),
        error=error,
        figure=pages.figure(chart) if chart else None,
        citation=citation,
        cited_sources=[pages.lookup.sources[s] for s in table.sources if s in pages.lookup.sources] if table else [],
        source_text=source_text,
    )


def editor_page(pages: Pages) -> str:
    """The SPARQL editor, with every stored question inline for its menu and forms (made once)."""

    def make() -> str:
        questions = editor_questions(pages)
        return pages.render(
            "editor.html",
            title="SPARQL editor",
            description="Write SPARQL against the kosovo-kg graph of Kosovo–NATO relations, or start from a stored question.",
            questions=questions,
            questions_json=json.dumps(questions, ensure_ascii=False).replace("</", "<\\/"),
            first=FIRST_QUESTION,
        )

    return pages.once("editor", make)


__all__ = [
    "FIRST_QUESTION",
    "MAX_CHOICES",
    "TOPICS",
    "choices",
    "choices_text",
    "chosen",
    "default_text",
    "editor_page",
    "editor_questions",
    "gallery",
    "question_page",
]
