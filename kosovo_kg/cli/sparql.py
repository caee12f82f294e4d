"""``kosovo-kg sparql QUERY|-f FILE``: any SPARQL query."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import add_query_options
from kosovo_kg.cli.query import print_answer
from kosovo_kg.errors import UsageError

SUMMARY = "Run any SPARQL query, given as TEXT or with -f FILE."
DETAILS = (
    "Prefixes kkg:, kkr:, rdf:, rdfs:, owl:, xsd:, wd:, skos:, dcterms:, org:, prov:, qb:, schema: are predeclared."
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("text", nargs="?", metavar="TEXT")
    command.add_argument("-f", "--file", type=str, help="Read the query from a file ('-' for stdin).")
    add_query_options(command)


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.errors import QueryError

    text, query_file = args.text, args.file
    if (text is None) == (query_file is None):
        raise UsageError("give the query either as TEXT or with -f FILE")
    if query_file is None:
        return print_answer(text, {}, args)
    from kosovo_kg.core.paths import file_uri
    from kosovo_kg.core.reading import read_query_file

    shown, text = read_query_file(query_file)
    # a query read from a file resolves its relative IRIs against the file's URL, as a data file does
    base_iri = None if query_file == "-" else file_uri(query_file)
    try:
        return print_answer(text, {}, args, base_iri)
    except QueryError as error:  # the query's own mistakes are told with the file they are in
        raise type(error)(f"{shown}: {error}") from error
