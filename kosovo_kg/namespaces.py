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
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
SCHEMA = "https://schema.org/"
# what the descriptions of the dataset and the endpoint use (VoID, DCAT, the Service Description)
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

#: The dataset's own IRI (a release's version IRI is this plus /VERSION) and its licence.
DATASET = "https://w3id.org/kosovo-kg/dataset"
LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"

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
    "dcterms": DCTERMS,
    "org": ORG,
    "prov": PROV,
    "qb": QB,
    "schema": SCHEMA,
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
