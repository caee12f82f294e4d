"""Errors that reach a user: each names the file and line, the parameter or the node.

Exit codes follow pySHACL: 0 conforms, 1 violations found, 2 load or usage error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


class KosovoKGError(Exception):
    """An error with a message meant for a person, and the exit code the CLI gives it."""

    exit_code = EXIT_USAGE


class LoadError(KosovoKGError):
    """A data or ontology file that cannot be read or parsed.

    >>> str(LoadError("graph/polls.ttl", "unexpected end of file", line=3, column=10))
    'graph/polls.ttl:3:10: unexpected end of file'
    """

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path, self.message, self.line, self.column = path, message, line, column
        where = path if line is None else f"{path}:{line}" + ("" if column is None else f":{column}")
        super().__init__(f"{where}: {message}")


class QueryError(KosovoKGError):
    """A query that cannot be run: a syntax error, an unknown name, a refused feature."""


class ParameterError(QueryError):
    """A stored-query parameter that is unknown, missing or malformed."""


class FederationRefused(QueryError):
    """A query that would make the engine fetch another URL, run without --allow-federation."""


class QueryTimeout(QueryError):
    """A query that ran past its time limit."""


class ExportError(KosovoKGError):
    """An export that cannot be written."""
