"""``kosovo-kg docs -o DIR``: the ontology's HTML documentation and a diagram of its classes.

The HTML is pyLODE's (every class and property with its label, definition, domain and range),
made offline from ``ontology/kosovo.ttl``. The diagram is drawn by Graphviz's ``dot`` from the
same file: each class of the ontology, its superclasses, and each object property as an
arrow from its domain to its range. Without ``dot`` the DOT source is still written.
"""

from __future__ import annotations

import html
import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kosovo_kg.core.paths import display_path, ontology_file
from kosovo_kg.core.writing import atomic_folder
from kosovo_kg.errors import ExportError
from kosovo_kg.namespaces import KKG, shorten

DIAGRAM_SVG = "classes.svg"
DIAGRAM_DOT = "classes.dot"
INDEX = "index.html"


@dataclass
class DocsBuild:
    """What ``build_ontology_docs`` wrote, and the ontology terms the documentation covers."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)
    diagram_drawn: bool = False


def ontology_terms(graph) -> tuple[list[str], list[str]]:
    """The ontology's own classes and properties (IRIs in its namespace), sorted."""
    from rdflib import OWL, RDF, URIRef

    def defined(kinds) -> list[str]:
        return sorted(
            {
                str(s)
                for kind in kinds
                for s in graph.subjects(RDF.type, kind)
                if isinstance(s, URIRef) and str(s).startswith(KKG)
            }
        )

    classes = defined([OWL.Class])
    properties = defined([OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty])
    return classes, properties


def _members(graph, node) -> list:
    """A class expression as the named classes it stands for (an owl:unionOf is opened)."""
    from rdflib import OWL, BNode
    from rdflib.collection import Collection

    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        return list(Collection(graph, union)) if union is not None else []
    return [node]


def class_diagram(graph) -> str:
    """The DOT source of the class diagram: classes, subclass links and object properties."""
    from rdflib import OWL, RDF, RDFS, URIRef

    classes, _ = ontology_terms(graph)

    def name(iri) -> str:
        label = graph.value(URIRef(str(iri)), RDFS.label) if str(iri).startswith(KKG) else None
        return str(label) if label is not None else shorten(str(iri))

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "digraph classes {",
        '  graph [rankdir=LR, fontname="DejaVu Sans", nodesep=0.25, ranksep=0.6, '
        'label="kosovo-kg ontology: classes (boxes), subclass of (hollow arrow), object properties (labelled arrows)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#4a6fa5", fontname="DejaVu Sans", fontsize=11];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    outside: set[str] = set()
    for iri in classes:
        lines.append(f"  {quoted(iri)} [label={quoted(name(iri))}];")
    for iri in classes:
        for parent in graph.objects(URIRef(iri), RDFS.subClassOf):
            if isinstance(parent, URIRef):
                if not str(parent).startswith(KKG):
                    outside.add(str(parent))
                lines.append(f'  {quoted(iri)} -> {quoted(str(parent))} [arrowhead=onormal, color="#777777"];')
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty), key=str):
        if not str(prop).startswith(KKG):
            continue
        domains = [d for node in graph.objects(prop, RDFS.domain) for d in _members(graph, node)]
        ranges = [r for node in graph.objects(prop, RDFS.range) for r in _members(graph, node)]
        for domain in domains:
            for target in ranges:
                for end in (domain, target):
                    if not str(end).startswith(KKG):
                        outside.add(str(end))
                lines.append(
                    f'  {quoted(str(domain))} -> {quoted(str(target))} [label={quoted(name(prop))}, color="#2166ac", fontcolor="#2166ac"];'
                )
    for iri in sorted(outside):
        lines.append(
            f'  {quoted(iri)} [label={quoted(shorten(iri))}, style="dashed", fillcolor="white", color="#999999"];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


class _InsertionOrdered(dict):
    """The part of a set pyLODE uses (add, iteration, membership), in the order of insertion."""

    def add(self, item: object) -> None:
        self[item] = None


def _pylode_html(path: Path) -> str:
    # Importing pyLODE sets the root logger to DEBUG (logging.basicConfig) and it logs its
    # progress there; a build prints only what it wrote, so quieten it while it runs.
    root = logging.getLogger()
    level = root.level
    try:
        import pylode.utils
        from pylode import OntPub

        # pyLODE gathers the members of a union ("agent or office or event") in a set of HTML
        # elements, whose order follows their memory addresses: with this, they keep the order of
        # the ontology's list, and the same ontology gives the same page (releases are reproducible).
        pylode.utils.set = _InsertionOrdered
        root.setLevel(logging.WARNING)
        return OntPub(str(path)).make_html()
    except Exception as error:  # pyLODE raises plain exceptions on ontologies it cannot read
        raise ExportError(f"{display_path(path)}: pyLODE could not document it: {error}") from error
    finally:
        root.setLevel(level)


def _with_diagram(page: str, drawn: bool) -> str:
    """pyLODE's page with a section that shows the class diagram, before the class list."""
    if drawn:
        body = f'<p><a href="{DIAGRAM_SVG}"><img src="{DIAGRAM_SVG}" alt="Diagram of the classes and their relations" style="max-width:100%"></a></p>'
    else:
        body = f'<p>Graphviz was not installed when this was built: <a href="{DIAGRAM_DOT}">{DIAGRAM_DOT}</a> is the diagram as DOT source.</p>'
    section = (
        '<div class="section" id="diagram"><h2>Diagram</h2>'
        "<p>The classes, their superclasses (hollow arrows) and each object property as an arrow from its "
        f"domain to its range. Outside classes are dashed.</p>{body}</div>\n"
    )
    anchor = '<div class="section" id="classes"'
    if anchor in page:
        return page.replace(anchor, section + anchor, 1)
    return page.replace("</body>", section + "</body>", 1)


def build_ontology_docs(folder: Path | str, source: Path | None = None) -> DocsBuild:
    """``kosovo-kg docs -o DIR``: :func:`write_ontology_docs` into a folder built aside and swapped
    into place (see :mod:`kosovo_kg.core.writing`), so an earlier documentation there is replaced
    and any other file there is never lost."""
    target = Path(folder)
    with atomic_folder(target, command="docs", error=ExportError, what="documentation") as built:
        build = write_ontology_docs(built, source)
    build.folder = target
    build.files = [target / path.name for path in build.files]
    return build


def write_ontology_docs(folder: Path, source: Path | None = None) -> DocsBuild:
    """Write ``index.html`` (pyLODE), ``classes.dot`` and, with Graphviz, ``classes.svg`` into the
    empty folder ``folder`` (a release's site writes them into its own)."""
    from rdflib import Graph

    source = source or ontology_file()
    graph = Graph().parse(source, format="turtle")
    build = DocsBuild(folder)
    build.classes, build.properties = ontology_terms(graph)
    dot_source = class_diagram(graph)
    (folder / DIAGRAM_DOT).write_text(dot_source, encoding="utf-8")
    build.files.append(folder / DIAGRAM_DOT)
    dot = shutil.which("dot")
    if dot is not None:
        drawn = subprocess.run([dot, "-Tsvg"], input=dot_source.encode(), capture_output=True, check=False)
        if drawn.returncode != 0:
            message = html.unescape(drawn.stderr.decode("utf-8", "replace").strip())
            raise ExportError(f"Graphviz could not draw the class diagram: {message}")
        (folder / DIAGRAM_SVG).write_bytes(drawn.stdout)
        build.files.append(folder / DIAGRAM_SVG)
        build.diagram_drawn = True
    (folder / INDEX).write_text(_with_diagram(_pylode_html(source), build.diagram_drawn), encoding="utf-8")
    build.files.append(folder / INDEX)
    return build
