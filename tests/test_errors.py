"""errors.py: every error class with the exit code the command line gives it and the HTTP status
serve answers it with; the messages of the classes that build their own."""

from __future__ import annotations

import inspect
import pickle

import pytest

from kosovo_kg import errors
from kosovo_kg.errors import (
    EXIT_INTERNAL,
    EXIT_MISSING_TOOL,
    EXIT_USAGE,
    EXIT_VIOLATIONS,
    KosovoKGError,
    LoadError,
    RequestError,
)

#: class -> (exit code, HTTP status): the table of errors.py's description, class by class.
EXPECTED = {
    "KosovoKGError": (2, 400),
    "UsageError": (2, 400),
    "OptionError": (2, 400),
    "LoadError": (2, 400),
    "UnsupportedData": (2, 400),
    "QueryError": (2, 400),
    "ParameterError": (2, 400),
    "QueryRefused": (2, 403),
    "FederationRefused": (2, 403),
    "QueryTimeout": (2, 503),
    "EngineError": (2, 400),
    "MissingTool": (3, 503),
    "EngineUnavailable": (3, 503),
    "ReasoningError": (1, 500),
    "ExportError": (2, 400),
    "ReleaseError": (2, 400),
    "ChartError": (2, 400),
    "ResultTooLarge": (2, 413),
    "ServerBusy": (2, 503),
    "WorkerCrashed": (2, 500),
    "ListenError": (2, 400),
    "EnvironmentFault": (2, 503),
}


def error_classes() -> dict[str, type[KosovoKGError]]:
    return {
        name: value
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, KosovoKGError) and value is not RequestError
    }


def test_the_exit_codes_are_the_documented_numbers():
    assert (EXIT_VIOLATIONS, EXIT_USAGE, EXIT_MISSING_TOOL, EXIT_INTERNAL) == (1, 2, 3, 70)
    for code in ("0", "1", "2", "3", "70"):
        assert f"\n{code} " in errors.__doc__ or f"\n{code}  " in errors.__doc__


def test_every_class_is_in_the_table():
    """A new error class must say what it means to a shell and to an HTTP client: add it above."""
    assert sorted(error_classes()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_class_carries_its_exit_code_and_http_status(name):
    error = error_classes()[name]("a message") if name != "LoadError" else LoadError("f.ttl", "a message")
    assert (error.exit_code, error.http_status) == EXPECTED[name]
    assert 400 <= error.http_status < 600
    assert isinstance(error, KosovoKGError) and "a message" in str(error)


def test_a_subclass_keeps_what_it_does_not_change():
    assert issubclass(errors.FederationRefused, errors.QueryRefused)
    assert errors.FederationRefused.http_status == errors.QueryRefused.http_status == 403
    assert issubclass(errors.EngineUnavailable, errors.MissingTool)
    assert issubclass(errors.ListenError, errors.UsageError) and issubclass(errors.OptionError, errors.UsageError)
    assert issubclass(errors.ResultTooLarge, errors.QueryError)


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        (("graph/polls.ttl", "unexpected end of file"), "graph/polls.ttl: unexpected end of file"),
        (("graph/polls.ttl", "unexpected end of file", 3), "graph/polls.ttl:3: unexpected end of file"),
        (("graph/polls.ttl", "unexpected end of file", 3, 10), "graph/polls.ttl:3:10: unexpected end of file"),
        # a column without a line is not shown: "file::10" would say nothing
        (("graph/polls.ttl", "unexpected end of file", None, 10), "graph/polls.ttl: unexpected end of file"),
    ],
)
def test_a_load_error_names_the_file_then_the_line_and_column(arguments, shown):
    error = LoadError(*arguments)
    assert str(error) == shown
    assert (error.path, error.message) == arguments[:2]
    assert (error.line, error.column) == (*arguments[2:], None, None)[:2]


@pytest.mark.parametrize("status", [400, 403, 405, 408, 413, 415])
def test_a_request_error_answers_with_its_own_status_and_keeps_it_through_pickling(status):
    """RequestError crosses from a worker process to the server as a pickle."""
    error = RequestError(status, "the request body is too large")
    assert (error.http_status, str(error), error.exit_code) == (status, "the request body is too large", 2)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RequestError and (copy.http_status, str(copy)) == (status, str(error))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_error_survives_pickling(name):
    """Workers raise these and the pool pickles them back to the server."""
    cls = error_classes()[name]
    error = LoadError("f.ttl", "bad", 2, 3) if cls is LoadError else cls("what went wrong")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls and str(copy) == str(error) and copy.http_status == error.http_status
