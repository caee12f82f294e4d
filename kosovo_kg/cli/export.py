"""``kosovo-kg export``: the whole graph in an RDF format, or QuickStatements for Wikidata."""

from __future__ import annotations

import argparse
import os

from kosovo_kg.cli.options import add_data_options, add_format_option, progress, query_options, say, write_answer

TYPE_CHECKING = False  # typing is not imported at run time: see core/records.py
if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

EXPORT_FORMATS = ("turtle", "jsonld", "nt", "xml", "quickstatements")
#: How each format escapes a character on a terminal (see cli.options.write_answer).
_GRAMMARS = {"turtle": "turtle", "jsonld": "json", "nt": "turtle", "xml": "xml"}
SUMMARY = (
    "Export the whole graph (ontology and data) as Turtle, JSON-LD, N-Triples or RDF/XML, or the facts "
    "Wikidata can take as QuickStatements commands, each with its reference."
)
DETAILS = ""
#: The format an output file's name asks for, when --format is not given: ``-o graph.jsonld`` wrote
#: Turtle into a file every tool then read as JSON-LD and failed on.
FORMAT_OF_SUFFIX = {
    ".ttl": "turtle",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".qs": "quickstatements",
}


def add_arguments(command: argparse.ArgumentParser) -> None:
    add_format_option(
        command,
        EXPORT_FORMATS,
        "The format to write (default: the one -o's suffix names, .ttl, .jsonld, .nt, .rdf or .qs; else turtle).",
        first_by_default=False,
    )
    command.add_argument("-o", "--output", type=str, help="Write to this file (atomically) instead of stdout.")
    command.add_argument(
        "--inferred", action="store_true", help="Add what the OWL reasoner (HermiT) entails; needs Java."
    )
    add_data_options(command, only="Export")


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.publish.export import serialize_graph, write_export

    if args.format is None:
        suffix = os.path.splitext(args.output or "")[1].lower()
        args.format = FORMAT_OF_SUFFIX.get(suffix, "turtle")
    kg = query_options(args).load_graph()
    assert kg is not None  # export has no --engine: the graph is always the embedded one
    if args.format == "quickstatements":
        export_quickstatements(kg, args.output)
        return 0
    if args.inferred:
        from kosovo_kg.core.entailment import entailed_triples
        from kosovo_kg.curation.reasoning import require_java, with_inferences

        require_java()
        progress("reasoning with HermiT")
        stated, rdfs = len(kg), len(set(entailed_triples(kg.store)) - set(kg.triples))
        kg = with_inferences(kg)
        added = len(kg) - stated
        say(
            f"added {added:,} inferred triples: {rdfs:,} RDFS entailments (subclass and subproperty) "
            f"and {added - rdfs:,} more that HermiT entails"
        )
    if args.output is None:
        write_answer(serialize_graph(kg, args.format), _GRAMMARS[args.format])
        return 0
    size = write_export(kg, args.format, args.output)
    say(f"wrote {args.output} ({size:,} bytes, {len(kg):,} triples, {args.format})")
    return 0


def export_quickstatements(kg: KnowledgeGraph, output: str | None) -> None:
    from kosovo_kg.core.writing import atomic_writer
    from kosovo_kg.publish.quickstatements import quickstatements

    statements = quickstatements(kg)
    if output is None:
        write_answer(statements.text, "text")
    else:
        with atomic_writer(output, command="export") as stream:
            stream.write(statements.text)
        say(f"wrote {output} ({len(statements.commands)} QuickStatements commands)")
    for reason in statements.skipped:
        say(f"not exported: {reason}")
