"""publish/release/void.py: the one VoID description of the dataset, which serve answers at
/.well-known/void and a release writes as void.ttl: the counts of a graph, and serve's and a
release's descriptions of the same graph giving the same counts."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from kosovo_kg.namespaces import DATASET, DCAT, DCTERMS, KKR, LICENSE, RDF, SPDX, VOID
from kosovo_kg.publish.release.graph import INFERRED_DATASET
from kosovo_kg.publish.release.void import TITLE, counts, dataset_triples, endpoint_void, release_void

A = ox.NamedNode(RDF + "type")


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(KKR + local)


def test_the_counts_of_a_small_graph():
    blank = ox.BlankNode("b")
    outside = ox.NamedNode("http://www.wikidata.org/entity/Q1246")
    triples = [
        ox.Triple(n("kosovo"), A, n("State")),
        ox.Triple(n("kosovo"), A, n("State")),  # the same triple twice counts once
        ox.Triple(n("serbia"), A, n("State")),
        ox.Triple(n("nato"), A, n("Alliance")),
        ox.Triple(n("kosovo"), n("sameAs"), outside),
        ox.Triple(outside, n("label"), ox.Literal("Kosovo")),
        ox.Triple(blank, n("label"), ox.Literal("Kosovo")),
    ]
    assert counts(triples) == {
        "triples": 6,
        "entities": 3,  # kosovo, serbia, nato: subjects in the graph's own namespace
        "classes": 2,
        "properties": 3,
        "distinctSubjects": 5,
        "distinctObjects": 4,
    }
    assert counts([]) == dict.fromkeys(counts(triples), 0)


def values(triples: list[ox.Triple], subject: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for t in triples:
        if t.subject == ox.NamedNode(subject):
            found.setdefault(t.predicate.value, t.object.value)
    return found


def void_counts(triples: list[ox.Triple], subject: str) -> dict[str, int]:
    return {
        t.predicate.value.removeprefix(VOID): int(t.object.value)
        for t in triples
        if t.subject == ox.NamedNode(subject)
        and isinstance(t.object, ox.Literal)
        and t.object.datatype.value.endswith("#integer")
    }


def test_a_dataset_is_described_with_its_counts_formats_and_endpoint(kg):
    triples = dataset_triples(DATASET, kg.triples, TITLE, "http://127.0.0.1:8000/sparql")
    about = values(triples, DATASET)
    assert about[DCTERMS + "title"] == TITLE and about[DCTERMS + "license"] == LICENSE
    assert about[VOID + "uriSpace"] == KKR and about[VOID + "sparqlEndpoint"] == "http://127.0.0.1:8000/sparql"
    assert void_counts(triples, DATASET) == counts(kg.triples)
    features = {t.object.value for t in triples if t.predicate.value == VOID + "feature"}
    assert features == {
        f"http://www.w3.org/ns/formats/{name}" for name in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML")
    }
    assert VOID + "sparqlEndpoint" not in values(dataset_triples(DATASET, kg.triples, TITLE, None), DATASET)


def test_serve_and_a_release_give_the_same_counts_for_the_same_graph(kg, tmp_path):
    served = endpoint_void("http://127.0.0.1:8000", kg)
    dataset = "http://127.0.0.1:8000/.well-known/void#dataset"
    data = ox.parse(release_void(kg.triples, None, kg, "1", "2026-12-01", {}, None, None), ox.RdfFormat.TURTLE)
    released = [q.triple for q in data]
    assert void_counts(served, dataset) == void_counts(released, DATASET) == counts(kg.triples)
    assert void_counts(served, dataset)["triples"] == len(set(kg.triples))


def test_serve_says_where_to_query_and_how_its_iris_dereference(kg):
    about = values(endpoint_void("http://127.0.0.1:8000", kg), "http://127.0.0.1:8000/.well-known/void#dataset")
    assert about[VOID + "sparqlEndpoint"] == "http://127.0.0.1:8000/sparql"
    assert about[VOID + "rootResource"] == KKR + "kosovo" and about[DCTERMS + "description"].startswith(
        "A knowledge graph"
    )


@pytest.fixture
def files(tmp_path):
    (tmp_path / "kosovo-kg.nt").write_bytes(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    (tmp_path / "kosovo-kg.inferred.nt").write_bytes(
        b"<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> <urn:x:d> .\n"
    )
    return {
        "kosovo-kg.nt": ("The graph as stated, N-Triples", tmp_path / "kosovo-kg.nt"),
        "kosovo-kg.inferred.nt": ("The graph with its entailments", tmp_path / "kosovo-kg.inferred.nt"),
    }


def test_a_release_describes_each_file_with_its_size_checksum_and_address(kg, files):
    base = "https://kosovo-kg.github.io/releases/2"
    data = release_void(kg.triples, kg.triples[:10], kg, "2", "2026-12-01", files, "http://127.0.0.1:1/sparql", base)
    triples = [q.triple for q in ox.parse(data, ox.RdfFormat.TURTLE)]
    assert b"@prefix void: <http://rdfs.org/ns/void#> .\n" in data
    for name, (what, path) in files.items():
        node = f"{DATASET}/2#{name}"
        about = values(triples, node)
        assert about[DCTERMS + "title"] == name and about[DCTERMS + "description"] == what
        assert about[DCAT + "byteSize"] == str(path.stat().st_size)
        assert about[DCAT + "mediaType"] == "https://www.iana.org/assignments/media-types/application/n-triples"
        assert about[DCAT + "downloadURL"] == f"{base}/{name}"
        assert (
            values(triples, about[SPDX + "checksum"])[SPDX + "checksumValue"]
            == hashlib.sha256(path.read_bytes()).hexdigest()
        )
    owners = {t.object.value: t.subject.value for t in triples if t.predicate.value == DCAT + "distribution"}
    assert owners == {f"{DATASET}/2#kosovo-kg.nt": DATASET, f"{DATASET}/2#kosovo-kg.inferred.nt": INFERRED_DATASET}
    assert void_counts(triples, INFERRED_DATASET)["triples"] == 10
    assert values(triples, DATASET)[VOID + "dataDump"] == f"{base}/kosovo-kg.nt"
    assert values(triples, "http://127.0.0.1:1/sparql")[DCAT + "servesDataset"] == DATASET


def test_without_the_inferred_variant_its_files_are_not_described(kg, files):
    data = release_void(kg.triples, None, kg, "2", "2026-12-01", files, None, None)
    triples = [q.triple for q in ox.parse(data, ox.RdfFormat.TURTLE)]
    assert [t.object.value for t in triples if t.predicate.value == DCAT + "distribution"] == [
        f"{DATASET}/2#kosovo-kg.nt"
    ]
    assert VOID + "triples" not in values(triples, INFERRED_DATASET)
    assert not [
        t for t in triples if t.predicate.value in (DCAT + "downloadURL", VOID + "dataDump", VOID + "sparqlEndpoint")
    ]


def test_the_same_inputs_give_the_same_bytes(kg, files):
    args = (kg.triples, None, kg, "2", "2026-12-01", files, None, None)
    assert release_void(*args) == release_void(*args)
