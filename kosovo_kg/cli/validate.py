"""``kosovo-kg validate [FILE ...]``: SHACL, OWL reasoning and quality checks."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import add_data_options, add_format_option, progress, say, write_report
from kosovo_kg.errors import EXIT_VIOLATIONS

SUMMARY = "SHACL shapes, OWL reasoning and quality checks over the graph plus any extra FILES."
DETAILS = "Exit 0 when it conforms, 1 when it has errors, 2 when a file cannot be loaded, 3 without Java (HermiT)."


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("files", nargs="*", type=str, metavar="FILE", help="Extra RDF files to check with the graph.")
    add_data_options(command)
    command.add_argument(
        "--no-reasoning", action="store_true", help="Skip the OWL consistency check (HermiT needs Java)."
    )
    add_format_option(command, ("text", "json"), "How to print the report.")


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.curation.validation import run_validation

    if not args.no_reasoning:
        say("Validating: SHACL, OWL reasoning (HermiT), quality checks…")
    report = run_validation([*args.files, *args.data], reasoning=not args.no_reasoning, progress=progress)
    write_report(report, args.format)
    return 0 if report.conforms else EXIT_VIOLATIONS
