"""The facts Wikidata can take, as QuickStatements (V1) commands, each with its reference.

One command per line, tab-separated: item, property, value, then qualifiers (P…) and
reference fields (S…). Only links graded strong (kkg:StrongEvidence: two independent pairings) are
written to Wikidata; facts whose parts have no such link, or that no checked Wikidata property
expresses, are left out and listed with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import WD
from kosovo_kg.querying.pipeline import execute

MEMBER_OF, START_TIME, POSITION_HELD, SERIES_ORDINAL = "P463", "P580", "P39", "P1545"
REFERENCE_URL = "S854"
#: What the data must hold to become a command's field: a command's first field is read by its first
#: character ("-Q222" removes a statement, "LAST" names the item created last), so an item is a Q-number
#: and nothing else; a date is a year, a month or a day; a URL is whole, with nothing to clean out of it.
ITEM = re.compile(r"Q[1-9][0-9]*")
DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")
URL = re.compile(r'https?://[^\s"]+')


@dataclass
class QuickStatements:
    commands: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(command + "\n" for command in self.commands)


def qs_time(lexical: str) -> str | None:
    """A date at its precision as a QuickStatements time value (``None`` for what is no such date).

    >>> qs_time("2009-04-01"), qs_time("2012-07"), qs_time("2014"), qs_time("2009-04-01T00:00:00"), qs_time("1-2-3-4")
    ('+2009-04-01T00:00:00Z/11', '+2012-07-00T00:00:00Z/10', '+2014-00-00T00:00:00Z/9', None, None)
    """
    if not DATE.fullmatch(lexical):
        return None
    parts = lexical.split("-")
    precision = {1: 9, 2: 10, 3: 11}[len(parts)]
    year, month, day = [*parts, "00", "00"][:3]
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def qs_string(text: str) -> str:
    """A string value: double-quoted, with no tab, newline or double quote inside it."""
    cleaned = " ".join(text.replace('"', "'").split())
    return f'"{cleaned}"'


def _qid(iri: str | None) -> str | None:
    """The Wikidata item an IRI names (``None`` for anything that is not ``wd:Q…``)."""
    local = iri.removeprefix(WD) if iri and iri.startswith(WD) else ""
    return local if ITEM.fullmatch(local) else None


def _reference(url: str) -> list[str] | None:
    # No S813 (retrieved): the outside sources were checked in stored copies, not at their URL.
    return [REFERENCE_URL, qs_string(url)] if URL.fullmatch(url) else None


def _doubted(fact: str, doubt: object) -> str:
    """Why a fact stays out: a value the graph records a doubt about is for an editor to weigh, not
    for a batch to write."""
    return f"{fact}: the graph records a doubt about it, for an editor to weigh: {doubt}"


def quickstatements(kg: KnowledgeGraph) -> QuickStatements:
    """Commands for NATO memberships with their start and for numbered office holders; a fact the
    graph records a doubt about stays out, listed with its doubt.

    >>> from kosovo_kg import load_graph
    >>> out = quickstatements(load_graph())
    >>> out.commands[0].split("\\t")[:5]
    ['Q222', 'P463', 'Q7184', 'P580', '+2009-04-01T00:00:00Z/11']
    """
    result = QuickStatements()
    # The office holders' ordinals come from the article itself, an encyclopedia entry (a citable kind).
    article_url = next(
        iter(execute("SELECT ?url WHERE { kkr:article kkg:url ?url ; kkg:sourceKind/kkg:citable true }", kg=kg))
    )["url"]
    article_reference = _reference(str(article_url))
    for row in execute(
        # A reference must be a source a Wikidata editor can cite (kkg:citable true: official, scholarly,
        # news or encyclopedia), never a mirror, a copy or a page of unknown standing; one per fact.
        """SELECT ?member ?label ?organization ?orgLabel ?start (MIN(?citable) AS ?url) (SAMPLE(?said) AS ?doubt)
           WHERE {
             ?fact kkg:member ?m ; kkg:organization ?o ; kkg:membershipType kkg:FullMember ; kkg:startDate ?start .
             ?m rdfs:label ?label . ?o rdfs:label ?orgLabel .
             OPTIONAL { ?fact kkg:doubt ?said }
             OPTIONAL { ?m owl:sameAs ?member ; kkg:evidenceGrade kkg:StrongEvidence
                        FILTER(STRSTARTS(STR(?member), "http://www.wikidata.org/entity/")) }
             OPTIONAL { ?o owl:sameAs ?organization ; kkg:evidenceGrade kkg:StrongEvidence
                        FILTER(STRSTARTS(STR(?organization), "http://www.wikidata.org/entity/")) }
             OPTIONAL { ?fact kkg:source ?source . ?source kkg:sourceKind/kkg:citable true ; kkg:url ?citable }
           } GROUP BY ?member ?label ?organization ?orgLabel ?start ORDER BY ?label""",
        kg=kg,
    ):
        member, organization = _qid(row["member"]), _qid(row["organization"])
        start, reference = qs_time(str(row["start"])), _reference(str(row["url"] or ""))
        if not (member and organization and reference):
            result.skipped.append(
                f"{row['label']} in {row['orgLabel']}: no Wikidata item (Q…) linked with strong evidence "
                "or no citable source URL"
            )
            continue
        if start is None:
            result.skipped.append(f"{row['label']} in {row['orgLabel']}: the start {str(row['start'])!r} is no date")
            continue
        if row["doubt"] is not None:
            result.skipped.append(_doubted(f"{row['label']} in {row['orgLabel']}", row["doubt"]))
            continue
        command = [member, MEMBER_OF, organization, START_TIME, start]
        result.commands.append("\t".join(command + reference))
    for row in execute(
        """SELECT ?holder ?holderLabel ?office ?officeLabel ?ordinal (SAMPLE(?said) AS ?doubt) WHERE {
             ?tenure kkg:holder ?h ; kkg:office ?o ; kkg:ordinal ?ordinal .
             ?h rdfs:label ?holderLabel . ?o rdfs:label ?officeLabel .
             OPTIONAL { ?tenure kkg:doubt ?said }
             OPTIONAL { ?h owl:sameAs ?holder ; kkg:evidenceGrade kkg:StrongEvidence
                        FILTER(STRSTARTS(STR(?holder), "http://www.wikidata.org/entity/")) }
             OPTIONAL { ?o owl:sameAs ?office ; kkg:evidenceGrade kkg:StrongEvidence
                        FILTER(STRSTARTS(STR(?office), "http://www.wikidata.org/entity/")) }
           } GROUP BY ?holder ?holderLabel ?office ?officeLabel ?ordinal ORDER BY ?ordinal""",
        kg=kg,
    ):
        holder, office = _qid(row["holder"]), _qid(row["office"])
        if not (holder and office and article_reference):
            result.skipped.append(
                f"{row['holderLabel']} as {row['officeLabel']} ({row['ordinal']}): no Wikidata link graded strong"
            )
            continue
        if row["doubt"] is not None:
            result.skipped.append(
                _doubted(f"{row['holderLabel']} as {row['officeLabel']} ({row['ordinal']})", row["doubt"])
            )
            continue
        command = [holder, POSITION_HELD, office, SERIES_ORDINAL, qs_string(str(row["ordinal"]))]
        result.commands.append("\t".join(command + article_reference))
    for row in execute(
        """SELECT ?label WHERE { ?fact kkg:member kkr:kosovo ; rdfs:label ?label } ORDER BY ?label""", kg=kg
    ):
        result.skipped.append(f"{row['label']}: the NATO Parliamentary Assembly has no confirmed Wikidata identifier")
    for row in execute("""SELECT ?label WHERE { ?fact a kkg:Application ; rdfs:label ?label }""", kg=kg):
        result.skipped.append(f"{row['label']}: no Wikidata property for a pending application was checked")
    result.skipped.append("recognitions of Kosovo: no Wikidata property for diplomatic recognition was checked")
    return result
