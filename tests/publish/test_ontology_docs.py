"""``kosovo-kg docs``: pyLODE's page documents every class and property of the ontology, and the
class diagram shows every class, compared with the ontology as rdflib reads it."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest
from conftest import invoke
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kosovo_kg.core.paths import ontology_file
from kosovo_kg.namespaces import KKG

SKOS_DEFINITION = URIRef("http://www.w3.org/2004/02/skos/core#definition")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs") / "ontology-docs"
    result = invoke(["docs", "-o", str(folder)])
    assert result.exit_code == 0, result.stderr
    return folder, result.stderr


def terms(ontology: Graph, kind) -> list[URIRef]:
    return sorted(s for s in ontology.subjects(RDF.type, kind) if str(s).startswith(KKG))


def section(page: str, name: str) -> str:
    """One section of pyLODE's page: from its opening tag to the next section's."""
    start = page.index(f'<div class="section" id="{name}"')
    following = page.find('<div class="section"', start + 1)
    return page[start : following if following != -1 else len(page)]


@pytest.mark.parametrize(
    ("kind", "section_id", "at_least"),
    [
        (OWL.Class, "classes", 40),
        (OWL.ObjectProperty, "objectproperties", 30),
        (OWL.DatatypeProperty, "datatypeproperties", 20),
        (OWL.AnnotationProperty, "annotationproperties", 3),
    ],
)
def test_the_page_documents_every_term_with_its_label_in_its_section(built, ontology, kind, section_id, at_least):
    folder, _ = built
    part = html.unescape(section(page_of(folder), section_id))
    found = terms(ontology, kind)
    assert len(found) >= at_least
    for term in found:
        assert str(term) in part, f"{term} is not in the {section_id} section"
        label = ontology.value(term, RDFS.label)
        assert label is not None and str(label) in part, f"{term}: label {label!r} missing"


def page_of(folder) -> str:
    return (folder / "index.html").read_text(encoding="utf-8")


def test_the_page_shows_definitions_domains_and_ranges(built, ontology):
    folder, _ = built
    page = " ".join(html.unescape(page_of(folder)).split())
    documented = {t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                  for t in terms(ontology, kind)}  # fmt: skip
    definitions = [
        " ".join(str(o).split())
        for predicate in (SKOS_DEFINITION, RDFS.comment)
        for s, o in ontology.subject_objects(predicate)
        if s in documented
    ]
    assert len(definitions) >= len(documented) // 2
    assert [d for d in definitions if d not in page] == []
    properties = " ".join(html.unescape(section(page_of(folder), "objectproperties")).split())
    assert properties.count("Domain") >= 30 and properties.count("Range") >= 30


def test_the_diagram_has_every_class_and_no_outside_reference(built, ontology):
    folder, stderr = built
    svg = (folder / "classes.svg").read_text(encoding="utf-8")
    titles = {html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg)}
    for term in terms(ontology, OWL.Class):
        assert str(term) in titles
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<img src="classes.svg"' in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', page)
    assert f"{len(terms(ontology, OWL.Class))} classes" in stderr


def test_the_build_opens_no_network_connection(tmp_path):
    # A fresh process, so pyLODE is imported and run under the audit hook from the start.
    code = (
        "import sys\n"
        "seen = []\n"
        "sys.addaudithook(lambda event, args: seen.append(event) if event in ('socket.connect', 'socket.getaddrinfo') else None)\n"
        "from kosovo_kg.publish.ontology_docs import build_ontology_docs\n"
        f"build_ontology_docs({str(tmp_path / 'docs')!r})\n"
        "print(seen)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "docs" / "index.html").stat().st_size > 100_000
