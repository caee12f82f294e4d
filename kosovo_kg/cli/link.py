"""``kosovo-kg link``: the report of the graph's Wikidata links."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import add_format_option, write_report
from kosovo_kg.errors import EXIT_VIOLATIONS

SUMMARY = (
    "Report the Wikidata links: coverage by kind, entities without a link and why, identifiers used twice, "
    "and links whose recorded Wikidata label differs from ours."
)
DETAILS = "Exit 1 when an identifier is used by two entities or a link does not meet its evidence grade's rule."


def add_arguments(command: argparse.ArgumentParser) -> None:
    add_format_option(command, ("text", "json"), "How to print the report.")


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.curation.linking import link_report

    report = link_report(load_graph())
    write_report(report, args.format)
    return 0 if report.ok else EXIT_VIOLATIONS
