"""The ``kosovo-kg`` command: a thin layer over the package's ``run_*`` functions.

Exit codes (see ``errors``): 0 success (or the graph conforms), 1 violations found, 2 unusable
input, 3 a missing tool or unreachable engine.

It is built on argparse, and each command imports what it uses when it runs: a one-off
query is mostly Python's own start-up (a CLI library, measured, cost more than the query).

>>> run(["query", "kfor-strength", "--format", "csv"])
date,troops,count
1999-06,20000,https://w3id.org/kosovo-kg/resource/kfor-strength-1999
2024,4500,https://w3id.org/kosovo-kg/resource/kfor-strength-2024
0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from functools import cache

from .errors import EXIT_INTERNAL, EXIT_USAGE, EXIT_VIOLATIONS, KosovoKGError, UsageError

# File arguments stay strings: importing pathlib (18M instructions) would cost a one-off query
# a tenth of its time; the commands that write files make paths of them.
TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from .catalogue import StoredQuery
    from .pipeline import QueryOptions
    from .store import KnowledgeGraph

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
EXPORT_FORMATS = ("turtle", "jsonld", "nt", "xml", "quickstatements")


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _one_line(text: str) -> str:
    """A message as one printable line: control characters (a newline in a value, say) escaped.

    >>> _one_line("bad value 'a\\x01b\\nc'")
    "bad value 'a\\\\x01b\\\\nc'"
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _write_report(report, output_format: str) -> None:
    if output_format == "json":
        import json

        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        print(report.text)


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import run_validation

    if not args.no_reasoning:
        _say("Validating: SHACL, OWL reasoning (HermiT), quality checks…")
    report = run_validation([*args.files, *args.data], reasoning=not args.no_reasoning)
    _write_report(report, args.format)
    return 0 if report.conforms else EXIT_VIOLATIONS


def cmd_queries(args: argparse.Namespace) -> int:
    from .catalogue import catalogue

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


def cmd_link(args: argparse.Namespace) -> int:
    from .linking import link_report
    from .store import load_graph

    report = link_report(load_graph())
    _write_report(report, args.format)
    return 0 if report.ok else EXIT_VIOLATIONS


def cmd_names(args: argparse.Namespace) -> int:
    # Babel is imported inside kosovo_kg.names, only here: no other command pays for it.
    from .names import names_file, names_turtle, write_names
    from .store import load_graph

    kg = load_graph()
    if args.write:
        _say(f"wrote {write_names(kg)}")
        return 0
    text = names_turtle(kg)
    if args.check:
        current = names_file().read_text(encoding="utf-8") if names_file().exists() else ""
        if current != text:
            _say(f"{names_file()} is not what Babel gives: run kosovo-kg names --write")
            return EXIT_VIOLATIONS
        _say(f"{names_file()} matches Babel")
        return 0
    sys.stdout.write(text)
    return 0


def _parse_params(values: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes name=value, got {item!r}")
        if name in params:
            raise UsageError(f"--param {name} given twice")
        params[name] = value
    return params


def _options(args: argparse.Namespace) -> QueryOptions:
    """The query options of a command line, checked (every query-running command has them all)."""
    from .pipeline import QueryOptions

    return QueryOptions(
        engine=getattr(args, "engine", "oxigraph"),
        timeout=getattr(args, "timeout", None),
        allow_federation=getattr(args, "allow_federation", False),
        wikidata_endpoint=getattr(args, "wikidata_endpoint", None),
        data=tuple(args.data),
        only_data=args.only_data,
        base_iri=getattr(args, "base", None),
    ).checked()


def _answer(
    query: str | StoredQuery, params: dict[str, str], args: argparse.Namespace, base_iri: str | None = None
) -> int:
    """Prepare, run and print a query: the same pipeline as the Python API and serve."""
    from .pipeline import prepare, render, run

    options = _options(args)
    kg = options.load_graph()
    result = run(prepare(query, params, options, kg, base_iri), kg, options)
    sys.stdout.write(render(result, args.format, kg))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from .catalogue import get_stored_query

    stored = get_stored_query(args.name)  # an unknown name is reported before the graph is loaded
    return _answer(stored, _parse_params(args.param), args)


def cmd_sparql(args: argparse.Namespace) -> int:
    from .errors import QueryError

    text, query_file = args.text, args.file
    if (text is None) == (query_file is None):
        raise UsageError("give the query either as TEXT or with -f FILE")
    if query_file is None:
        return _answer(text, {}, args)
    from .fileio import file_uri, read_query_file

    shown, text = read_query_file(query_file)
    # a query read from a file resolves its relative IRIs against the file's URL, as a data file does
    base_iri = None if query_file == "-" else file_uri(query_file)
    try:
        return _answer(text, {}, args, base_iri)
    except QueryError as error:  # the query's own mistakes are told with the file they are in
        raise type(error)(f"{shown}: {error}") from error


def cmd_export(args: argparse.Namespace) -> int:
    from .serialize import serialize_graph, with_inferences, write_export

    kg = _options(args).load_graph()
    assert kg is not None  # export has no --engine: the graph is always the embedded one
    if args.format == "quickstatements":
        _export_quickstatements(kg, args.output)
        return 0
    if args.inferred:
        from .reasoning import require_java

        require_java()
        _say("Reasoning with HermiT…")
        stated = len(kg)
        kg = with_inferences(kg)
        _say(f"HermiT added {len(kg) - stated:,} entailed triples")
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(serialize_graph(kg, args.format))
        return 0
    size = write_export(kg, args.format, args.output)
    _say(f"wrote {args.output} ({size:,} bytes, {len(kg):,} triples, {args.format})")
    return 0


def _export_quickstatements(kg: KnowledgeGraph, output: str | None) -> None:
    from .fileio import atomic_writer
    from .quickstatements import quickstatements

    statements = quickstatements(kg)
    if output is None:
        sys.stdout.write(statements.text)
    else:
        with atomic_writer(output) as stream:
            stream.write(statements.text)
        _say(f"wrote {output} ({len(statements.commands)} QuickStatements commands)")
    for reason in statements.skipped:
        _say(f"not exported: {reason}")


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.app import ServeSettings
    from .web.server import listen, run_serve

    # the address first: a busy port is told at once, before the graph is loaded
    listen(args.host, args.port).close()
    kg = _options(args).load_graph()
    assert kg is not None
    settings = ServeSettings(
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout=args.timeout,
        max_result_bytes=int(args.max_result_mb * 1_000_000),
        allow_federation=args.allow_federation,
        queue=args.queue,
        cache_bytes=int(args.cache_mb * 1_000_000),
    )
    run_serve(kg, settings, announce=_say)
    return 0


def cmd_chart(args: argparse.Namespace) -> int:
    # charts.py imports matplotlib only when it draws, and the name and suffix are checked first.
    from .charts import chart_format, check_chart_name, draw_chart
    from .store import load_graph

    check_chart_name(args.name)
    chart_format(args.output)
    data = draw_chart(args.name, load_graph(), args.output)
    size = os.stat(args.output).st_size
    _say(f"wrote {args.output} ({size:,} bytes, {len(data.points)} points from {data.query})")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from .docs import build_docs

    build = build_docs(args.output)
    for path in build.files:
        _say(f"wrote {path}")
    _say(f"{len(build.classes)} classes and {len(build.properties)} properties documented")
    if not build.diagram_drawn:
        _say("Graphviz's dot is not installed: classes.svg was not drawn (apt-get install graphviz)")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    # the release's modules (and through them rdflib, matplotlib, pyLODE, HermiT) load only here
    from pathlib import Path

    from . import paths
    from .pipeline import _check_url
    from .release import build_release, release_date

    for option, url in (("--endpoint", args.endpoint), ("--base-url", args.base_url)):
        if url is not None:
            _check_url(option, url)
    kg = _options(args).load_graph()
    assert kg is not None
    files = [*(paths.data_files() if not args.only_data else []), *(Path(f) for f in args.data)]
    date = release_date(args.date, files, extra=bool(args.data))
    build_release(
        kg,
        args.output,
        previous=args.previous,
        version=args.release_version,
        date=date,
        endpoint=args.endpoint,
        base_url=args.base_url,
        inferred=not args.no_inferred,
        announce=_say,
    )
    return 0


def _number(low: float, high: float | None = None, *, open_low: bool = False, kind: type = float) -> Callable:
    """An argparse type: a number in a range, with a message that says the range."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if value != value or value in (float("inf"), float("-inf")):  # nan and inf parse as floats
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        too_low = value <= low if open_low else value < low
        if too_low or (high is not None and value > high):
            bound = f"more than {low:g}" if open_low else f"at least {low:g}"
            bound += f" and at most {high:g}" if high is not None else ""
            raise argparse.ArgumentTypeError(f"{text} is not {bound}")
        return value

    parse.__name__ = "number"
    return parse


class _Parser(argparse.ArgumentParser):
    """Usage errors in the same one-line ``error:`` form as every other error, exit code 2."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"error: {message}; see '{self.prog} --help'\n")


@cache
def _help_width() -> int:
    """The width help is wrapped to; argparse makes a formatter for every option it adds, so it
    is read once."""
    from .output import terminal_width

    return terminal_width(80) - 2


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help with defaults shown and descriptions kept as written."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        # argparse makes a formatter for every option it adds and would import shutil (bz2,
        # lzma, ...) for the terminal's width: os alone tells it.
        if width is None:
            width = _help_width()
        super().__init__(prog, indent_increment, max_help_position, width)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS, []) and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def _data_options(command: argparse.ArgumentParser, *, only: bool = True) -> None:
    command.add_argument(
        "--data",
        nargs="+",
        action="extend",
        default=[],
        type=str,
        metavar="FILE",
        help="Your own RDF files (Turtle, N-Triples, RDF/XML, JSON-LD), loaded beside the packaged graph.",
    )
    if only:
        command.add_argument(
            "--only-data", action="store_true", help="Query the --data files alone, without the packaged graph."
        )


def _query_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=OUTPUT_FORMATS, default="table", help="How to print the answer.")
    command.add_argument(
        "--engine",
        default="oxigraph",
        help="oxigraph (embedded), rdflib (embedded) or the URL of a SPARQL 1.1 endpoint.",
    )
    command.add_argument(
        "--allow-federation",
        action="store_true",
        help="Allow SERVICE, which makes the engine query other endpoints (and FROM on a remote --engine).",
    )
    command.add_argument(
        "--base",
        metavar="IRI",
        help="The base IRI the query's relative IRIs resolve against (default: the query file's URL, "
        "or the working folder's for a query given as TEXT).",
    )
    command.add_argument(
        "--wikidata-endpoint",
        metavar="URL",
        help="Send the SERVICE clauses that name Wikidata's query service to this endpoint instead (a mirror, a test server).",
    )
    command.add_argument(
        "--timeout",
        type=_number(0, open_low=True),
        metavar="SECONDS",
        help="Stop the query after this many seconds (exit 2). Embedded engines run it in a child process; a URL gets an HTTP timeout.",
    )
    _data_options(command)


COMMANDS = ("validate", "queries", "query", "sparql", "export", "link", "names", "serve", "chart", "docs", "release")


class _Unused:
    """Stands in for the parser of a command this command line does not run: building all nine
    parsers costs a one-off query more than running it."""

    def add_argument(self, *args, **kwargs) -> None:
        pass


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser; with ``only``, the other commands' options are left out."""
    from . import __version__

    parser = _Parser(
        prog="kosovo-kg",
        formatter_class=_Formatter,
        description="A knowledge graph of Kosovo–NATO relations: every fact dated, sourced and linked to Wikidata.",
        epilog="Start with:\n"
        "  kosovo-kg queries                               the stored questions\n"
        "  kosovo-kg query non-recognizing-nato-members    one of them\n"
        "  kosovo-kg validate                              check the graph\n\n"
        "Exit codes: 0 success, 1 violations found, 2 unusable input, 3 a missing tool or engine.",
    )
    parser.add_argument("--version", action="version", version=f"kosovo-kg {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, run: Callable[[argparse.Namespace], int], summary: str, details: str = ""):
        if only is not None and name != only:
            return _Unused()
        sub = commands.add_parser(
            name, help=summary, description=summary + ("\n\n" + details if details else ""), formatter_class=_Formatter
        )
        sub.set_defaults(run=run)
        return sub

    sub = command(
        "validate",
        cmd_validate,
        "SHACL shapes, OWL reasoning and quality checks over the graph plus any extra FILES.",
        "Exit 0 when it conforms, 1 when it has errors, 2 when a file cannot be loaded.",
    )
    sub.add_argument("files", nargs="*", type=str, metavar="FILE", help="Extra RDF files to check with the graph.")
    _data_options(sub, only=False)
    sub.add_argument("--no-reasoning", action="store_true", help="Skip the OWL consistency check (HermiT needs Java).")
    sub.add_argument("--format", choices=("text", "json"), default="text", help="How to print the report.")

    command("queries", cmd_queries, "List the stored questions with their summaries and parameters.")

    sub = command(
        "query",
        cmd_query,
        "Run the stored query NAME (see 'kosovo-kg queries').",
    )
    sub.add_argument("name", metavar="NAME")
    sub.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="A parameter of the stored query (repeatable).",
    )
    _query_options(sub)

    sub = command(
        "sparql",
        cmd_sparql,
        "Run any SPARQL query, given as TEXT or with -f FILE.",
        "Prefixes kkg:, kkr:, rdf:, rdfs:, owl:, xsd:, wd:, skos:, dcterms:, org:, prov:, qb:, schema: are predeclared.",
    )
    sub.add_argument("text", nargs="?", metavar="TEXT")
    sub.add_argument("-f", "--file", type=str, help="Read the query from a file ('-' for stdin).")
    _query_options(sub)

    sub = command(
        "export",
        cmd_export,
        "Export the whole graph (ontology and data) as Turtle, JSON-LD, N-Triples or RDF/XML, or the facts "
        "Wikidata can take as QuickStatements commands, each with its reference.",
    )
    sub.add_argument("--format", choices=EXPORT_FORMATS, default="turtle", help="The format to write.")
    sub.add_argument("-o", "--output", type=str, help="Write to this file (atomically) instead of stdout.")
    sub.add_argument("--inferred", action="store_true", help="Add what the OWL reasoner (HermiT) entails; needs Java.")
    _data_options(sub)

    sub = command(
        "link",
        cmd_link,
        "Report the Wikidata links: coverage by kind, entities without a link and why, identifiers used twice, "
        "and links whose recorded Wikidata label differs from ours.",
        "Exit 1 when an identifier is used by two entities.",
    )
    sub.add_argument("--format", choices=("text", "json"), default="text", help="How to print the report.")

    sub = command(
        "names",
        cmd_names,
        "Print graph/names.ttl as CLDR (through Babel) gives it: state and organization names in Albanian (sq), "
        "Serbian Cyrillic (sr) and Serbian Latin (sr-Latn). A maintainer's command; needs Babel.",
    )
    sub.add_argument("--write", action="store_true", help="Regenerate graph/names.ttl (atomically).")
    sub.add_argument("--check", action="store_true", help="Exit 1 if graph/names.ttl differs from what Babel gives.")

    sub = command(
        "serve",
        cmd_serve,
        "Serve the graph until stopped (Ctrl-C or SIGTERM, which let running queries finish).",
        "A read-only SPARQL 1.1 endpoint at /sparql (without a query: its service description) with a query UI\n"
        "and the charts at /, the stored questions at /api/queries, OpenAPI at /openapi.json, VoID at\n"
        "/.well-known/void, and every resource at /resource/NAME (HTML, Turtle, N-Triples or JSON-LD by the\n"
        "Accept header). Queries run in worker processes without network access, each under --timeout.",
    )
    sub.add_argument("--host", default="127.0.0.1", help="Address to listen on (loopback by default).")
    sub.add_argument("--port", default=8000, type=_number(0, 65535, kind=int), help="Port (0 picks a free one).")
    sub.add_argument(
        "--workers",
        default=2,
        type=_number(1, 64, kind=int),
        help="Query worker processes (default 2: the cores here).",
    )
    sub.add_argument(
        "--timeout", default=10.0, type=_number(0.1, 3600), help="Seconds a query may run before its worker is killed."
    )
    sub.add_argument("--max-result-mb", default=20.0, type=_number(0.001), help="Largest result sent, in MB.")
    sub.add_argument(
        "--queue",
        default=256,
        type=_number(0, 100_000, kind=int),
        help="Queries that may wait for a worker (then 503).",
    )
    sub.add_argument(
        "--cache-mb",
        default=64.0,
        type=_number(0),
        help="Memory for answers kept by their exact query text and format (0: no cache).",
    )
    sub.add_argument(
        "--allow-federation",
        action="store_true",
        help="Allow SERVICE, and give the workers the network (they have none without it).",
    )
    _data_options(sub)

    sub = command(
        "chart",
        cmd_chart,
        "Draw chart NAME from its stored query into a PNG or SVG file (written atomically).",
        "Charts:\n"
        "  polls        support, opposed and neutral in each poll (poll-trend)\n"
        "  timeline     dated events and statements by kind (timeline)\n"
        "  recognition  NATO members by date of recognition (recognition-status)\n"
        "  kfor         KFOR troop strength at the dates recorded (kfor-strength)",
    )
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("-o", "--output", type=str, required=True, help="The image to write: FILE.png or FILE.svg.")

    sub = command(
        "docs",
        cmd_docs,
        "Build the ontology's documentation into a folder.",
        "index.html (pyLODE: every class and property with its label, definition, domain and range) and a\n"
        "diagram of the classes and their relations (classes.svg, drawn by Graphviz's dot; classes.dot is its source).",
    )
    sub.add_argument("-o", "--output", type=str, required=True, help="The folder to write into.")

    sub = command(
        "release",
        cmd_release,
        "Write a citable release into the folder DIR: the graph as stated and as inferred in four formats, the "
        "ontology and shapes, VoID and DCAT, CHANGES.md (the facts changed since --previous), CITATION.cff, "
        "SHA256SUMS and a static Linked Data site.",
        "Inferred: the RDFS entailments queries see and HermiT's inferences (needs Java; --no-inferred leaves\n"
        "them out). The same graph, version and date give the same bytes; the date is --date, else\n"
        "SOURCE_DATE_EPOCH, else the last commit's when the graph's files are as committed, else the files'\n"
        "newest modification time. The release is built beside DIR and renamed into place when complete;\n"
        "an earlier release in DIR is replaced, any other folder that is not empty is refused.",
    )
    sub.add_argument("-o", "--output", type=str, required=True, metavar="DIR", help="The release's folder.")
    sub.add_argument("--previous", type=str, metavar="DIR", help="An earlier release, for CHANGES.md.")
    sub.add_argument(
        "--release-version", metavar="VERSION", help="The release's version (default: its date, as 2026.11.30)."
    )
    sub.add_argument("--date", metavar="YYYY-MM-DD", help="The release's date (default: see above).")
    sub.add_argument("--endpoint", metavar="URL", help="A SPARQL endpoint that serves this release, for VoID and DCAT.")
    sub.add_argument(
        "--base-url",
        metavar="URL",
        help="Where the release folder will be published: download links, and the site for the w3id.org rules.",
    )
    sub.add_argument("--no-inferred", action="store_true", help="Leave out the inferred variant (no Java needed).")
    _data_options(sub)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (without the program name); returns the exit code.

    A usage error prints the usage and exits 2 (argparse's ``SystemExit``); the package's
    errors become one ``error:`` line on stderr and their documented exit code.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(wanted).parse_args(argv)
    try:
        return args.run(args)
    except KosovoKGError as error:
        sys.stdout.flush()
        _say(f"error: {_one_line(str(error))}")
        return error.exit_code
    except BrokenPipeError:  # the reader (head, less) has gone: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def main(argv: Sequence[str] | None = None) -> None:
    """The command line ``kosovo-kg`` (console.py starts it, after starting the graph's preload).

    An exception that is not one of the package's errors is a bug: it is reported in one line
    that says so (exit 70), not as a traceback. A command that has finished leaves with
    ``os._exit`` once its output is flushed: the interpreter's own shutdown (freeing every
    object of the loaded graph) would cost a one-off query more than the query itself.
    ``serve`` leaves the ordinary way, so its worker processes are stopped.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code = run(argv)
    except Exception as error:  # the one place a bug is turned into words
        _say(
            f"error: internal error, a bug in kosovo-kg ({type(error).__name__}: {_one_line(str(error))}); please report it"
        )
        code = EXIT_INTERNAL
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    if argv[:1] != ["serve"]:
        os._exit(code)
    sys.exit(code)


__all__ = ["EXIT_USAGE", "build_parser", "main", "run"]
