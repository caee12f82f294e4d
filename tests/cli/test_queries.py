"""cli/queries.py: ``kosovo-kg queries``: the catalogue of stored questions, with parameters, the
questions that ask Wikidata, and tags."""

from __future__ import annotations

from conftest import invoke

from kosovo_kg.querying.catalogue import catalogue


def test_the_help_says_what_is_listed():
    result = invoke(["queries", "--help"])
    assert result.exit_code == 0 and "List the stored questions with their summaries and parameters." in result.stdout


def test_each_question_is_listed_in_the_catalogues_order_with_what_it_needs():
    lines = invoke(["queries"]).stdout.splitlines()
    assert [line.split("  ")[0] for line in lines if not line.startswith(" ")] == list(catalogue())
    federated = lines.index(next(line for line in lines if line.startswith("other-memberships-of-kosovo  ")))
    assert (
        "    asks Wikidata's query service (SERVICE): run with --allow-federation"
        in lines[federated + 1 : federated + 4]
    )
    assert (
        "    tags: recognition"
        in lines[lines.index(next(line for line in lines if line.startswith("recognized-before  "))) :][:4]
    )


def test_an_argument_it_does_not_take_is_a_usage_error():
    result = invoke(["queries", "nato-members"])
    assert result.exit_code == 2 and "error: unrecognized arguments: nato-members" in result.stderr


def test_queries_command_lists_every_question_with_summary_and_parameters():
    result = invoke(["queries"])
    assert result.exit_code == 0
    for stored in catalogue().values():
        assert f"{stored.name}  {stored.summary}" in result.output
        for parameter in stored.parameters:
            assert parameter.describe() in result.output
