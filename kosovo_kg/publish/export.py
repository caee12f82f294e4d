"""Serializing the graph: Turtle (sorted, prefixed), N-Triples, RDF/XML and compacted JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.rdf import canonical_triples, rdf_bytes
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.core.writing import atomic_writer
from kosovo_kg.errors import ExportError
from kosovo_kg.namespaces import PREFIXES

FORMATS = {"turtle": "ttl", "nt": "nt", "xml": "rdf", "jsonld": "jsonld"}


def _sort_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def serialize_graph(kg: KnowledgeGraph, rdf_format: str) -> bytes:
    """The whole graph in one format; the same graph always gives the same bytes.

    >>> from kosovo_kg import load_graph
    >>> text = serialize_graph(load_graph(), "turtle").decode()
    >>> "@prefix kkr: <https://w3id.org/kosovo-kg/resource/> ." in text
    True
    """
    if rdf_format not in FORMATS:
        raise ExportError(f"unknown export format {rdf_format!r}: use one of {', '.join(FORMATS)}")
    triples = sorted(canonical_triples(kg.triples), key=_sort_key)
    if rdf_format == "turtle":
        return rdf_bytes(triples, ox.RdfFormat.TURTLE, PREFIXES)
    if rdf_format == "nt":
        return rdf_bytes(triples, ox.RdfFormat.N_TRIPLES)
    if rdf_format == "xml":
        return rdf_bytes(triples, ox.RdfFormat.RDF_XML, PREFIXES)
    return _jsonld(triples)


def _iris(triples: list[ox.Triple]) -> set[str]:
    """Every IRI the triples name, datatypes included."""
    found = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
            elif isinstance(term, ox.Literal):
                found.add(term.datatype.value)
    return found


def _jsonld(triples: list[ox.Triple]) -> bytes:
    """JSON-LD compacted with ``ontology/context.jsonld``, the context embedded (no remote fetch).

    Oxigraph writes the expanded form and the IRIs are then shortened with the context's
    prefixes here. rdflib's JSON-LD serializer is not used: it drops a value that is falsy in
    Python (an empty string, a 0) when its property has another value on the same node.
    """
    context = json.loads(paths.context_file().read_text(encoding="utf-8"))["@context"]
    # An IRI whose scheme is a prefix of the context ("wd:Q1", written <wd:Q1> in Turtle) would be
    # read back as that prefix's IRI (the Wikidata item): the prefix is left out of this export's context.
    schemes = {iri.split(":", 1)[0] for iri in _iris(triples) if not iri.split(":", 1)[1].startswith("//")}
    context = {term: value for term, value in context.items() if term not in schemes}
    namespaces = sorted(
        (
            (namespace, prefix)
            for prefix, namespace in context.items()
            if isinstance(namespace, str) and ":" in namespace
        ),
        key=lambda item: -len(item[0]),
    )

    def compact(iri: str) -> str:
        for namespace, prefix in namespaces:
            local = iri[len(namespace) :]
            # "prefix:" + a local part that starts with "//" would read as an absolute IRI
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def value(item: dict) -> object:
        if "@id" in item:
            return {"@id": compact(item["@id"])}
        if "@type" in item:
            return {"@value": item["@value"], "@type": compact(item["@type"])}
        if "@language" in item:
            return item
        return item["@value"]  # a plain string: a bare JSON string is read back as xsd:string

    nodes = []
    for node in json.loads(rdf_bytes(triples, ox.RdfFormat.JSON_LD)):
        compacted: dict[str, object] = {"@id": compact(node["@id"])}
        for key, items in node.items():
            if key == "@id":
                continue
            values = sorted((value(item) for item in items), key=lambda v: json.dumps(v, sort_keys=True))
            compacted[compact(key)] = values[0] if len(values) == 1 else values
        nodes.append(compacted)
    nodes.sort(key=lambda n: str(n["@id"]))
    document = {"@context": context, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def write_export(kg: KnowledgeGraph, rdf_format: str, output: Path | str) -> int:
    """Write an export atomically; returns the number of bytes written."""
    data = serialize_graph(kg, rdf_format)
    with atomic_writer(output, "wb", command="export") as stream:
        stream.write(data)
    return len(data)
