"""What the commands share: the options every query-running command takes, numbers with ranges,
parameters, and printing messages and reports.

File arguments stay strings: importing pathlib (18M instructions) would cost a one-off query a
tenth of its time; the commands that write files make paths of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence

from kosovo_kg.errors import UsageError

TYPE_CHECKING = False  # typing is not imported at run time: see core/records.py
if TYPE_CHECKING:
    from kosovo_kg.querying.pipeline import QueryOptions

#: querying.output's formats, named again here: importing that module (and pyoxigraph with it) to
#: build the parser would cost every command, `queries` and `--help` too (tests/cli/test_options.py
#: holds the two the same).
OUTPUT_FORMATS = ("table", "csv", "tsv", "json")


def say(line: str) -> None:
    """A line for the person at the terminal (stderr: stdout carries the answer), with any control
    character in it (from a file name, a label) shown escaped rather than obeyed."""
    print(one_line(line), file=sys.stderr)


#: Whether :func:`progress` prints: set once per command line by :func:`choose_progress`.
_SHOW_PROGRESS = [False]


def add_progress_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-q", "--quiet", action="store_true", help="Say nothing about the steps of long work (errors still)."
    )
    command.add_argument(
        "--progress",
        action="store_true",
        help="Say each step of long work on stderr even when it is not a terminal (a log, CI).",
    )


def choose_progress(args: argparse.Namespace) -> None:
    """Progress is shown on a terminal unless -q, and elsewhere only with --progress."""
    quiet, asked = getattr(args, "quiet", False), getattr(args, "progress", False)
    _SHOW_PROGRESS[0] = asked or (not quiet and sys.stderr.isatty())


def progress(step: str) -> None:
    """Say on stderr what a step that can take seconds is doing, when progress is shown."""
    if _SHOW_PROGRESS[0]:
        say(f"{step}…")


def one_line(text: str) -> str:
    """A message as one printable line: control characters (a newline in a value, say) escaped.

    >>> one_line("bad value 'a\\x01b\\nc'")
    "bad value 'a\\\\x01b\\\\nc'"
    """
    from kosovo_kg.core.terminal import terminal_text

    return terminal_text(text)


def write_answer(answer: str | bytes, grammar: str) -> None:
    """An answer on standard output: as it is into a pipe or a file, which take the format's own
    bytes; on a terminal, with whatever could drive it escaped in the format's own grammar
    (``"text"``, ``"json"``, ``"turtle"``, ``"xml"``: see
    :func:`kosovo_kg.core.terminal.answer_for_terminal`)."""
    if sys.stdout.isatty():
        from kosovo_kg.core.terminal import answer_for_terminal

        text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
        sys.stdout.write(answer_for_terminal(text, grammar))
    elif isinstance(answer, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(answer)
    else:
        sys.stdout.write(answer)


class EndedAtOnceBySignals:
    """Within it, Ctrl-C, SIGTERM and SIGHUP end the process at once (their default action).

    For an embedded engine's evaluation in this process: Oxigraph evaluates in Rust and checks no
    signal, so Python's handlers would run only once the query is done (a SIGTERM was obeyed 16 s
    late, a query that ran for minutes ignored Ctrl-C throughout), and nothing is being written
    meanwhile that an ending could leave half done. The handlers are put back on the way out.
    """

    _SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

    def __enter__(self) -> None:
        import signal

        self.saved = {
            name: signal.signal(getattr(signal, name), signal.SIG_DFL)
            for name in self._SIGNALS
            if signal.getsignal(getattr(signal, name)) is not signal.SIG_IGN  # nohup's, a background job's
        }

    def __exit__(self, *exc: object) -> None:
        import signal

        for name, handler in self.saved.items():
            signal.signal(getattr(signal, name), handler)


def write_report(report, output_format: str) -> None:
    """A report (validation, links) as its text, or as JSON.

    The text is written line by line, a line break inside one escaped like any control
    character: a label or a value with a line break in it would otherwise start a line that reads
    as the report's own ("Graph conforms: 0 errors").
    """
    if output_format == "json":
        import json

        write_answer(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n", "json")
    else:
        from kosovo_kg.core.terminal import terminal_text

        print("\n".join(terminal_text(line) for line in report.text_lines))


def number(low: float, high: float | None = None, *, open_low: bool = False, kind: type = float) -> Callable:
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


def parse_params(values: Sequence[str]) -> dict[str, str]:
    """``--param name=value`` options as a mapping, each name once."""
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes name=value, got {item!r}")
        if name in params:
            raise UsageError(f"--param {name} given twice")
        params[name] = value
    return params


def in_any_case(choices: Iterable[str]) -> Callable[[str], str]:
    """An option's ``type`` for its ``choices`` in any case ("CSV" is csv). A value that is none of
    them is passed on as typed, so argparse's error shows what the user wrote, not its lower case
    (an escape sequence in it would otherwise reach the message altered).

    >>> in_any_case(("table", "csv"))("CSV"), in_any_case(("table", "csv"))("XML")
    ('csv', 'XML')
    """
    by_lower = {choice.lower(): choice for choice in choices}

    def chosen(value: str) -> str:
        return by_lower.get(value.lower(), value)

    return chosen


def add_format_option(
    command: argparse.ArgumentParser, formats: Sequence[str], what: str, *, first_by_default: bool = True
) -> None:
    """``--format``: one of ``formats`` in any case, the first by default (or, without
    ``first_by_default``, None: the command chooses, from its output file's name, say)."""
    default = formats[0] if first_by_default else None
    command.add_argument("--format", type=in_any_case(formats), choices=formats, default=default, help=what)


def add_data_options(command: argparse.ArgumentParser, *, only: str = "") -> None:
    """``--data FILE ...`` and, when ``only`` says what the command does with them ("Query",
    "Export"), ``--only-data``."""
    # One file per --data here: the command line gives "--data A B" to the parser as "--data A
    # --data B", up to the first word that is not a file (main.data_files_apart).
    command.add_argument(
        "--data",
        action="append",
        default=[],
        type=str,
        metavar="FILE ...",
        help="Your own RDF files (Turtle, N-Triples, RDF/XML, JSON-LD), loaded beside the packaged graph; "
        "the files up to the next option.",
    )
    if only:
        command.add_argument(
            "--only-data", action="store_true", help=f"{only} the --data files alone, without the packaged graph."
        )
    command.add_argument(
        "--no-cache",
        action=_NoCache,
        help="Parse every file afresh and leave the cache as it is (neither read nor written; see KOSOVO_KG_CACHE).",
    )


class _NoCache(argparse.Action):
    """``--no-cache``: turns the cache off as the option is read, for everything the command does."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from kosovo_kg.core import cache

        cache.disable()
        setattr(namespace, self.dest, True)


def add_query_options(command: argparse.ArgumentParser) -> None:
    add_format_option(command, OUTPUT_FORMATS, "How to print the answer.")
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
        type=number(0, open_low=True),
        metavar="SECONDS",
        help="Stop the query after this many seconds (exit 2). Embedded engines run it in a child process; a URL gets an HTTP timeout.",
    )
    command.add_argument(
        "--strict",
        action="store_true",
        help="Refuse (exit 2) a query that names a kkg: or kkr: term the graph does not declare, "
        "instead of warning and running it.",
    )
    add_data_options(command, only="Query")


def query_options(args: argparse.Namespace) -> QueryOptions:
    """The query options of a command line, checked (every query-running command has them all)."""
    from kosovo_kg.querying.pipeline import QueryOptions

    return QueryOptions(
        engine=getattr(args, "engine", "oxigraph"),
        timeout=getattr(args, "timeout", None),
        allow_federation=getattr(args, "allow_federation", False),
        wikidata_endpoint=getattr(args, "wikidata_endpoint", None),
        data=tuple(args.data),
        only_data=getattr(args, "only_data", False),
        base_iri=getattr(args, "base", None),
    ).checked()
