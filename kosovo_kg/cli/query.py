"""``kosovo-kg query NAME``: a stored question, with its parameters; and what ``sparql`` shares
with it: preparing, running and printing a query through the one pipeline."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import (
    EndedAtOnceBySignals,
    add_query_options,
    parse_params,
    query_options,
    say,
    write_answer,
)
from kosovo_kg.errors import QueryError

TYPE_CHECKING = False  # typing is not imported at run time: see core/records.py
if TYPE_CHECKING:
    from kosovo_kg.querying.catalogue import StoredQuery

SUMMARY = "Run the stored question NAME (see 'kosovo-kg queries')."
DETAILS = (
    "Examples:\n"
    "  kosovo-kg query non-recognizing-nato-members\n"
    "  kosovo-kg query statements-by-office --param office='President of Kosovo'\n"
    "  kosovo-kg query poll-trend --format csv --data examples/example-poll.ttl"
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    name = command.add_argument(
        "name", metavar="NAME", help="The stored question's name, such as poll-trend ('kosovo-kg queries' lists them)."
    )
    name.completer = _stored_names  # type: ignore[attr-defined]  # read by argcomplete (kosovo-kg completion)
    command.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="A parameter of the stored query (repeatable).",
    )
    add_query_options(command)


def _stored_names(**_: object) -> list[str]:
    from kosovo_kg.querying.catalogue import catalogue

    return list(catalogue())


def print_answer(
    query: str | StoredQuery, params: dict[str, str], args: argparse.Namespace, base_iri: str | None = None
) -> int:
    """Prepare, run and print a query: the same pipeline as the Python API and serve."""
    from kosovo_kg.querying.pipeline import evaluate, likely_typos, prepare, render

    options = query_options(args)
    # a stored query gives the same rows without the RDFS entailments (a test holds each to it):
    # the files given with --data are loaded without them, at 3/4 of the memory and time
    kg = options.load_graph(rdfs=isinstance(query, str))
    prepared = prepare(query, params, options, kg, base_iri)
    typos = likely_typos(prepared, kg)
    if typos and args.strict:
        more = f" (and {len(typos) - 1} more)" if len(typos) > 1 else ""
        raise QueryError(f"{typos[0]}{more}; --strict: not run")
    for typo in typos:  # a misspelt term finds nothing: an empty answer would not say why
        say(f"warning: {typo}")
    if options.timeout is None and not options.remote:  # evaluated here, in Rust or in rdflib
        with EndedAtOnceBySignals():
            result = evaluate(prepared, kg, options)
    else:  # a child under a deadline, or an HTTP exchange: both let the handlers run
        result = evaluate(prepared, kg, options)
    if options.remote and args.format == "table" and result.kind == "select":
        from kosovo_kg.querying.pipeline import remote_labels

        labels, why_not = remote_labels(result, options)
        if why_not is not None:
            say(f"note: the table shows resources by their names: no labels from {options.engine} ({why_not})")
        write_answer(render(result, args.format, labels), _grammar(result.kind, args.format))
        return 0
    write_answer(render(result, args.format, kg), _grammar(result.kind, args.format))
    if args.format == "table" and kg is not None:  # a table is read by a person: what the graph doubts, said
        from kosovo_kg.querying.pipeline import recorded_doubts

        for label, doubt in recorded_doubts(result, kg):
            say(f"note: a recorded doubt about {label!r}: {doubt}")
    return 0


def _grammar(kind: str, output_format: str) -> str:
    """The grammar of what :func:`~kosovo_kg.querying.pipeline.render` writes (a graph is Turtle)."""
    if kind == "graph":
        return "text" if output_format == "table" else "turtle"
    return "json" if output_format == "json" else "text"


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.querying.catalogue import get_stored_query

    stored = get_stored_query(args.name)  # an unknown name is reported before the graph is loaded
    return print_answer(stored, parse_params(args.param), args)
