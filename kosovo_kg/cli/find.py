"""``kosovo-kg find TEXT``: the entities a name stands for, in any language or spelling."""

from __future__ import annotations

import argparse
import sys

from kosovo_kg.cli.options import add_data_options, add_format_option, number, query_options, say, write_answer

SUMMARY = "Find entities by name, in any language or script, with or without diacritics, misspelt a little."
DETAILS = (
    "Matches every label and alternative name the graph has (Albanian, Serbian in either script, Greek,\n"
    "the languages of NATO's members, abbreviations), best first, each with its score (0-100) and the\n"
    "name that matched. Exit 1 when nothing matches.\n\n"
    "Examples:\n"
    "  kosovo-kg find Вучић\n"
    "  kosovo-kg find 'serbian president'\n"
    "  kosovo-kg find Greqia --type State --format json"
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("text", metavar="TEXT", help="The name to look for.")
    command.add_argument(
        "--type", metavar="TYPE", help="Only entities of this class: State, Person, Organization, Office, Event, ..."
    )
    command.add_argument(
        "--limit", type=number(1, 1000, kind=int), default=10, help="At most this many results (default 10)."
    )
    add_format_option(command, ("table", "json"), "How to print the results.")
    add_data_options(command, only="Search")


def run(args: argparse.Namespace) -> int:
    import json

    from kosovo_kg.errors import EXIT_VIOLATIONS

    kg = query_options(args).load_graph()
    assert kg is not None
    index = kg.name_index
    if args.type is not None:
        check_type(index, args.type)
    found = index.search(args.text, type=args.type, limit=args.limit)
    if args.format == "json":
        write_answer(
            json.dumps({"query": args.text, "results": [m.to_json() for m in found]}, ensure_ascii=False, indent=1)
            + "\n",
            "json",
        )
    elif found:
        sys.stdout.write(table(found))
    if not found:
        say(f"nothing in the graph is named like {args.text!r}")
        return EXIT_VIOLATIONS
    return 0


def check_type(index, type_name: str) -> None:
    """A usage error naming the known classes when ``type_name`` is none of the entities' classes."""
    from kosovo_kg.core.nameindex import class_iri
    from kosovo_kg.errors import UsageError
    from kosovo_kg.namespaces import KKG

    known = {c for entity in index.entities for c in entity.classes}
    if class_iri(type_name) not in known:
        import difflib

        from kosovo_kg.core.nameindex import KIND_ORDER

        local = sorted({c.rsplit("#", 1)[-1] for c in known if c.startswith(KKG)})
        close = difflib.get_close_matches(type_name.removeprefix("kkg:"), local, n=2, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        main = ", ".join(["State", "Person", "Organization", *KIND_ORDER[1:]])
        raise UsageError(f"--type {type_name!r} is no entity's class; {hint}the main ones: {main}")


def table(found) -> str:
    """The results as the command line's table (label, type, score, the name matched and its language)."""
    import pyoxigraph as ox

    from kosovo_kg.querying.output import to_table
    from kosovo_kg.querying.results import Result

    rows: list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]] = [
        (
            ox.Literal(m.label),
            ox.Literal(m.type),
            ox.Literal(str(m.score)),
            ox.Literal(m.matched),
            ox.Literal(m.language or "—"),
            ox.NamedNode(m.iri),
        )
        for m in found
    ]
    return to_table(Result("select", ["label", "type", "score", "matched", "language", "iri"], rows))
