"""Names in Albanian and Serbian: graph/names.ttl is what CLDR (through Babel) gives, and nothing else."""

from __future__ import annotations

import pytest
from conftest import invoke

from kosovo_kg import query
from kosovo_kg.curation.names import ENGLISH_ALIASES, LANGUAGES, cldr_version, find_names, names_file, names_turtle

babel = pytest.importorskip("babel")  # a maintainer dependency (dev extra)


def test_names_file_is_what_babel_gives(kg):
    assert names_file().read_text(encoding="utf-8") == names_turtle(kg)


def test_every_state_named_by_cldr_has_all_three_names(kg):
    found = {n.label: n for n in find_names(kg)}
    assert len(found) == 38  # 36 states and the UN and the EU; the two Yugoslavias have no CLDR territory
    assert found["Kosovo"].code == "XK"
    assert found["Kosovo"].names == {"sq": "Kosovë", "sr": "Косово", "sr-Latn": "Kosovo"}
    assert found["United Nations"].names["sq"] == babel.Locale("sq").territories["UN"]
    assert "Socialist Federal Republic of Yugoslavia" not in found
    assert all(set(n.names) == set(LANGUAGES) for n in found.values())


def test_english_aliases_point_at_the_territories_cldr_renamed():
    english = babel.Locale("en").territories
    assert {alias: english[code] for alias, code in ENGLISH_ALIASES.items()} == {
        "Czech Republic": "Czechia",
        "Turkey": "Türkiye",
    }


def test_the_cldr_release_is_recorded_as_the_source(kg):
    rows = list(query("names-in-languages", graph=kg))
    assert {str(r["source"]) for r in rows} == {f"Unicode CLDR {cldr_version()} (through Babel {babel.__version__})"}
    serbia = next(r for r in rows if str(r["label"]) == "Serbia")
    assert (str(serbia["sq"]), str(serbia["sr"]), str(serbia["sr_Latn"])) == ("Serbi", "Србија", "Srbija")


def test_names_check_command():
    result = invoke(["names", "--check"])
    assert result.exit_code == 0, result.output
