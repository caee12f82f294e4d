"""The ``kosovo-kg`` command line: one table of commands, each in a module of its own.

Exit codes (see :mod:`kosovo_kg.errors`): 0 success (or the graph conforms), 1 violations found,
2 unusable input, 3 a missing tool or unreachable engine, 70 a bug.

Every error is one ``error:`` line: a bad option value names the allowed values and the command's
``--help``, without the usage around it. ``--data FILE ...`` takes files up to the next option or
the first word that is not a file, so ``query --data mine.ttl poll-trend`` finds its NAME.

Each command's module holds its ``SUMMARY``, ``DETAILS``, ``add_arguments(parser)`` and
``run(args)``. A command line imports only the module of the command it runs (a one-off query is
mostly Python's own start-up: building every command's parser cost more than running the query);
``--help`` without a command imports them all.

>>> command_line(["query", "kfor-strength", "--format", "csv"])
date,troops,count
1999-06,20000,https://w3id.org/kosovo-kg/resource/kfor-strength-1999
2024,4500,https://w3id.org/kosovo-kg/resource/kfor-strength-2024
0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from functools import cache

from kosovo_kg.cli.options import add_progress_options, choose_progress, one_line, say
from kosovo_kg.errors import EXIT_INTERNAL, EXIT_USAGE, KosovoKGError, environment_fault

#: Command name -> the module (under kosovo_kg.cli) that defines it, in the order --help lists them.
COMMANDS = {
    "validate": "validate",
    "queries": "queries",
    "query": "query",
    "sparql": "sparql",
    "find": "find",
    "export": "export",
    "link": "link",
    "names": "names",
    "serve": "serve",
    "chart": "chart",
    "docs": "docs",
    "release": "release",
    "completion": "completion",
}


EXIT_CODES = (
    "Exit codes: 0 success, 1 violations found (validate, link), 2 unusable input (a file, query, option or\n"
    "parameter), 3 a missing tool or an unreachable engine (Java, a SPARQL endpoint), 70 a bug."
)


class _Parser(argparse.ArgumentParser):
    """Usage errors in the same one-line ``error:`` form as every other error, exit code 2: the
    message (argparse's names the option and, for a choice, the allowed values) and where help is,
    not the usage lines, which would bury it."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {one_line(message)}; see '{self.prog} --help'\n")


@cache
def _help_width() -> int:
    """The width help is wrapped to; argparse makes a formatter for every option it adds, so it
    is read once."""
    from kosovo_kg.querying.output import terminal_width

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
        if action.default not in (None, False, argparse.SUPPRESS, []) and "default" not in text:
            text += " (default: %(default)s)"
        return text


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser; with ``only``, the other commands are left out (and not imported)."""
    from importlib import import_module

    from kosovo_kg.version import VERSION

    parser = _Parser(
        prog="kosovo-kg",
        formatter_class=_Formatter,
        description="A knowledge graph of Kosovo–NATO relations: every fact dated, sourced and linked to Wikidata.",
        epilog="Start with:\n"
        "  kosovo-kg queries                               the stored questions\n"
        "  kosovo-kg query non-recognizing-nato-members    one of them\n"
        "  kosovo-kg validate                              check the graph\n\n" + EXIT_CODES,
    )
    parser.add_argument("-V", "--version", action="version", version=f"kosovo-kg {VERSION}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            # not built, nor its module imported: only the command being run is
            continue
        module = import_module(f"kosovo_kg.cli.{module_name}")
        description = module.SUMMARY + ("\n\n" + module.DETAILS if module.DETAILS else "")
        command = commands.add_parser(
            name, help=module.SUMMARY, description=description, epilog=EXIT_CODES, formatter_class=_Formatter
        )
        module.add_arguments(command)
        add_progress_options(command)
        command.set_defaults(command_module=module)
    return parser


def command_line(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (without the program name); returns the exit code.

    A usage error prints the usage and exits 2 (argparse's ``SystemExit``); the package's
    errors become one ``error:`` line on stderr and their documented exit code.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = argv[0] if argv and argv[0] in COMMANDS else None
    if "--data" in argv:
        argv = data_files_apart(argv)
    args = build_parser(wanted).parse_args(argv)
    choose_progress(args)
    try:
        return args.command_module.run(args)
    except KosovoKGError as error:
        sys.stdout.flush()
        say(f"error: {one_line(str(error))}")
        return error.exit_code
    except BrokenPipeError:  # the reader (head, less) has gone: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Interrupted as stopped:  # SIGTERM, SIGHUP: what was being written has been removed
        return 128 + stopped.signum
    except (OSError, MemoryError, RecursionError, UnicodeError) as error:
        fault = environment_fault(error)
        assert fault is not None
        sys.stdout.flush()
        say(f"error: {one_line(str(fault))}")
        return fault.exit_code


class Interrupted(BaseException):
    """SIGTERM or SIGHUP, raised where the command is, so that what it was writing is removed
    on the way out (see :mod:`kosovo_kg.core.writing`), as Ctrl-C's KeyboardInterrupt is."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def _escaping_streams() -> None:
    """Output that the terminal's encoding cannot show (PYTHONIOENCODING=ascii, a C locale) is
    written with backslash escapes rather than ending the command with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def data_files_apart(argv: list[str]) -> list[str]:
    """``--data A B NAME`` as ``--data A --data B NAME``: the words after ``--data`` are its files
    while they name a file that exists or has an RDF file's suffix; the first word that does
    neither (a stored query's NAME, a query's TEXT) is the command's own.

    argparse cannot say this itself: an option of several values takes every word up to the next
    option, positional ones included.

    >>> data_files_apart(["query", "--data", "a.ttl", "b.nt", "poll-trend", "--format", "csv"])
    ['query', '--data', 'a.ttl', '--data', 'b.nt', 'poll-trend', '--format', 'csv']
    >>> data_files_apart(["query", "--data", "a.ttl", "--data", "--format", "csv"])
    ['query', '--data', 'a.ttl', '--data', '--format', 'csv']
    """
    from kosovo_kg.core.reading import RDF_FORMATS_BY_SUFFIX

    def is_file(word: str) -> bool:
        return os.path.splitext(word)[1].lower() in RDF_FORMATS_BY_SUFFIX or os.path.exists(word)

    out: list[str] = []
    words = iter(argv)
    for word in words:
        if word != "--data":
            out.append(word)
            continue
        following = next(words, None)
        taken = 0
        while following is not None and not following.startswith("-") and is_file(following):
            out += ["--data", following]
            taken += 1
            following = next(words, None)
        if not taken:
            out.append("--data")  # no file after it: argparse says so, or reads the word as one
        if following is not None:
            out.append(following)
    return out


def complete(argv: list[str]) -> None:
    """Shell completion (argcomplete): the shell runs the program with ``_ARGCOMPLETE`` set, and
    the whole parser answers with the words that fit; no other run imports argcomplete."""
    import argcomplete

    argcomplete.autocomplete(build_parser(), exit_method=os._exit)


def main(argv: Sequence[str] | None = None) -> None:
    """The command line ``kosovo-kg`` (console.py starts it, after starting the graph's preload).

    An exception that is not one of the package's errors is a bug: it is reported in one line
    that says so (exit 70), not as a traceback. A command that has finished leaves with
    ``os._exit`` once its output is flushed: the interpreter's own shutdown (freeing every
    object of the loaded graph) would cost a one-off query more than the query itself.
    ``serve`` leaves the ordinary way, so its worker processes are stopped.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if "_ARGCOMPLETE" in os.environ:
        complete(argv)
    _escaping_streams()
    if argv[:1] != ["serve"]:  # serve stops on these signals its own way, letting queries finish
        import signal

        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's SIGHUP stays ignored
                signal.signal(signum, _interrupt)
    try:
        code = command_line(argv)
    except Exception as error:  # the one place a bug is turned into words
        say(
            f"error: internal error, a bug in kosovo-kg ({type(error).__name__}: {one_line(str(error))}); please report it"
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


__all__ = ["COMMANDS", "build_parser", "command_line", "main"]
