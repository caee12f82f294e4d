"""core/rdflib_view.py: the rdflib engine's dataset holds each file's graph as rdflib reads the
file (Oxigraph's store gives numbers back in canonical form and drops an explicit ^^xsd:string),
with the derived graphs worked out over what it read."""

from __future__ import annotations

import rdflib

from kosovo_kg.core.entailment import ENTAILED_GRAPH
from kosovo_kg.core.paths import file_uri
from kosovo_kg.core.rdflib_view import rdflib_dataset_as_written
from kosovo_kg.core.store import load_graph
from kosovo_kg.namespaces import KKR, RDF, XSD

WAR = "https://w3id.org/kosovo-kg/ontology#War"


def test_a_files_graph_is_as_written_and_the_entailments_are_beside_it(tmp_path):
    data = tmp_path / "war.ttl"
    data.write_text(
        f'<{KKR}test-war> <{RDF}type> <{WAR}> ; <urn:p> "123.0"^^<{XSD}decimal> , "x"^^<{XSD}string> .\n',
        encoding="utf-8",
    )
    kg = load_graph([data])  # with the ontology, which says a War is an Event
    dataset = rdflib_dataset_as_written(kg.store)
    written = set(dataset.graph(rdflib.URIRef(file_uri(str(data)))).objects(rdflib.URIRef(KKR + "test-war")))
    assert rdflib.Literal("123.0", datatype=rdflib.XSD.decimal, normalize=False) in written
    assert rdflib.Literal("x", datatype=rdflib.XSD.string) in written
    entailed = dataset.graph(rdflib.URIRef(ENTAILED_GRAPH.value))
    assert (rdflib.URIRef(KKR + "test-war"), rdflib.RDF.type, rdflib.URIRef(WAR.replace("War", "Event"))) in entailed
    assert dataset.query(f"ASK {{ <{KKR}test-war> a kkg:Event }}", initNs={"kkg": WAR[:-3]}).askAnswer


def test_a_file_rdflib_cannot_parse_comes_from_the_store(tmp_path):
    data = tmp_path / "war.ttl"
    data.write_text(f"<{KKR}test-war> <{RDF}type> <{WAR}> .\n", encoding="utf-8")
    kg = load_graph([data], packaged=False)
    data.write_text("this is no longer Turtle", encoding="utf-8")
    graph = rdflib_dataset_as_written(kg.store).graph(rdflib.URIRef(file_uri(str(data))))
    assert set(graph) == {(rdflib.URIRef(KKR + "test-war"), rdflib.RDF.type, rdflib.URIRef(WAR))}
