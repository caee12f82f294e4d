"""What the pages need to know about every node of the graph, read once: labels, kinds, sources with
where each can be opened, the sources of each fact, the doubts recorded on each node, Wikidata links.

``serve`` builds it once in its own process (the graph does not change while serving) and the static
site once per release; both render the same pages from it (:mod:`kosovo_kg.publish.pages`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kosovo_kg.core.lexical import whole_number
from kosovo_kg.namespaces import KKG, KKR, OWL, RDF, RDFS, RDFS_LABEL, WD

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: Where a reference without its own address, DOI or ISBN is listed: the article's reference list.
REFERENCES_ANCHOR = "#References"
#: A resolver for each identifier a source may carry (the one Wikipedia's citations use for ISBNs).
DOI_RESOLVER = "https://doi.org/"
ISBN_RESOLVER = "https://en.wikipedia.org/wiki/Special:BookSources/"
#: A resource named in a curator's text (a doubt, a comment): ``kkr:src-gov-pl-kfor``.
MENTION = re.compile(r"kkr:([A-Za-z0-9][A-Za-z0-9_~.-]*[A-Za-z0-9_~-]|[A-Za-z0-9])")
ARTICLE = KKR + "article"


@dataclass
class Source:
    """A source as the pages cite it."""

    iri: str
    label: str
    details: dict[str, str] = field(default_factory=dict)  #: kkg:title, kkg:work, … by local name
    publisher: str | None = None
    number: int | None = None  #: the article's reference number
    article_url: str | None = None  #: where the article is, for a reference without an address of its own

    @property
    def target(self) -> str | None:
        """Where the source can be opened: its own address; else a resolver for its DOI or ISBN; else,
        for one of the article's references, the article's reference list."""
        if self.details.get("url"):
            return self.details["url"]
        if self.details.get("doi"):
            return DOI_RESOLVER + self.details["doi"]
        if self.details.get("isbn"):
            return ISBN_RESOLVER + self.details["isbn"].replace("-", "")
        if self.number is not None and self.article_url:
            return self.article_url + REFERENCES_ANCHOR
        return None

    @property
    def how(self) -> str:
        """What the source's link opens, in words (its title attribute)."""
        if self.details.get("url"):
            return "the source itself"
        if self.details.get("doi"):
            return f"DOI {self.details['doi']}"
        if self.details.get("isbn"):
            return f"ISBN {self.details['isbn']}"
        if self.target:
            return "the article's list of references, where it is reference " + str(self.number)
        return "the graph's record of the source"

    @property
    def year(self) -> str:
        return (self.details.get("published") or "")[:4]


@dataclass
class Doubt:
    """A doubt recorded on a node (``kkg:doubt``), with the sources that dispute its claim."""

    about: str
    text: str
    disputed_by: list[str]


class Lookup:
    """The graph's labels, kinds, sources and doubts, as the pages use them."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.labels = kg.labels

    def _objects(self, predicate: str) -> list[ox.Quad]:
        return list(self.kg.store.quads_for_pattern(None, ox.NamedNode(predicate), None))

    @cached_property
    def types(self) -> dict[str, set[str]]:
        """IRI -> every class it is an instance of (the entailed ones included)."""
        found: dict[str, set[str]] = {}
        for quad in self._objects(RDF + "type"):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                found.setdefault(quad.subject.value, set()).add(quad.object.value)
        return found

    def _closure(self, predicate: str) -> dict[str, set[str]]:
        direct: dict[str, set[str]] = {}
        for quad in self._objects(predicate):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                direct.setdefault(quad.subject.value, set()).add(quad.object.value)
        closed: dict[str, set[str]] = {}
        for start in direct:
            seen: set[str] = set()
            todo = list(direct[start])
            while todo:
                item = todo.pop()
                if item not in seen and item != start:
                    seen.add(item)
                    todo.extend(direct.get(item, ()))
            closed[start] = seen
        return closed

    @cached_property
    def superclasses(self) -> dict[str, set[str]]:
        return self._closure(RDFS + "subClassOf")

    @cached_property
    def superproperties(self) -> dict[str, set[str]]:
        return self._closure(RDFS + "subPropertyOf")

    def specific_types(self, classes: set[str]) -> list[str]:
        """The classes of a set that no other class of it is narrower than, by label."""
        narrowest = [c for c in classes if not any(c in self.superclasses.get(o, ()) for o in classes if o != c)]
        return sorted(narrowest, key=lambda c: (c not in self.labels, self.labels.get(c, c)))

    def kind(self, iri: str) -> str:
        """What a node is, in words: the label of its most specific class."""
        named = [c for c in self.specific_types(self.types.get(iri, set())) if c in self.labels]
        return self.labels[named[0]] if named else "resource"

    def is_a(self, iri: str, cls: str) -> bool:
        return cls in self.types.get(iri, set())

    # --- sources --------------------------------------------------------------------------

    @cached_property
    def article_url(self) -> str | None:
        return self.sources_details.get(ARTICLE, {}).get("url")

    @cached_property
    def sources_details(self) -> dict[str, dict[str, str]]:
        details: dict[str, dict[str, str]] = {}
        for iri in self.types:
            if KKG + "Source" in self.types[iri]:
                details[iri] = {}
        for quad in self.kg.store.quads_for_pattern(None, None, None):
            subject, predicate = quad.subject, quad.predicate.value
            if not isinstance(subject, ox.NamedNode) or subject.value not in details:
                continue
            if predicate.startswith(KKG) and isinstance(quad.object, ox.Literal):
                details[subject.value].setdefault(predicate[len(KKG) :], quad.object.value)
            elif predicate == KKG + "publisher" and isinstance(quad.object, ox.NamedNode):
                details[subject.value].setdefault("publisher", self.labels.get(quad.object.value, ""))
        return details

    @cached_property
    def sources(self) -> dict[str, Source]:
        """Every source of the graph, by IRI."""
        found = {}
        article = self.article_url
        for iri, details in self.sources_details.items():
            number = details.get("referenceNumber")
            found[iri] = Source(
                iri,
                self.labels.get(iri, iri),
                {k: v for k, v in details.items() if k != "publisher"},
                details.get("publisher") or None,
                whole_number(number),
                article,
            )
        return found

    @cached_property
    def source_by_label(self) -> dict[str, str]:
        """A source's label -> the source (labels that more than one source has are left out)."""
        return _unique((source.label, iri) for iri, source in self.sources.items())

    @cached_property
    def entity_by_label(self) -> dict[str, str]:
        """An English label -> the one resource that has it (sources aside): how a name in an
        answer's text column is linked to its page."""
        pairs = []
        for quad in self._objects(RDFS_LABEL):
            subject = quad.subject
            if (
                isinstance(subject, ox.NamedNode)
                and subject.value.startswith(KKR)
                and subject.value not in self.sources
                and isinstance(quad.object, ox.Literal)
                and quad.object.language in (None, "en")
            ):
                pairs.append((quad.object.value, subject.value))
        return _unique(dict.fromkeys(pairs))

    @cached_property
    def sources_of(self) -> dict[str, list[str]]:
        """A fact -> its sources (``kkg:source``), in reference order."""
        found: dict[str, list[str]] = {}
        for quad in self._objects(KKG + "source"):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                found.setdefault(quad.subject.value, []).append(quad.object.value)
        return {fact: self.in_reference_order(set(sources)) for fact, sources in found.items()}

    def in_reference_order(self, iris: set[str] | list[str]) -> list[str]:
        """Sources as a reference list orders them: the article's references by number, then the article, then the rest by label."""

        def key(iri: str) -> tuple[int, int, str, str]:
            source = self.sources.get(iri)
            if source is not None and source.number is not None:
                return (0, source.number, "", iri)
            return (1 if iri == ARTICLE else 2, 0, self.labels.get(iri, iri), iri)

        return sorted(set(iris), key=key)

    # --- doubts, Wikidata -----------------------------------------------------------------

    @cached_property
    def doubts(self) -> dict[str, list[Doubt]]:
        """A node -> the doubts recorded on it."""
        disputing: dict[str, list[str]] = {}
        for quad in self._objects(KKG + "disputedBy"):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                disputing.setdefault(quad.subject.value, []).append(quad.object.value)
        found: dict[str, list[Doubt]] = {}
        for quad in self._objects(KKG + "doubt"):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                node = quad.subject.value
                by = self.in_reference_order(disputing.get(node, []))
                found.setdefault(node, []).append(Doubt(node, quad.object.value, by))
        for doubts in found.values():
            doubts.sort(key=lambda d: d.text)
        return found

    @cached_property
    def wikidata(self) -> dict[str, tuple[str, str]]:
        """An entity -> (its Wikidata identifier, the grade of the evidence for the link)."""
        grades = {}
        for quad in self._objects(KKG + "evidenceGrade"):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                grades[quad.subject.value] = self.labels.get(quad.object.value, "")
        found = {}
        for quad in self._objects(OWL + "sameAs"):
            subject, item = quad.subject, quad.object
            if isinstance(subject, ox.NamedNode) and isinstance(item, ox.NamedNode) and item.value.startswith(WD):
                if subject.value.startswith(KKR):
                    found[subject.value] = (item.value[len(WD) :], grades.get(subject.value, ""))
        return found


def _unique(pairs: object) -> dict[str, str]:
    found: dict[str, str] = {}
    clashing: set[str] = set()
    for key, value in pairs:  # type: ignore[attr-defined]
        if key in found and found[key] != value:
            clashing.add(key)
        found.setdefault(key, value)
    return {key: value for key, value in found.items() if key not in clashing}


__all__ = ["DOI_RESOLVER", "ISBN_RESOLVER", "MENTION", "Doubt", "Lookup", "Source"]
