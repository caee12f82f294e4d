"""publish/release/citation.py: CITATION.cff (Citation File Format 1.2.0) for a release, valid
against the format's schema, with the article and the CLDR release as the graph records them;
every value written as a string YAML cannot take for a number or a date."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import TESTS

from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import DATASET
from kosovo_kg.publish.release.citation import _yaml_text, citation

#: The schema of CFF 1.2.0 (see tests/publish/release/test_build.py), kept so no test fetches it.
SCHEMA = json.loads((TESTS / "fixtures" / "cff-1.2.0-schema.json").read_text(encoding="utf-8"))


def test_the_citation_of_the_graph_names_the_release_and_its_references(kg):
    text = citation(kg, "2026.12.01", "2026-12-01", "a" * 40, "https://kosovo-kg.github.io/releases/2026.12.01")
    assert text.startswith("# The Citation File Format 1.2.0 (https://citation-file-format.github.io/)")
    cff = yaml.safe_load(text)
    jsonschema.validate(cff, SCHEMA)
    assert (cff["version"], cff["date-released"], cff["commit"]) == ("2026.12.01", "2026-12-01", "a" * 40)
    assert cff["url"] == "https://kosovo-kg.github.io/releases/2026.12.01/"
    assert cff["identifiers"] == [
        {"type": "url", "value": f"{DATASET}/2026.12.01", "description": "The version IRI of this release"}
    ]
    article, cldr = cff["references"]
    assert article == {
        "type": "encyclopedia",
        "title": "Kosovo–NATO relations",
        "authors": [{"name": "Wikipedia contributors"}],
        "collection-title": "Wikipedia",
        "url": "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations",
        "license": "CC-BY-SA-4.0",
    }
    assert cldr["type"] == "data" and cldr["title"] == "Unicode Common Locale Data Repository"


def test_without_a_commit_an_address_or_references_nothing_is_said_of_them():
    cff = yaml.safe_load(citation(KnowledgeGraph([]), "1.0", "2026-12-01", None, None))
    jsonschema.validate(cff, SCHEMA)
    assert not {"commit", "url", "references"} & set(cff)
    assert cff["version"] == "1.0" and isinstance(cff["version"], str)


@pytest.mark.parametrize(
    "text",
    ["2026.12.01", "1.0", "2026-12-01", "yes", "null", "0x1F", "a: b", "#1", "“quoted”", "- x", "&a *b", "x\ny",
     "nel\x85", "ls\u2028", "\x1b[2J", " lead", "trail ", ""],
)  # fmt: skip
def test_every_text_is_written_as_a_string_yaml_reads_back_as_written(text):
    document = {"version": text, "keywords": [text], "authors": [{"name": text, "alias": text}]}
    assert yaml.safe_load(_yaml_text(document)) == document


def test_the_yaml_is_written_as_nested_blocks_in_the_order_given():
    assert _yaml_text({"b": "x", "a": [{"c": "y", "d": ["z"]}]}) == "b: x\na:\n- c: y\n  d:\n  - z\n"
