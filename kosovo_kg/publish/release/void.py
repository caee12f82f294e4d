"""VoID (and, for a release, DCAT): the one description of the dataset, which ``serve`` answers at
``/.well-known/void`` and a release writes as ``void.ttl``, with the same counts from the same code."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import (
    DATASET,
    DCAT,
    DCTERMS,
    FORMATS,
    IANA_MEDIA_TYPES,
    KKG,
    KKR,
    LICENSE,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    SPDX,
    VOID,
    XSD,
)
from kosovo_kg.publish.release.graph import DUMPS, INFERRED_DATASET, article_url, iri, literal, sorted_triples
from kosovo_kg.publish.release.previous import sha256_of

TITLE = "kosovo-kg: Kosovo–NATO relations"
DESCRIPTION = (
    "A knowledge graph of Kosovo–NATO relations: every statement, poll, membership, recognition and event "
    "dated and sourced, linked to Wikidata."
)
INFERRED_DESCRIPTION = (
    "The stated graph, the RDFS entailments the embedded engines' queries see (subclasses and "
    "subproperties) and what the OWL reasoner HermiT entails from it."
)
RIGHTS = (
    "CC BY-SA 4.0. Derived from the English Wikipedia article “Kosovo–NATO relations” (CC BY-SA 4.0) "
    "and the sources it cites; the names in Albanian and Serbian are from the Unicode CLDR (Unicode "
    "License). Attribute: kosovo-kg, after Wikipedia's “Kosovo–NATO relations” and its sources."
)
#: The vocabularies the graph uses, by their prefixes.
VOCABULARIES = ("kkg", "org", "prov", "qb", "schema", "skos", "dcterms")
A = iri(RDF + "type")


def counts(triples: list[ox.Triple]) -> dict[str, int]:
    """What VoID says of a graph: its size and how many entities (resources of the graph's own
    namespace), classes and properties it has."""
    return {
        "triples": len(set(triples)),
        "entities": len(
            {t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(KKR)}
        ),
        "classes": len({t.object for t in triples if t.predicate == A}),
        "properties": len({t.predicate for t in triples}),
        "distinctSubjects": len({t.subject for t in triples}),
        "distinctObjects": len({t.object for t in triples}),
    }


def dataset_triples(dataset: str, graph: list[ox.Triple], title: str, endpoint: str | None) -> list[ox.Triple]:
    """What VoID says of one dataset, wherever it is described: its title, licence, URI space,
    vocabularies, counts, the RDF formats it comes in and its SPARQL endpoint."""
    node = iri(dataset)
    triples = [
        ox.Triple(node, A, iri(VOID + "Dataset")),
        ox.Triple(node, iri(DCTERMS + "title"), literal(title, language="en")),
        ox.Triple(node, iri(DCTERMS + "license"), iri(LICENSE)),
        ox.Triple(node, iri(VOID + "uriSpace"), literal(KKR)),
        ox.Triple(node, iri(VOID + "exampleResource"), iri(KKR + "kosovo")),
    ]
    triples += [ox.Triple(node, iri(VOID + "vocabulary"), iri(PREFIXES[prefix])) for prefix in VOCABULARIES]
    triples += [
        ox.Triple(node, iri(VOID + name), literal(str(value), XSD + "integer")) for name, value in counts(graph).items()
    ]
    triples += [ox.Triple(node, iri(VOID + "feature"), iri(FORMATS + name)) for _, _, name in DUMPS.values()]
    if endpoint:
        triples.append(ox.Triple(node, iri(VOID + "sparqlEndpoint"), iri(endpoint)))
    return triples


def endpoint_void(base: str, kg: KnowledgeGraph) -> list[ox.Triple]:
    """The dataset a running server answers from, at ``base``: where to query it and how its IRIs
    dereference (a resource under kkr: at /resource/NAME)."""
    dataset = f"{base}/.well-known/void#dataset"
    triples = dataset_triples(dataset, kg.triples, TITLE, f"{base}/sparql")
    triples.append(ox.Triple(iri(dataset), iri(DCTERMS + "description"), literal(DESCRIPTION, language="en")))
    triples.append(ox.Triple(iri(dataset), iri(VOID + "rootResource"), iri(KKR + "kosovo")))
    return triples


def release_void(
    stated: list[ox.Triple],
    inferred: list[ox.Triple] | None,
    kg: KnowledgeGraph,
    version: str,
    date: str,
    files: dict[str, tuple[str, Path]],
    endpoint: str | None,
    base_url: str | None,
) -> bytes:
    """A release's ``void.ttl``, VoID and DCAT: the dataset (and its inferred variant), their counts,
    licence, sources, endpoint and downloadable files with sizes and checksums. ``files`` are file
    name -> (description, path) of the files to describe."""
    version_iri = f"{DATASET}/{version}"
    triples: list[ox.Triple] = []

    def add(subject: str, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        triples.append(ox.Triple(iri(subject), iri(predicate), value))

    article = article_url(kg)
    sources = sorted(
        {
            quad.subject.value
            for quad in kg.store.quads_for_pattern(None, A, iri(KKG + "Source"))
            if isinstance(quad.subject, ox.NamedNode)
        }
    )
    triples += _release_dataset(DATASET, stated, TITLE, version, date, endpoint)
    if inferred is not None:
        title = f"{TITLE}, with what the graph entails"
        triples += _release_dataset(INFERRED_DATASET, inferred, title, version, date, endpoint)
    add(
        DATASET,
        DCTERMS + "description",
        literal(
            f"{DESCRIPTION} The graph as its files state it, with the day bounds derived from its dates.",
            language="en",
        ),
    )
    add(INFERRED_DATASET, DCTERMS + "description", literal(INFERRED_DESCRIPTION, language="en"))
    if inferred is not None:
        add(INFERRED_DATASET, PROV + "wasDerivedFrom", iri(DATASET))
    add(DATASET, OWL + "versionIRI", iri(version_iri))
    add(DATASET, DCTERMS + "rights", literal(RIGHTS, language="en"))
    if article:
        add(DATASET, DCTERMS + "source", iri(article))
        add(DATASET, PROV + "wasDerivedFrom", iri(article))
    for source in sources:
        add(DATASET, DCTERMS + "source", iri(source))
    if endpoint:
        add(endpoint, RDF + "type", iri(DCAT + "DataService"))
        add(endpoint, DCAT + "endpointURL", iri(endpoint))
        add(endpoint, DCAT + "servesDataset", iri(DATASET))
    if base_url:
        add(DATASET, DCAT + "landingPage", iri(f"{base_url}/site/index.html"))
    for name, (what, path) in sorted(files.items()):
        triples += _distribution(name, what, path, version_iri, base_url, inferred is not None)
    prefixes = {
        "void": VOID,
        "dcat": DCAT,
        "dcterms": DCTERMS,
        "spdx": SPDX,
        "prov": PROV,
        "owl": OWL,
        "xsd": XSD,
        "kkr": KKR,
        "formats": FORMATS,
    }
    data = ox.serialize(sorted_triples(triples), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return data


def _release_dataset(
    dataset: str, graph: list[ox.Triple], title: str, version: str, date: str, endpoint: str | None
) -> list[ox.Triple]:
    """One dataset of a release (stated or inferred): its VoID description and what DCAT adds."""
    node = iri(dataset)
    triples = dataset_triples(dataset, graph, title, endpoint)
    triples += [
        ox.Triple(node, A, iri(DCAT + "Dataset")),
        ox.Triple(node, iri(OWL + "versionInfo"), literal(version)),
        ox.Triple(node, iri(DCTERMS + "modified"), literal(date, XSD + "date")),
        ox.Triple(node, iri(DCTERMS + "issued"), literal(date, XSD + "date")),
        ox.Triple(node, iri(DCTERMS + "publisher"), literal("The kosovo-kg developers")),
    ]
    for keyword in ("Kosovo", "NATO", "international relations", "diplomatic recognition", "knowledge graph"):
        triples.append(ox.Triple(node, iri(DCAT + "keyword"), literal(keyword, language="en")))
    return triples


def _distribution(
    name: str, what: str, path: Path, version_iri: str, base_url: str | None, with_inferred: bool
) -> list[ox.Triple]:
    """One downloadable file of a release: its media type, size, licence and checksum."""
    suffix = name.rsplit(".", 1)[-1]
    media = next((m for s, m, _ in DUMPS.values() if s == suffix), "text/turtle")
    owner = INFERRED_DATASET if ".inferred." in name else DATASET
    if owner == INFERRED_DATASET and not with_inferred:
        return []
    distribution, checksum = iri(f"{version_iri}#{name}"), iri(f"{version_iri}#{name}-sha256")
    triples = [
        ox.Triple(iri(owner), iri(DCAT + "distribution"), distribution),
        ox.Triple(distribution, A, iri(DCAT + "Distribution")),
        ox.Triple(distribution, iri(DCTERMS + "title"), literal(name)),
        ox.Triple(distribution, iri(DCTERMS + "description"), literal(what, language="en")),
        ox.Triple(distribution, iri(DCAT + "mediaType"), iri(IANA_MEDIA_TYPES + media)),
        ox.Triple(distribution, iri(DCAT + "byteSize"), literal(str(path.stat().st_size), XSD + "nonNegativeInteger")),
        ox.Triple(distribution, iri(DCTERMS + "license"), iri(LICENSE)),
        ox.Triple(distribution, iri(SPDX + "checksum"), checksum),
        ox.Triple(checksum, A, iri(SPDX + "Checksum")),
        ox.Triple(checksum, iri(SPDX + "algorithm"), iri(SPDX + "checksumAlgorithm_sha256")),
        ox.Triple(checksum, iri(SPDX + "checksumValue"), literal(sha256_of(path), XSD + "hexBinary")),
    ]
    if base_url:
        triples.append(ox.Triple(distribution, iri(DCAT + "downloadURL"), iri(f"{base_url}/{name}")))
        if name.endswith(".nt"):
            triples.append(ox.Triple(iri(owner), iri(VOID + "dataDump"), iri(f"{base_url}/{name}")))
    return triples


__all__ = ["counts", "dataset_triples", "endpoint_void", "release_void"]
