"""The IRIs this project mints and the vocabularies it uses, in one place."""

from __future__ import annotations

KKG = "https://w3id.org/kosovo-kg/ontology#"
KKR = "https://w3id.org/kosovo-kg/resource/"
WD = "http://www.wikidata.org/entity/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"

RDFS_LABEL = RDFS + "label"
XSD_STRING = XSD + "string"

#: Prefixes known to every query (a query may declare its own as well) and used when printing.
PREFIXES: dict[str, str] = {
    "kkg": KKG,
    "kkr": KKR,
    "wd": WD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "schema": "https://schema.org/",
}


def shorten(iri: str) -> str:
    """An IRI as a prefixed name where a known prefix fits.

    >>> shorten("https://w3id.org/kosovo-kg/resource/kosovo")
    'kkr:kosovo'
    >>> shorten("http://example.net/x")
    'http://example.net/x'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
