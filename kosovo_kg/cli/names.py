"""``kosovo-kg names``: graph/names.ttl as CLDR (through Babel) gives it."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import say, write_answer
from kosovo_kg.errors import EXIT_VIOLATIONS

SUMMARY = (
    "Print graph/names.ttl as its sources give it: names in the languages of NATO's members and of the region "
    "from CLDR (through Babel), Albanian and Serbian names from encyclopedia entries. A maintainer's command; "
    "needs Babel."
)
DETAILS = ""


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--write", action="store_true", help="Regenerate graph/names.ttl (atomically).")
    command.add_argument(
        "--check", action="store_true", help="Exit 1 if graph/names.ttl differs from what Babel gives."
    )


def run(args: argparse.Namespace) -> int:
    # Babel is imported inside kosovo_kg.curation.names, only here: no other command pays for it.
    from kosovo_kg.core.extras import require_extra
    from kosovo_kg.core.store import load_graph
    from kosovo_kg.curation.names import names_file, names_turtle, write_names

    require_extra("names", "kosovo-kg names")
    kg = load_graph()
    if args.write:
        say(f"wrote {write_names(kg)}")
        return 0
    text = names_turtle(kg)
    if args.check:
        current = names_file().read_text(encoding="utf-8") if names_file().exists() else ""
        if current != text:
            say(f"{names_file()} is not what Babel gives: run kosovo-kg names --write")
            return EXIT_VIOLATIONS
        say(f"{names_file()} matches Babel")
        return 0
    write_answer(text, "turtle")
    return 0
