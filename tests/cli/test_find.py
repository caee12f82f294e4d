"""cli/find.py: ``kosovo-kg find TEXT``: the entities a name stands for, in any language or script,
as a table or JSON; exit 1 when nothing is named so; an unknown --type told with the classes there are."""

from __future__ import annotations

import json

from conftest import invoke

from kosovo_kg.namespaces import KKR


def test_the_help_shows_examples_in_other_scripts():
    result = invoke(["find", "--help"])
    assert result.exit_code == 0 and "kosovo-kg find Вучић" in result.stdout
    assert "Exit 1 when nothing matches." in result.stdout


def test_a_name_in_cyrillic_finds_the_person_and_the_table_shows_how():
    result = invoke(["find", "Вучић", "--limit", "3"])
    assert result.exit_code == 0
    header, first = result.stdout.splitlines()[1], result.stdout.splitlines()[3]
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == [
        "label",
        "type",
        "score",
        "matched",
        "language",
        "iri",
    ]
    assert "Aleksandar Vučić" in first and "kkr:aleksandar-vucic" in first and "person" in first


def test_json_gives_the_query_and_each_result_and_a_type_narrows_them():
    data = json.loads(invoke(["find", "Greqia", "--type", "State", "--format", "json"]).stdout)
    assert data["query"] == "Greqia"
    assert data["results"][0]["iri"] == KKR + "greece" and data["results"][0]["type"] == "state"
    assert set(data["results"][0]) == {"iri", "label", "type", "score", "matched", "language"}
    assert all(result["type"] == "state" for result in data["results"])


def test_nothing_named_so_is_exit_1_and_an_unknown_type_is_exit_2():
    nothing = invoke(["find", "zzzzqqq"])
    assert (nothing.exit_code, nothing.stdout, nothing.stderr) == (
        1,
        "",
        "nothing in the graph is named like 'zzzzqqq'\n",
    )
    assert json.loads(invoke(["find", "zzzzqqq", "--format", "json"]).stdout) == {"query": "zzzzqqq", "results": []}
    unknown = invoke(["find", "x", "--type", "Stat"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(
        "error: --type 'Stat' is no entity's class; did you mean State or Statement? the main ones: State, Person"
    )
    assert invoke(["find", "x", "--limit", "0"]).exit_code == 2
