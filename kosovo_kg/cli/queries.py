"""``kosovo-kg queries``: the catalogue of stored questions."""

from __future__ import annotations

import argparse
import sys

SUMMARY = "List the stored questions with their summaries and parameters."
DETAILS = ""


def add_arguments(command: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.querying.catalogue import catalogue

    bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
    for query in catalogue().values():
        print(f"{bold[0]}{query.name}{bold[1]}  {query.summary}")
        if query.parameters:
            print("    parameters: " + "; ".join(p.describe() for p in query.parameters))
        if query.federated:
            print("    asks Wikidata's query service (SERVICE): run with --allow-federation")
        if query.tags:
            print("    tags: " + ", ".join(query.tags))
    return 0
