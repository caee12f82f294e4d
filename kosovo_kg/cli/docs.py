"""``kosovo-kg docs -o DIR``: the ontology's documentation."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import progress, say

SUMMARY = "Build the ontology's documentation into a folder."
DETAILS = (
    "index.html (pyLODE: every class and property with its label, definition, domain and range) and a\n"
    "diagram of the classes and their relations (classes.svg, drawn by Graphviz's dot; classes.dot is its source)."
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("-o", "--output", type=str, required=True, help="The folder to write into.")


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.core.extras import require_extra

    require_extra("docs", "kosovo-kg docs")
    from kosovo_kg.publish.ontology_docs import build_ontology_docs

    progress("documenting the ontology: pyLODE's page, Graphviz's diagram of the classes")
    build = build_ontology_docs(args.output)
    for path in build.files:
        say(f"wrote {path}")
    say(f"{len(build.classes)} classes and {len(build.properties)} properties documented")
    if not build.diagram_drawn:
        say("Graphviz's dot is not installed: classes.svg was not drawn (apt-get install graphviz)")
    return 0
