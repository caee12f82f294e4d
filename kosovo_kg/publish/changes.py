"""The changelog of facts between two releases (``CHANGES.md``).

A *fact* is one statement about a resource: a subject, a property and a value, as the release's
N-Triples state it. Two releases are compared fact by fact, so the changelog lists exactly what
differs: a recognition date corrected is that recognition's date changed from one day to another,
a link added is an ``owl:sameAs`` added to an entity, a source replaced is one source removed and
another added on a fact.

Blank nodes (the Wikidata pairings, the ontology's OWL axioms) have no name to compare by, and
their canonical labels (RDFC-1.0, which the release's files use) shift when the graph around them
changes, so a blank node is compared by what it says instead: a blank value is the set of its own
facts, nested. Left out of the comparison: the release's own description (its version and date,
which differ in every release) and the day bounds the loader derives from the dates
(``kkg:earliestStart`` …), which change exactly when a date does and would only repeat it.

The changes are grouped by the kind of resource (its most specific class) and told with labels:
"Greece recognizes Kosovo: recognition status changed from *does not recognize* to *recognizes*".
The triples themselves follow as an appendix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import NamedTuple

import pyoxigraph as ox

from kosovo_kg.core.terminal import terminal_text
from kosovo_kg.namespaces import KKG, KKR, OWL, RDF, RDFS, RDFS_LABEL, WD, shorten

#: The day bounds of :mod:`kosovo_kg.core.entailment`: derived from the dates, never stated.
DERIVED = frozenset(KKG + name for name in ("earliestStart", "latestStart", "earliestEnd", "latestEnd"))
ONTOLOGY = "https://w3id.org/kosovo-kg/ontology"
RDF_TYPE = RDF + "type"


class Blank:
    """A blank node's facts as (property, value) pairs, sorted; a value may be a Blank in turn.

    Compared and hashed by a digest of its facts (its children's digests in place of their
    facts), so that a blank node nested thousands deep is never compared, hashed or written by
    recursion (Python's tuples would: their hash recurses in C)."""

    __slots__ = ("digest", "facts")

    def __init__(self, facts: tuple[tuple[str, Value], ...]):
        self.facts = facts
        self.digest = hashlib.sha256(
            "\x1f".join(f"{p}\x1e{_sort_key(v)}" for p, v in facts).encode("utf-8", "surrogatepass")
        ).hexdigest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Blank) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)


Value = ox.NamedNode | ox.Literal | Blank
#: How deep a blank value is written out; deeper, "[ … ]" and its digest stand for the rest.
SHOWN_DEPTH = 12


class Fact(NamedTuple):
    subject: str  # an IRI, or "_:" and a digest for a blank node that nothing refers to
    predicate: str
    value: Value


def _sort_key(value: Value) -> str:
    return f"[{value.digest}" if isinstance(value, Blank) else str(value)


def _nt(value: Value, depth: int = 0) -> str:
    """A value as N-Triples writes it; a blank node as Turtle's ``[ … ]`` with its facts, to
    :data:`SHOWN_DEPTH` levels."""
    if not isinstance(value, Blank):
        return str(value)
    if depth >= SHOWN_DEPTH:
        return f"[ … ] # sha256:{value.digest[:16]}"
    return "[ " + " ; ".join(f"<{p}> {_nt(v, depth + 1)}" for p, v in value.facts) + " ]"


_CYCLE = (("cycle", ox.Literal("a cycle through blank nodes")),)


def facts_of(triples: Iterable[ox.Triple], leave_out: Iterable[str] = ()) -> set[Fact]:
    """The facts of a graph: named subjects' triples, blank objects folded into their values."""
    skip = set(leave_out)
    triples = [
        t
        for t in triples
        if t.predicate.value not in DERIVED and not (isinstance(t.subject, ox.NamedNode) and t.subject.value in skip)
    ]
    of_blank: dict[str, list[ox.Triple]] = {}
    referred = set()
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode):
            of_blank.setdefault(triple.subject.value, []).append(triple)
        if isinstance(triple.object, ox.BlankNode):
            referred.add(triple.object.value)
    made: dict[str, Blank] = {}

    def blank(root: str) -> Blank:
        """The value of a blank node, its descendants' made first (an explicit stack, no recursion)."""
        stack, on_path = [(root, False)], set()
        while stack:
            node, children_made = stack.pop()
            if node in made or (not children_made and node in on_path):
                continue
            if not children_made:
                on_path.add(node)
                stack.append((node, True))
                stack.extend(
                    (t.object.value, False)
                    for t in of_blank.get(node, [])
                    if isinstance(t.object, ox.BlankNode) and t.object.value not in on_path
                )
                continue
            pairs: list[tuple[str, Value]] = []
            for t in of_blank.get(node, []):
                if isinstance(t.object, ox.BlankNode):
                    # a cycle through blank nodes (not in this graph) ends at the node it started from
                    pairs.append((t.predicate.value, made.get(t.object.value) or Blank(_CYCLE)))
                else:
                    pairs.append((t.predicate.value, value(t.object)))
            made[node] = Blank(tuple(sorted(pairs, key=lambda pair: (pair[0], _sort_key(pair[1])))))
            on_path.discard(node)
        return made[root]

    def value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Value:
        if isinstance(term, ox.BlankNode):
            return blank(term.value)
        if isinstance(term, ox.Triple):  # RDF-star: not in this graph
            return ox.Literal(str(term))
        return term

    found = set()
    for triple in triples:
        subject = triple.subject
        if isinstance(subject, ox.NamedNode):
            found.add(Fact(subject.value, triple.predicate.value, value(triple.object)))
        elif isinstance(subject, ox.BlankNode) and subject.value not in referred:
            found.add(Fact(f"_:{blank(subject.value).digest[:16]}", triple.predicate.value, value(triple.object)))
    return found


#: Markdown's inline markup (CommonMark lets a backslash escape any ASCII punctuation): emphasis,
#: code, links and images, raw HTML and entities, table cells, strikethrough, and GitHub's math.
_MARKUP = frozenset("\\`*_[]<>&|~!$")


def markdown_text(text: str) -> str:
    r"""``text`` (a label, a value) as Markdown that shows it as it is, on one line: its inline
    markup escaped, its line breaks and other controls written as escapes (``\n``).

    >>> markdown_text("**bold** <img src=x>\n# not a heading | cell")
    '\\*\\*bold\\*\\* \\<img src=x\\>\\\\n# not a heading \\| cell'
    """
    # spaces at either end would keep "**" and "*" around the text from meaning emphasis
    return "".join("\\" + c if c in _MARKUP else c for c in terminal_text(text).strip())


def _longest_backticks(lines: list[str]) -> int:
    import re

    return max((len(run) for line in lines for run in re.findall("`+", line)), default=0)


def _fence(lines: list[str]) -> str:
    """A code fence longer than any run of backticks in ``lines``, so that none can close it."""
    return "`" * max(3, _longest_backticks(lines) + 1)


class Described(NamedTuple):
    """What the changelog needs to know of one release's graph to tell its facts in words."""

    labels: dict[str, str]
    kinds: dict[str, str]


def describe_graph(triples: list[ox.Triple]) -> Described:
    """Labels (English first, then untagged) and each resource's kind (its most specific class's label)."""
    labels: dict[str, tuple[int, str]] = {}
    types: dict[str, set[str]] = {}
    broader: dict[str, set[str]] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        s, p, o = t.subject.value, t.predicate.value, t.object
        if p == RDFS_LABEL and isinstance(o, ox.Literal):
            rank = 0 if (o.language or "").startswith("en") else 1 if not o.language else 2
            if s not in labels or (rank, o.value) < labels[s]:
                labels[s] = (rank, o.value)
        elif p == RDF_TYPE and isinstance(o, ox.NamedNode):
            types.setdefault(s, set()).add(o.value)
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            broader.setdefault(s, set()).add(o.value)

    def ancestors(cls: str) -> set[str]:
        found, todo = set(), [cls]
        while todo:
            for parent in broader.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    names = {iri: text for iri, (_, text) in labels.items()}
    kinds = {}
    for s, classes in types.items():
        above = set().union(*(ancestors(c) for c in classes))
        specific = sorted(names.get(c, shorten(c)) for c in classes if c not in above)
        kinds[s] = specific[0] if specific else "resource"
    return Described(names, kinds)


class Release(NamedTuple):
    version: str
    date: str
    triples: list[ox.Triple]


class Changes(NamedTuple):
    added: set[Fact]
    removed: set[Fact]

    @property
    def subjects(self) -> set[str]:
        return {f.subject for f in self.added | self.removed}


def compare(old: list[ox.Triple], new: list[ox.Triple], leave_out: Iterable[str] = ()) -> Changes:
    """The facts added and removed from ``old`` to ``new``."""
    before, after = facts_of(old, leave_out), facts_of(new, leave_out)
    return Changes(after - before, before - after)


def _is_ontology(subject: str) -> bool:
    return subject.startswith(KKG) or subject == ONTOLOGY or subject.startswith("_:")


class _Words:
    """Labels from the new release first, then the old one."""

    def __init__(self, new: Described, old: Described):
        self.new, self.old = new, old

    def label(self, iri: str) -> str | None:
        return self.new.labels.get(iri) or self.old.labels.get(iri)

    def name(self, iri: str) -> str:
        """Markdown, as every word this class gives; a label that shows nothing gives way to the IRI."""
        if iri.startswith(WD):
            return markdown_text(f"Wikidata {iri[len(WD) :]}")
        return markdown_text(self.label(iri) or "") or markdown_text(shorten(iri))

    def property(self, iri: str) -> str:
        known = {RDF_TYPE: "kind", RDFS_LABEL: "label", OWL + "sameAs": "same as"}
        return markdown_text(self.label(iri) or known.get(iri) or "") or markdown_text(shorten(iri))

    def value(self, value: Value, depth: int = 0) -> str:
        if isinstance(value, Blank):
            if depth >= SHOWN_DEPTH:
                return "(…)"
            kind = next(
                (self.name(v.value) for p, v in value.facts if p == RDF_TYPE and isinstance(v, ox.NamedNode)), ""
            )
            parts = [f"{self.property(p)}: {self.value(v, depth + 1)}" for p, v in value.facts if p != RDF_TYPE]
            return f"{kind} ({'; '.join(parts)})" if kind else f"({'; '.join(parts)})"
        if isinstance(value, ox.NamedNode):
            return f"*{self.name(value.value)}*"
        language = value.language
        note = f" @{language}" if language and not language.startswith("en") else ""
        return f"“{markdown_text(value.value)}”{note}"

    def kind(self, subject: str) -> str:
        return markdown_text(self.new.kinds.get(subject) or self.old.kinds.get(subject) or "resource")

    def subject(self, subject: str) -> str:
        if subject.startswith("_:"):
            return f"an anonymous axiom ({_code(subject)})"
        return f"**{self.name(subject)}** ({_code(shorten(subject))})"


def _code(text: str) -> str:
    """A code span that no backtick in ``text`` can close (an IRI holds none, nor a blank node's
    digest: this is for what else might), on one line."""
    text = terminal_text(text)
    ticks = "`" * (_longest_backticks([text]) + 1)
    return f"{ticks}{text}{ticks}" if ticks == "`" else f"{ticks} {text} {ticks}"


def _lines_for(
    subject: str, changes: Changes, words: _Words, new_subjects: set[str], old_subjects: set[str]
) -> list[str]:
    added = sorted((f for f in changes.added if f.subject == subject), key=lambda f: (f.predicate, _nt(f.value)))
    removed = sorted((f for f in changes.removed if f.subject == subject), key=lambda f: (f.predicate, _nt(f.value)))
    if subject not in old_subjects:
        head = f"- {words.subject(subject)}: new"
        body = [f"  - {words.property(f.predicate)}: {words.value(f.value)}" for f in added]
        return [head, *body]
    if subject not in new_subjects:
        head = f"- {words.subject(subject)}: removed"
        body = [f"  - was {words.property(f.predicate)}: {words.value(f.value)}" for f in removed]
        return [head, *body]
    lines = [f"- {words.subject(subject)}"]
    for predicate in sorted({f.predicate for f in added + removed}, key=lambda p: words.property(p).lower()):
        gone = [f.value for f in removed if f.predicate == predicate]
        came = [f.value for f in added if f.predicate == predicate]
        name = words.property(predicate)
        if len(gone) == 1 and len(came) == 1:
            lines.append(f"  - {name} changed from {words.value(gone[0])} to {words.value(came[0])}")
            continue
        lines += [f"  - {name} removed: {words.value(v)}" for v in gone]
        lines += [f"  - {name} added: {words.value(v)}" for v in came]
    return lines


def render_changes(new: Release, old: Release | None, leave_out: Iterable[str] = ()) -> str:
    """``CHANGES.md`` of the release ``new`` against ``old`` (none: the first release)."""
    leave_out = list(leave_out)
    lines = [f"# Changes in kosovo-kg {new.version} ({new.date})", ""]
    if old is None:
        facts = facts_of(new.triples, leave_out)
        described = describe_graph(new.triples)
        subjects = {f.subject for f in facts}
        lines += [
            "No previous release was given (`kosovo-kg release --previous DIR`), so there is nothing to compare this "
            f"one with. It holds {len(facts):,} facts about {len(subjects):,} subjects.",
            "",
            "| kind | resources |",
            "|---|---|",
        ]
        counts: dict[str, int] = {}
        for subject in subjects:
            if subject.startswith(KKR):
                kind = described.kinds.get(subject, "resource")
                counts[kind] = counts.get(kind, 0) + 1
        lines += [
            f"| {markdown_text(kind)} | {count} |"
            for kind, count in sorted(counts.items(), key=lambda kc: kc[0].lower())
        ]
        return "\n".join(lines) + "\n"

    changes = compare(old.triples, new.triples, leave_out)
    old_subjects = {f.subject for f in facts_of(old.triples, leave_out)}
    new_subjects = {f.subject for f in facts_of(new.triples, leave_out)}
    words = _Words(describe_graph(new.triples), describe_graph(old.triples))
    touched = changes.subjects
    data = sorted((s for s in touched if not _is_ontology(s)), key=lambda s: (words.kind(s).lower(), words.name(s), s))
    ontology = sorted((s for s in touched if _is_ontology(s)), key=lambda s: (words.name(s), s))
    lines += [
        f"Compared with release {old.version} ({old.date}): {len(changes.added):,} facts added and "
        f"{len(changes.removed):,} removed; {sum(s not in old_subjects for s in data)} resources new, "
        f"{sum(s not in new_subjects for s in data)} removed, "
        f"{sum(s in old_subjects and s in new_subjects for s in data)} changed"
        + (
            f"; the ontology changed in {len(ontology)} terms or axioms."
            if ontology
            else "; the ontology did not change."
        ),
        "",
        "A fact is one statement about a resource: its subject, a property and a value. The releases' own "
        "descriptions (version, date) and the day bounds derived from the dates (`kkg:earliestStart` and the "
        "like) are left out: they follow from what is listed.",
        "",
    ]
    if not touched:
        lines += ["No fact differs.", ""]
    heading: str | None = None
    for subject in data:
        if words.kind(subject) != heading:
            heading = words.kind(subject)
            lines += ["", f"## {heading}", ""]
        lines += _lines_for(subject, changes, words, new_subjects, old_subjects)
    if ontology:
        lines += ["", "## Ontology", ""]
        for subject in ontology:
            lines += _lines_for(subject, changes, words, new_subjects, old_subjects)
    if touched:
        lines += [
            "",
            "## Appendix: the facts as triples",
            "",
            "Removed (`-`) and added (`+`), in N-Triples; a blank node is written with its facts in `[ … ]`.",
            "",
        ]
        rows = [("-", f) for f in changes.removed] + [("+", f) for f in changes.added]
        rows.sort(key=lambda row: (row[1].subject, row[1].predicate, _nt(row[1].value), row[0]))
        triples = []
        for sign, fact in rows:
            subject = fact.subject if fact.subject.startswith("_:") else f"<{fact.subject}>"
            # N-Triples escapes a literal's line breaks; C1 controls and the like it leaves raw
            triples.append(terminal_text(f"{sign} {subject} <{fact.predicate}> {_nt(fact.value)} ."))
        fence = _fence(triples)
        lines += [fence + "diff", *triples, fence]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
