"""One index of every name in the graph: what the search box, ``kosovo-kg find``, stored-query
parameters given by name and the reconciliation service all look names up in.

Every entity's labels and alternative names, in every language the graph has them, are kept as
written (for display and the exact tier) and folded: Serbian Cyrillic to Latin by the Serbian
rules (cyrtranslit; ``Вучић`` → ``Vučić``), then every script to ASCII (unidecode: ``Ελλάδα`` →
``Ellada``, ``Vučić`` → ``Vucic``), lower case, punctuation to spaces. A query is folded the same
way and matched in tiers, each with its band of scores, so that a score alone orders them:

=============================================  ======
the entity's identifier (resource name, IRI,     100
Wikidata Q-number) or exactly one of its labels
exactly one of its alternative names              95
(abbreviations, other names)
a label / an alternative name, words reordered  92 / 90
the initials of an organization's, a state's,     88
an office's or a resolution's label (FRY, UNSCR
1244), where the graph gives no abbreviation
the start of a name, or of each of its words     75–87
fuzzy: every word of the query close to a word   50–74
of the name (small typos, ``Serbian`` for
``Serbia``), rapidfuzz's ratio per word
=============================================  ======

Equal scores go to the more central kind of entity first (an agent, then an office, an event, a
fact, a source). The index is built once per graph (:attr:`KnowledgeGraph.name_index`); a query
takes about a millisecond (``benchmarks/search.py``).

>>> from kosovo_kg.core.store import load_graph
>>> index = load_graph().name_index
>>> [(m.label, m.score) for m in index.search("Александар Вучић", limit=1)]
[('Aleksandar Vučić', 100)]
>>> index.search("Ελλάδα", limit=1)[0].label, index.search("Greqia", limit=1)[0].label
('Greece', 'Greece')
>>> index.search("Serbian president", limit=1)[0].label
'President of Serbia'
>>> index.search("Angela Merkel")
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

import pyoxigraph as ox

from kosovo_kg.core.folding import as_written, content_words, fold, initials
from kosovo_kg.core.lexical import language_tag_case
from kosovo_kg.namespaces import KKG, KKR, OWL, RDF, RDFS, RDFS_LABEL, SKOS, WD


class Graph(Protocol):
    """What the index reads of a graph (a :class:`~kosovo_kg.core.store.KnowledgeGraph`, which
    builds its index through this module: named so, the two modules do not import each other)."""

    store: ox.Store

    @property
    def labels(self) -> dict[str, str]: ...


#: label property -> whether its names are the entity's own labels (else alternative names)
NAME_PROPERTIES = {
    RDFS_LABEL: True,
    SKOS + "prefLabel": True,
    SKOS + "altLabel": False,
    KKG + "wikidataLabel": False,
}
#: The kinds of entity, most central first: equal scores are ordered so (a state before a source).
KIND_ORDER = ("Agent", "Office", "Event", "Fact", "Source", "ControlledTerm")

#: The score bands (see the module's description).
IDENTIFIER = LABEL = 100
ALTERNATIVE = 95
REORDERED_LABEL, REORDERED_ALTERNATIVE = 92, 90
INITIALS = 88
PREFIX_LOW, PREFIX_HIGH = 75, 87
FUZZY_LOW, FUZZY_HIGH = 50, 74
#: A query word matches a name's word when rapidfuzz's ratio of the two is at least this.
WORD_CUTOFF = 75.0
#: Below this the question is how alike two strings are, not whether one word is another's stem.
STEM_LENGTH = 4
#: The kinds of entity whose labels' initials are names too (not people's, not sentences').
INITIALS_OF = frozenset(
    KKG + kind for kind in ("Organization", "State", "AutonomousProvince", "Office", "SecurityCouncilResolution")
)


class Entity(NamedTuple):
    iri: str
    label: str
    #: the most specific class and its label
    type_iri: str
    type_label: str
    #: every class the entity belongs to (entailed superclasses too): what a type filter matches
    classes: frozenset[str]
    #: position of its kind in KIND_ORDER (the tie-breaker)
    rank: int
    description: str


class Name(NamedTuple):
    entity: int
    text: str
    language: str
    #: one of the entity's own labels (else an alternative name)
    own: bool
    folded: str
    words: tuple[str, ...]
    #: the initials of a label, made here (not in the graph): matched whole only
    initials: bool = False


class Match(NamedTuple):
    """One entity found, with the name that matched it and how well (0–100)."""

    iri: str
    label: str
    type: str
    type_iri: str
    score: int
    matched: str
    language: str
    description: str

    def to_json(self) -> dict[str, object]:
        """The public form (``/search``'s and ``find --format json``'s results)."""
        return {
            "iri": self.iri,
            "label": self.label,
            "type": self.type,
            "score": self.score,
            "matched": self.matched,
            "language": self.language or None,
        }


class NameIndex:
    """Every name of every entity of a graph, folded and indexed by whole name, reordered words and word."""

    def __init__(self, entities: list[Entity], names: list[Name], identifiers: dict[str, int]):
        self.entities, self.names = entities, names
        #: resource name, full IRI, prefixed name or Wikidata Q-number (upper case) -> entity
        self.identifiers = identifiers
        self._by_folded: dict[str, list[int]] = {}
        self._by_reordered: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        for position, name in enumerate(names):
            self._by_folded.setdefault(name.folded, []).append(position)
            if name.initials:
                continue
            self._by_reordered.setdefault(" ".join(sorted(name.words)), []).append(position)
            for word in set(name.folded.split()):
                self._by_word.setdefault(word, []).append(position)
        self._vocabulary = list(self._by_word)
        self._by_iri = {entity.iri: position for position, entity in enumerate(entities)}

    @classmethod
    def from_graph(cls, kg: Graph) -> NameIndex:
        return _build(kg)

    def __len__(self) -> int:
        return len(self.entities)

    def entity(self, iri: str) -> Entity | None:
        position = self._by_iri.get(iri)
        return None if position is None else self.entities[position]

    def search(self, text: str, type: str | None = None, limit: int = 10) -> list[Match]:
        """The entities whose names match ``text``, best first, at most ``limit``; with ``type`` (a
        class IRI, or the local name of a kkg: class such as ``State``) only entities of that class."""
        wanted = class_iri(type) if type else None
        typed = as_written(text)
        best: dict[int, tuple[int, int, int]] = {}  # entity -> (score, preference, name; -1 for an identifier)

        def offer(entity: int, score: int, name: int) -> None:
            if wanted is not None and wanted not in self.entities[entity].classes:
                return
            # of two names that score alike, show the one written as typed (Грчка, not Grčka), else
            # the English label
            found = self.names[name] if name >= 0 else None
            if found is None:
                preference = 4
            else:
                preference = 2 * (as_written(found.text) == typed) + (found.language in ("", "en")) + found.own
            if (score, preference) > best.get(entity, (-1, -1, 0))[:2]:
                best[entity] = (score, preference, name)

        stripped = text.strip()
        identified = self.identifiers.get(stripped) or self.identifiers.get(stripped.upper())
        if identified is not None:
            offer(identified, IDENTIFIER, -1)
        folded = fold(stripped)
        if folded:
            self._exact(folded, offer)
            # single letters start or resemble too many words to say anything alone ("s p o")
            if max(len(word) for word in folded.split()) >= 3:
                self._prefix(folded, offer)
                self._fuzzy(folded, offer)
        ranked = sorted(
            best.items(),
            key=lambda item: (-item[1][0], self.entities[item[0]].rank, self.entities[item[0]].label),
        )
        return [self._match(entity, score, name) for entity, (score, _, name) in ranked[: max(limit, 0)]]

    def _exact(self, folded: str, offer) -> None:
        for position in self._by_folded.get(folded, ()):
            name = self.names[position]
            offer(name.entity, INITIALS if name.initials else LABEL if name.own else ALTERNATIVE, position)
        for position in self._by_reordered.get(" ".join(sorted(content_words(folded))), ()):
            name = self.names[position]
            offer(name.entity, REORDERED_LABEL if name.own else REORDERED_ALTERNATIVE, position)

    def _prefix(self, folded: str, offer) -> None:
        """Names that start with the query, or whose words each start with one of the query's words
        ("vucic" for "Aleksandar Vučić", "nort mace" for "North Macedonia")."""
        words = folded.split()
        first = words[0]
        candidates: set[int] = set()
        for word in self._vocabulary:
            if word.startswith(first):
                candidates.update(self._by_word[word])
        for position in candidates:
            name = self.names[position]
            if name.folded.startswith(folded) or _words_prefix(words, name.folded.split()):
                share = len(folded) / max(len(name.folded), 1)
                offer(name.entity, PREFIX_LOW + round((PREFIX_HIGH - PREFIX_LOW) * min(share, 1.0)), position)

    def _fuzzy(self, folded: str, offer) -> None:
        """Names each of whose words is close to one of the query's: small typos, and a word that is
        another's stem ("Serbian" and "Serbia"), scored by how much of both they cover."""
        from rapidfuzz import fuzz, process

        words = content_words(folded)
        similar: dict[str, dict[str, float]] = {}
        for word in set(words):
            found = {
                match: score
                for match, score, _ in process.extract(
                    word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None
                )
            }
            if len(word) >= STEM_LENGTH:  # an adjective or demonym and its noun: Serbian, Serbia
                for other in self._vocabulary:
                    if len(other) >= STEM_LENGTH and (other.startswith(word) or word.startswith(other)):
                        found[other] = max(found.get(other, 0.0), 95.0)
            similar[word] = found
        candidates: set[int] = set()
        for found in similar.values():
            for match in found:
                candidates.update(self._by_word[match])
        for position in candidates:
            name = self.names[position]
            score = _alignment(words, name.words, similar)
            if score is not None:
                share = max(score - WORD_CUTOFF, 0.0) / (100 - WORD_CUTOFF)
                offer(name.entity, FUZZY_LOW + round((FUZZY_HIGH - FUZZY_LOW) * share), position)

    def _match(self, entity: int, score: int, name: int) -> Match:
        found = self.entities[entity]
        matched, language = (found.label, "") if name < 0 else (self.names[name].text, self.names[name].language)
        return Match(
            found.iri, found.label, found.type_label, found.type_iri, score, matched, language, found.description
        )

    def resolve(self, text: str, type: str | None = None) -> tuple[Match | None, list[Match]]:
        """The one entity ``text`` names, if it names one unambiguously, and the candidates.

        Unambiguous: an identifier, or an exact name (a label or an alternative name, words in any
        order) that no other entity shares; or, short of that, the start of the name of one agent
        or office that no other agent or office comes close to (``Vučić`` is the person, not the
        statement or the source named after him). Otherwise the first is ``None`` and the
        candidates say which were close.
        """
        found = self.search(text, type, limit=6)
        exact = [m for m in found if m.score >= REORDERED_ALTERNATIVE]
        if found and found[0].score == IDENTIFIER and (len(exact) == 1 or exact[1].score < IDENTIFIER):
            return found[0], found
        if exact:
            return (exact[0] if len(exact) == 1 else None), found
        central = [m for m in found if self.entity_rank(m.iri) <= KIND_ORDER.index("Office")]
        if (
            central
            and central[0].score >= PREFIX_LOW
            and (len(central) == 1 or central[1].score < central[0].score - 10)
        ):
            return central[0], found
        return None, found

    def entity_rank(self, iri: str) -> int:
        position = self._by_iri.get(iri)
        return len(KIND_ORDER) if position is None else self.entities[position].rank

    def export(self) -> dict[str, Any]:
        """The index as data, for a static page's search: every entity with its names as written and
        folded, each as [text, language, kind (1 a label, 0 an alternative name, 2 initials),
        folded] (a script in the browser folds the query and ranks as :meth:`search` does)."""
        names: dict[int, list[list[object]]] = {}
        identifiers: dict[int, list[str]] = {}
        for identifier, position in self.identifiers.items():
            if "/" not in identifier:  # not the full IRI, which the entity carries anyway
                identifiers.setdefault(position, []).append(identifier)
        for name in self.names:
            kind = 2 if name.initials else 1 if name.own else 0
            names.setdefault(name.entity, []).append([name.text, name.language, kind, name.folded])
        return {
            "bands": {
                "label": LABEL,
                "alternative": ALTERNATIVE,
                "reordered": [REORDERED_LABEL, REORDERED_ALTERNATIVE],
                "initials": INITIALS,
                "prefix": [PREFIX_LOW, PREFIX_HIGH],
                "kinds": list(KIND_ORDER),
            },
            "entities": [
                {
                    "iri": entity.iri,
                    "label": entity.label,
                    "type": entity.type_label,
                    "rank": entity.rank,
                    "description": entity.description,
                    "names": names.get(position, []),
                    "identifiers": sorted(identifiers.get(position, [])),
                }
                for position, entity in enumerate(self.entities)
            ],
        }


def _words_prefix(query: list[str], name: list[str]) -> bool:
    """Whether each word of the query starts a different word of the name, in any order."""
    left = list(name)
    for word in query:
        for position, candidate in enumerate(left):
            if candidate.startswith(word):
                del left[position]
                break
        else:
            return False
    return True


def _alignment(query: Iterable[str], name: tuple[str, ...], similar: dict[str, dict[str, float]]) -> float | None:
    """How well the query's words cover the name's and the name's the query's (75–100), or None
    when a query word has no close word in the name.

    Hand-written over rapidfuzz's per-word ratios: rapidfuzz's whole-string scorers rank
    "Serbian president" closest to "Serbia" (WRatio 90, its partial match of one word) and not to
    "President of Serbia"; matching word to word puts the office first (measured on this graph's
    1,352 names; see tests/core/test_nameindex.py).
    """
    words = list(query)
    scores = []
    used: set[str] = set()
    for word in words:
        best = max(((similar[word].get(other, 0.0), other) for other in name), default=(0.0, ""))
        if best[0] < WORD_CUTOFF:
            return None
        scores.append(best[0])
        used.add(best[1])
    covered = len(used) / len(name) if name else 0.0
    # a name with words the query does not name ("Aleksandar" for "Vucik") is a weaker match
    return sum(scores) / len(scores) * (0.9 + 0.1 * covered)


@lru_cache(maxsize=64)
def class_iri(type: str) -> str:
    """A class given as its IRI, a prefixed name (kkg:State) or its local name (State)."""
    if "://" in type:
        return type
    return KKG + type.removeprefix("kkg:")


def _build(kg: Graph) -> NameIndex:
    store = kg.store
    rdf_type, sub_class = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "subClassOf")
    labels = kg.labels
    # every class's superclasses, from the entailed closure the loader adds
    supers: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, sub_class, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            supers.setdefault(quad.subject.value, set()).add(quad.object.value)
    classes_of: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, rdf_type, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            classes_of.setdefault(quad.subject.value, set()).add(quad.object.value)
    controlled = KKG + "ControlledTerm"

    def indexed(iri: str) -> bool:
        return iri.startswith(KKR) or (iri.startswith(KKG) and controlled in classes_of.get(iri, ()))

    found: dict[str, list[tuple[str, str, bool]]] = {}
    for prop, own in NAME_PROPERTIES.items():
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None):
            subject, value = quad.subject, quad.object
            if isinstance(subject, ox.NamedNode) and isinstance(value, ox.Literal) and indexed(subject.value):
                found.setdefault(subject.value, []).append((value.value, language_tag_case(value.language or ""), own))
    entities: list[Entity] = []
    names: list[Name] = []
    identifiers: dict[str, int] = {}
    seen: set[tuple[int, str, str]] = set()
    for iri in sorted(found):
        position = len(entities)
        classes = frozenset(classes_of.get(iri, ()))
        type_iri = _most_specific(classes, supers)
        entities.append(
            Entity(
                iri,
                labels.get(iri, iri),
                type_iri,
                labels.get(type_iri, type_iri.rsplit("#", 1)[-1]) if type_iri else "",
                classes,
                next((n for n, kind in enumerate(KIND_ORDER) if KKG + kind in classes), len(KIND_ORDER)),
                _description(kg, iri, labels.get(type_iri, "")),
            )
        )
        # in a fixed order (the store's differs from one load to the next): labels first
        for text, language, own in sorted(set(found[iri]), key=lambda name: (not name[2], name[1], name[0])):
            folded = fold(text)
            if not folded or (position, folded, language) in seen:
                continue
            seen.add((position, folded, language))
            names.append(Name(position, text, language, own, folded, content_words(folded)))
        short = initials(entities[position].label) if classes & INITIALS_OF else None
        if short and not any(fold(short) == name.folded for name in names if name.entity == position):
            names.append(Name(position, short, "", False, fold(short), (), initials=True))
        identifiers[iri] = position
        if iri.startswith(KKR):
            identifiers[iri[len(KKR) :]] = identifiers["kkr:" + iri[len(KKR) :]] = position
        else:
            identifiers["kkg:" + iri[len(KKG) :]] = position
        for quad in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(OWL + "sameAs"), None):
            if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(WD):
                identifiers[quad.object.value[len(WD) :].upper()] = position
    return NameIndex(entities, names, identifiers)


def _most_specific(classes: frozenset[str], supers: dict[str, set[str]]) -> str:
    """The entity's class that is no other of its classes' superclass (the project's own first)."""
    own = sorted(c for c in classes if c.startswith(KKG)) or sorted(classes)
    specific = [c for c in own if not any(c in supers.get(other, ()) for other in own if other != c)]
    return (specific or own or [""])[0]


def _description(kg: Graph, iri: str, type_label: str) -> str:
    """One line: what the entity is and when (its dates' first and last years)."""
    node = ox.NamedNode(iri)
    years = sorted(
        quad.object.value[:4]
        for prop in ("earliestStart", "latestEnd")
        for quad in kg.store.quads_for_pattern(node, ox.NamedNode(KKG + prop), None)
        if isinstance(quad.object, ox.Literal)
    )
    what = type_label[:1].upper() + type_label[1:] if type_label else ""
    if years:
        when = years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
        return f"{what}, {when}" if what else when
    return what


__all__ = ["Entity", "Graph", "Match", "Name", "NameIndex", "class_iri"]
