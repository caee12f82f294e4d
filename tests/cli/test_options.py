"""cli/options.py: what the commands share: messages in one printable line, numbers in a range with
a message that says the range, --param name=value, the query options every query-running command
takes (checked into QueryOptions), and reports as text or JSON."""

from __future__ import annotations

import argparse
import json

import pytest

from kosovo_kg.cli.options import (
    add_data_options,
    add_query_options,
    number,
    one_line,
    parse_params,
    query_options,
    say,
    write_report,
)
from kosovo_kg.errors import OptionError, UsageError
from kosovo_kg.querying.pipeline import QueryOptions


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("plain words", "plain words"),
        ("Вучић, Thaçi", "Вучић, Thaçi"),
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        ("bell\x07 and \x1b[31mred", "bell\\x07 and \\x1b[31mred"),
        ("\u2028", "\\u2028"),
    ],
)
def test_a_message_is_one_printable_line(text, line):
    assert one_line(text) == line


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (number(0, open_low=True), "2.5", 2.5),
        (number(0.1, 3600), "0.1", 0.1),
        (number(0, 65535, kind=int), "0", 0),
        (number(1, 64, kind=int), "64", 64),
        (number(0), "1e3", 1000.0),
    ],
)
def test_a_number_in_its_range_is_taken(parse, text, value):
    assert parse(text) == value and type(parse(text)) is type(value)


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (number(0, open_low=True), "0", "0 is not more than 0"),
        (number(0.1, 3600), "3601", "3601 is not at least 0.1 and at most 3600"),
        (number(1, 64, kind=int), "0", "0 is not at least 1 and at most 64"),
        (number(1, 64, kind=int), "2.5", "'2.5' is not a whole number"),
        (number(0), "ten", "'ten' is not a number"),
        (number(0), "nan", "'nan' is not a finite number"),
        (number(0), "inf", "'inf' is not a finite number"),
        (number(0), "-inf", "'-inf' is not a finite number"),
    ],
)
def test_a_number_out_of_range_says_the_range(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse(text)
    assert str(caught.value) == message
    assert parse.__name__ == "number"  # what argparse names in "invalid number value"


def test_parameters_are_name_value_each_name_once():
    assert parse_params(["date=2008-02-19", "speaker=Vjosa Osmani", "empty=", "eq=a=b"]) == {
        "date": "2008-02-19",
        "speaker": "Vjosa Osmani",
        "empty": "",
        "eq": "a=b",
    }
    assert parse_params([]) == {}
    for bad, message in (
        ("date", "--param takes name=value, got 'date'"),
        ("=x", "--param takes name=value, got '=x'"),
    ):
        with pytest.raises(UsageError) as caught:
            parse_params([bad])
        assert str(caught.value) == message
    with pytest.raises(UsageError, match=r"^--param date given twice$"):
        parse_params(["date=1", "date=2"])


def parser(query: bool = True) -> argparse.ArgumentParser:
    command = argparse.ArgumentParser()
    add_query_options(command) if query else add_data_options(command, only="Export")
    return command


def test_the_query_options_become_checked_query_options():
    args = parser().parse_args(
        # the parser takes a file per --data: "--data a.ttl b.ttl" reaches it as two (main.data_files_apart)
        [
            "--engine",
            "rdflib",
            "--timeout",
            "2.5",
            "--allow-federation",
            "--data",
            "a.ttl",
            "--data",
            "b.ttl",
            "--data",
            "c.ttl",
        ]
    )
    assert query_options(args) == QueryOptions(
        engine="rdflib", timeout=2.5, allow_federation=True, data=("a.ttl", "b.ttl", "c.ttl")
    )
    defaults = parser().parse_args([])
    assert (defaults.format, defaults.engine) == ("table", "oxigraph") and query_options(defaults) == QueryOptions()
    # a command with the data options alone (export, serve) queries the embedded oxigraph
    assert query_options(parser(query=False).parse_args(["--data", "a.ttl", "--only-data"])) == QueryOptions(
        data=("a.ttl",), only_data=True
    )


def test_query_options_that_cannot_be_used_are_refused():
    with pytest.raises(OptionError, match="--only-data needs the files to query"):
        query_options(parser().parse_args(["--only-data"]))
    with pytest.raises(OptionError, match="unknown engine 'jena'"):
        query_options(parser().parse_args(["--engine", "jena"]))


class Report:
    text_lines = ("Graph conforms: 1 triple",)

    def to_json(self) -> dict:
        return {"conforms": True, "name": "Вучић"}


def test_a_report_is_printed_as_text_or_json(capsys):
    write_report(Report(), "text")
    assert capsys.readouterr().out == "Graph conforms: 1 triple\n"
    write_report(Report(), "json")
    out = capsys.readouterr().out
    assert json.loads(out) == {"conforms": True, "name": "Вучић"} and "Вучић" in out  # not \\u-escaped


def test_messages_for_the_person_go_to_stderr(capsys):
    say("wrote out.ttl")
    assert capsys.readouterr() == ("", "wrote out.ttl\n")


def test_the_parsers_output_formats_are_the_writers():
    from kosovo_kg.cli.options import OUTPUT_FORMATS
    from kosovo_kg.querying import output

    assert OUTPUT_FORMATS == output.OUTPUT_FORMATS


def on_a_terminal(args: list[str]) -> bytes:
    """What the command line writes to a terminal (a pseudo-terminal as its standard output)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "kosovo_kg", *args], stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the command has closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return output


HOSTILE_VALUE = 'SELECT ("\\u001b]0;owned\\u0007 \\u202eevil" AS ?x) {}'


@pytest.mark.parametrize(
    ("output_format", "shown"),
    [
        ("csv", rb"\x1b]0;owned\x07 \u202eevil"),
        ("tsv", rb"\u001B]0;owned\u0007 \u202eevil"),
        ("json", rb"\u001b]0;owned\u0007 \u202eevil"),
    ],
)
def test_an_answer_on_a_terminal_cannot_drive_it_whatever_the_format(output_format, shown):
    # regression: CSV, TSV and JSON reached a terminal with ESC, BEL and U+202E raw (only tables were escaped)
    output = on_a_terminal(["sparql", HOSTILE_VALUE, "--format", output_format])
    assert b"\x1b" not in output and b"\x07" not in output and "\u202e".encode() not in output
    assert shown in output
    if output_format == "json":  # still JSON: the escapes are JSON's own
        assert json.loads(output.decode())["results"]["bindings"][0]["x"]["value"] == "\x1b]0;owned\x07 \u202eevil"


def test_signals_end_an_evaluation_at_once_but_what_was_ignored_stays_ignored():
    import signal

    from kosovo_kg.cli.options import EndedAtOnceBySignals

    before = {name: signal.getsignal(getattr(signal, name)) for name in ("SIGINT", "SIGTERM", "SIGHUP")}
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup leaves it
    try:
        with EndedAtOnceBySignals():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN  # regression: it was turned back on
        assert signal.getsignal(signal.SIGINT) is before["SIGINT"]
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        for name, handler in before.items():
            signal.signal(getattr(signal, name), handler)
