"""namespaces.py: the IRIs in one place, and shorten(), which prints an IRI as a prefixed name."""

from __future__ import annotations

import pytest

from kosovo_kg import namespaces
from kosovo_kg.namespaces import KKG, KKR, PREFIXES, RDFS, WD, XSD, shorten


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        ("https://w3id.org/kosovo-kg/resource/kosovo", "kkr:kosovo"),
        ("https://w3id.org/kosovo-kg/ontology#Recognition", "kkg:Recognition"),
        ("http://www.wikidata.org/entity/Q1246", "wd:Q1246"),
        ("http://www.w3.org/2000/01/rdf-schema#label", "rdfs:label"),
        ("http://www.w3.org/2001/XMLSchema#gYearMonth", "xsd:gYearMonth"),
        ("https://schema.org/name", "schema:name"),
        ("http://purl.org/linked-data/cube#Observation", "qb:Observation"),
        # the local part is kept as it is, whatever it holds
        ("https://w3id.org/kosovo-kg/resource/a/b#c", "kkr:a/b#c"),
    ],
)
def test_a_known_namespace_is_shortened_to_its_prefix(iri, short):
    assert shorten(iri) == short


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.net/x",
        "https://w3id.org/kosovo-kg/resource/",  # the namespace alone names nothing in it
        "https://w3id.org/kosovo-kg/ontology",  # the ontology's own IRI, without the '#'
        "http://rdfs.org/ns/void#Dataset",  # VoID is used in descriptions, not a query prefix
        "urn:x-local:1",
        "",
    ],
)
def test_anything_else_is_left_as_it_is(iri):
    assert shorten(iri) == iri


def test_every_prefix_is_one_of_the_modules_constants_and_each_namespace_has_one_prefix():
    constants = {value for name, value in vars(namespaces).items() if name.isupper() and isinstance(value, str)}
    assert set(PREFIXES.values()) <= constants
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    assert (PREFIXES["kkg"], PREFIXES["kkr"], PREFIXES["wd"], PREFIXES["rdfs"], PREFIXES["xsd"]) == (
        KKG,
        KKR,
        WD,
        RDFS,
        XSD,
    )


def test_the_project_mints_its_iris_under_w3id_never_example_org():
    assert KKG.startswith("https://w3id.org/kosovo-kg/") and KKR.startswith("https://w3id.org/kosovo-kg/")
    assert namespaces.DATASET == "https://w3id.org/kosovo-kg/dataset"
    assert namespaces.RDFS_LABEL == RDFS + "label" and namespaces.XSD_STRING == XSD + "string"
    assert all("example.org" not in value for value in PREFIXES.values())
    # every namespace ends where a local name begins
    assert all(value.endswith(("#", "/")) for value in PREFIXES.values())
