"""Two checks of what maintainers most often get wrong, run before the shapes: typed literals
whose text is not of their datatype, and classes or properties that nothing declares.

Both matter more than they look. ``"2025-13"^^xsd:gYearMonth`` parses, and a misspelled class
(``a kkg:OpinionPol``) or property (``kkg:percentag``) is valid RDF too — but a node with a
misspelled class falls out of every SHACL shape (they target classes), so it would pass
validation unseen. The vocabulary is a closed world: a class or property must be declared in
the loaded graph (the ontology, or an extra file's own declarations) or be a term of one of
the standard vocabularies the ontology aligns to (their term lists come from rdflib's
closed namespaces).

Each problem names the file, the line (found by searching the file for the term or the
literal), the node and the property, and says how to fix it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox

from kosovo_kg.core import lexical
from kosovo_kg.namespaces import OWL, PREFIXES, RDF, RDFS, XSD, shorten

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

RDF_TYPE = RDF + "type"
_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_PROPERTY_TYPES = {
    RDF + "Property",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    OWL + "OntologyProperty",
}


class Finding(NamedTuple):
    """One problem, before it becomes a validation :class:`~kosovo_kg.curation.validation.Problem`."""

    kind: str  # "literal" or "vocabulary"
    message: str
    node: str | None
    graph: str  # the named graph: the file's URI
    property: str | None
    line: int | None
    value: str | None = None
    suggestion: str | None = None  # the declared term a misspelt one is closest to, as an IRI


def file_path(graph_name: str) -> Path | None:
    """The file a named graph was loaded from (graphs are named by their file's URI)."""
    parts = urlsplit(graph_name)
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


@cache
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def locate(graph_name: str, *needles: str, node: str | None = None) -> int | None:
    """The first line of the graph's file that holds one of the needles (a term, a literal);
    with ``node``, the first such line in that node's statements, where the file has them apart
    (a term misspelt on three nodes is three mistakes, each on its own line)."""
    path = file_path(graph_name)
    if path is None:
        return None
    lines = _lines(path)
    spans = _blocks(path).get(node, []) if node is not None else []
    return _first_line_holding(lines, [*spans, (0, len(lines))], needles)


def locate_in_node(graph_name: str, node: str, term: str | None = None) -> int | None:
    """The line where the node's statements name the term (an IRI, in full or prefixed), else the
    first line of its statements; None where the file does not set them apart (JSON-LD, say)."""
    path = file_path(graph_name)
    spans = _blocks(path).get(node, []) if path is not None else []
    if not spans:
        return None
    assert path is not None
    found = _first_line_holding(_lines(path), spans, _term_needles(term) if term else ())
    return found if found is not None else spans[0][0] + 1


def _first_line_holding(lines: tuple[str, ...], spans: list[tuple[int, int]], needles: tuple[str, ...]) -> int | None:
    """The first line (1-based) within ``spans`` (0-based, end excluded) that holds one of ``needles``."""
    for start, end in spans:
        for number in range(start, end):
            if any(needle in lines[number] for needle in needles):
                return number + 1
    return None


@cache
def _blocks(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Subject IRI -> the spans of lines (0-based, end excluded) of the statements about it.

    The graph's files (and the examples) write each subject at the start of a line and its
    properties indented below it: a line that starts with a name or an IRI begins a subject's
    statements, which run to the next such line. Only where to point is read from this: what the
    file states comes from the parser. A file written otherwise gets the first line that holds
    the term, as before."""
    prefixes: dict[str, str] = {}
    starts: list[tuple[int, str]] = []
    for number, text in enumerate(_lines(path)):
        declared = re.match(r"\s*(?:@prefix|PREFIX)\s+([^\s:]*):\s*<([^>]*)>", text, re.IGNORECASE)
        if declared:
            prefixes[declared.group(1)] = declared.group(2)
            continue
        subject = re.match(r"(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)\s", text + " ")
        if subject and not text.startswith(("@", "#")):
            name = subject.group(1)
            if name.startswith("<"):
                starts.append((number, name[1:-1]))
            else:
                prefix, _, local = name.partition(":")
                if prefix in prefixes:
                    starts.append((number, prefixes[prefix] + local))
    if not starts:  # JSON-LD, RDF/XML, Turtle on one line: no line starts a subject
        return {}
    ends = [number for number, _ in starts[1:]] + [len(_lines(path))]
    blocks: dict[str, list[tuple[int, int]]] = {}
    for (start, iri), end in zip(starts, ends, strict=True):
        blocks.setdefault(iri, []).append((start, end))
    return blocks


def _term_needles(iri: str) -> tuple[str, ...]:
    """How a term may be written in a file: in full, or as a prefixed name (any prefix)."""
    local = re.split(r"[#/]", iri)[-1]
    return (f"<{iri}>", f":{local} ", f":{local};", f":{local},", f":{local}.", f":{local}\t") if local else (iri,)


def literal_findings(kg: KnowledgeGraph) -> Iterator[Finding]:
    """Typed literals whose text is not a valid form of their datatype, and datatypes that are
    misspelled XML Schema names (``xsd:gYearMonht``)."""
    known = sorted(_XSD_NAMES)
    for quad in kg.store:
        term = quad.object
        if not isinstance(term, ox.Literal) or term.language:
            continue
        datatype = term.datatype.value
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        node = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
        if datatype.startswith(XSD) and datatype not in lexical.CHECKED:
            name = datatype.removeprefix(XSD)
            if name in _XSD_NAMES:
                continue
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean xsd:{close[0]}?" if close else ""
            message = f"xsd:{name} is not an XML Schema datatype{hint}"
        else:
            found = lexical.problem(term.value, datatype)
            if found is None:
                continue
            message = f'"{term.value}" is not a valid {shorten(datatype)}: {found}'
        yield Finding(
            "literal",
            message,
            node,
            graph,
            quad.predicate.value,
            locate(graph, f'"{term.value}"^^'),
            value=term.value,
        )


def vocabulary_findings(kg: KnowledgeGraph) -> Iterator[Finding]:
    """Classes (objects of ``rdf:type``) and properties (predicates) that nothing declares."""
    declared_classes, declared_properties = _declared(kg)
    reported: set[tuple[str, str, str | None]] = set()
    for quad in kg.store:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        uses: list[tuple[str, str]] = [(quad.predicate.value, "property")]
        if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            uses.append((quad.object.value, "class"))
        node = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
        for iri, role in uses:
            declared = declared_classes if role == "class" else declared_properties
            if iri in declared or (iri, graph, node) in reported:
                continue
            message = _undeclared(iri, role, declared)
            if message is None:
                continue
            reported.add((iri, graph, node))  # each node that uses the term: each is a line to fix
            yield Finding(
                "vocabulary",
                message,
                node,
                graph,
                quad.predicate.value if role == "class" else iri,
                locate(graph, *_term_needles(iri), node=node),
                suggestion=_suggestion(message),
            )


def _suggestion(message: str) -> str | None:
    """The IRI of the did-you-mean of an :func:`_undeclared` message."""
    found = re.search(r"did you mean (\S+)\?", message)
    if found is None:
        return None
    prefix, _, local = found.group(1).partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else found.group(1)


def _declared(kg: KnowledgeGraph) -> tuple[set[str], set[str]]:
    classes: set[str] = set()
    properties: set[str] = set()
    for quad in kg.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None):
        kind = quad.object.value if isinstance(quad.object, ox.NamedNode) else ""
        if isinstance(quad.subject, ox.NamedNode):
            if kind in _CLASS_TYPES:
                classes.add(quad.subject.value)
            elif kind in _PROPERTY_TYPES:
                properties.add(quad.subject.value)
    return classes, properties


def _undeclared(iri: str, role: str, declared: set[str]) -> str | None:
    """Why a used term is not known, with a did-you-mean; ``None`` when a standard vocabulary has it."""
    namespace, standard = _standard_namespace(iri)
    if standard is not None and iri in standard:
        return None
    local = iri[len(namespace) :] if namespace else re.split(r"[#/]", iri)[-1]
    candidates = {term[len(namespace) :]: term for term in declared if namespace and term.startswith(namespace)}
    if standard is not None:
        candidates.update({term[len(namespace) :]: term for term in standard})
    close = difflib.get_close_matches(local, list(candidates), n=1, cutoff=0.7)
    hint = f"; did you mean {shorten(candidates[close[0]])}?" if close else ""
    prefix = next((name for name, known in PREFIXES.items() if known == namespace), None)
    vocabulary = f"the {prefix}: vocabulary" if prefix else f"the vocabulary <{namespace}>"
    where = f"is not a term of {vocabulary}" if standard is not None else "is not declared in the ontology"
    fix = "" if close else f" (declare it in ontology/kosovo.ttl as {'owl:Class' if role == 'class' else 'a property'})"
    return f"the {role} {shorten(iri)} {where}{hint}{fix}"


#: XML Schema's datatypes: a datatype outside this list in the xsd: namespace is misspelled.
_XSD_NAMES = frozenset(
    "string boolean decimal float double duration dateTime time date gYearMonth gYear gMonthDay gDay gMonth "
    "hexBinary base64Binary anyURI QName NOTATION normalizedString token language NMTOKEN NMTOKENS Name NCName "
    "ID IDREF IDREFS ENTITY ENTITIES integer nonPositiveInteger negativeInteger long int short byte "
    "nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger dateTimeStamp "
    "yearMonthDuration dayTimeDuration".split()
)


@cache
def _standard_vocabularies() -> dict[str, frozenset[str]]:
    """namespace -> its terms, for the vocabularies the ontology aligns to (rdflib's closed lists)."""
    from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD

    vocabularies = {}
    for namespace in (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, ORG, PROV, QB, SDO, TIME, VOID):
        vocabularies[str(namespace)] = frozenset(str(term) for term in dir(namespace))
    # rdflib's list of XSD holds its datatypes; RDF's lacks the list vocabulary's own terms
    vocabularies[str(RDF)] |= {str(RDF) + name for name in ("first", "rest", "nil", "type", "langString")}
    return vocabularies


def _standard_namespace(iri: str) -> tuple[str, frozenset[str] | None]:
    """The longest known namespace of the IRI, and its terms when it is a standard vocabulary."""
    vocabularies = _standard_vocabularies()
    for namespace in sorted({*vocabularies, *PREFIXES.values()}, key=len, reverse=True):
        if iri.startswith(namespace):
            return namespace, vocabularies.get(namespace)
    return "", None
