"""Every error the package raises for a person to read, with the exit code and the HTTP status it means.

Each message names what is at fault: the file and line, the option or parameter, or the node.
Each class carries its ``exit_code`` (which the command line exits with) and its ``http_status``
(which ``serve`` answers with); nowhere else maps an error to either, as pySHACL keeps its exit codes:

====  =====================================================================
code  meaning
====  =====================================================================
0     success (``validate``: the graph conforms)
1     violations found (``validate``, ``link``)
2     unusable input: a file, query, parameter, option, engine answer or output path
3     a tool or engine that is needed is missing or unreachable (Java, a SPARQL endpoint)
70    an internal error: a bug in kosovo-kg, reported in one line (please report it)
====  =====================================================================
"""

from __future__ import annotations

EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_MISSING_TOOL = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE of sysexits.h


class KosovoKGError(Exception):
    """An error with a message meant for a person, the exit code the CLI gives it and the HTTP
    status ``serve`` answers it with."""

    exit_code = EXIT_USAGE
    http_status = 400


class UsageError(KosovoKGError):
    """Command-line arguments that do not fit together."""


class OptionError(UsageError):
    """An option that cannot be used: an unknown engine, a time limit that is not a positive number."""


class LoadError(KosovoKGError):
    """A data, ontology or query file that cannot be read or parsed.

    >>> str(LoadError("graph/polls.ttl", "unexpected end of file", line=3, column=10))
    'graph/polls.ttl:3:10: unexpected end of file'
    """

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path, self.message, self.line, self.column = path, message, line, column
        where = path if line is None else f"{path}:{line}" + ("" if column is None else f":{column}")
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # a worker or a --timeout child pickles it back to the caller
        return (type(self), (self.path, self.message, self.line, self.column))


class UnsupportedData(KosovoKGError):
    """Data that a step of the command cannot hold: RDF 1.2's quoted triples, which Oxigraph
    reads and rdflib (behind SHACL validation and ``--engine rdflib``) does not; a character that
    XML 1.0 cannot hold (NUL, ESC), which RDF/XML and the SPARQL XML results cannot carry."""


class QueryError(KosovoKGError):
    """A query that cannot be run: a syntax error, an unknown name, a refused feature."""


class ParameterError(QueryError):
    """A stored-query parameter that is unknown, missing or malformed."""


class QueryRefused(QueryError):
    """A query the screens refuse: SPARQL Update, nesting deep enough to crash a parser."""

    http_status = 403


class FederationRefused(QueryRefused):
    """A query that would make the engine fetch another URL, run without --allow-federation."""


class QueryTimeout(QueryError):
    """A query that ran past its time limit."""

    http_status = 503


class EngineError(QueryError):
    """A remote engine that answered, but not with results that can be read."""


class MissingTool(KosovoKGError):
    """A program or service the command needs is not installed or cannot be reached."""

    exit_code = EXIT_MISSING_TOOL
    http_status = 503


class EngineUnavailable(MissingTool):
    """A SPARQL endpoint that cannot be reached: the one given with --engine, or one a SERVICE
    clause names (--wikidata-endpoint's); ``url`` is its address."""

    url: str | None = None


class ReasoningError(KosovoKGError):
    """The OWL reasoner ran and could not decide (it failed), or found the graph inconsistent."""

    exit_code = EXIT_VIOLATIONS
    http_status = 500


class ExportError(KosovoKGError):
    """An export, chart or documentation file that cannot be written."""


class ReleaseError(KosovoKGError):
    """A release that cannot be built: an output folder that cannot be used, a --previous that is not a release."""


class ChartError(KosovoKGError):
    """A chart that cannot be drawn: an unknown name or an image format other than PNG or SVG."""


# --- serve (kosovo_kg.web): how a query can fail on the server beyond the query's own errors ---


class ResultTooLarge(QueryError):
    """A result larger than the server's --max-result-mb."""

    http_status = 413


class ServerBusy(KosovoKGError):
    """Every query worker is busy and the queue is full: the client should retry later."""

    http_status = 503


class WorkerCrashed(KosovoKGError):
    """The worker process running a query ended abnormally (a crash, a kill): that request fails, the server goes on."""

    http_status = 500


class ListenError(UsageError):
    """``serve`` cannot listen on the address it was given: a busy port, an unusable host."""


class RequestError(KosovoKGError):
    """An HTTP request ``serve`` cannot take (its method, media type, size, encoding), with the status to answer."""

    def __init__(self, status: int, message: str):
        self.http_status = status
        super().__init__(message)

    def __reduce__(self):  # keep the status through pickling
        return (type(self), (self.http_status, str(self)))


class EnvironmentFault(KosovoKGError):
    """What the machine would not do for a command that is not at fault: a full disk, a read-only
    folder, no permission, a name too long, memory exhausted, input nested deeper than Python
    reads, text the terminal's encoding cannot carry. Usable input on another machine (exit 2),
    not a bug (exit 70)."""

    http_status = 503


def environment_fault(error: BaseException) -> EnvironmentFault | None:
    """The :class:`EnvironmentFault` an exception from the environment stands for, in one line
    naming the file where the exception says which; ``None`` for any other exception (a bug).

    >>> str(environment_fault(OSError(28, "No space left on device", "out/graph.ttl")))
    'out/graph.ttl: No space left on device'
    """
    if isinstance(error, OSError):
        words = error.strerror or str(error) or type(error).__name__
        where = error.filename if error.filename is not None else None
        return EnvironmentFault(f"{where}: {words}" if where is not None else words)
    if isinstance(error, MemoryError):
        return EnvironmentFault("not enough memory for this command (its input is too large for this machine)")
    if isinstance(error, RecursionError):
        return EnvironmentFault(
            "the input is nested more deeply than can be read (a structure thousands of levels deep)"
        )
    if isinstance(error, UnicodeError):
        return EnvironmentFault(f"text that cannot be encoded or decoded: {error}")
    return None
