"""curation/attested_names.py: the encyclopedia entries' names, each as its entry prints it, for
entities of the graph, with the entry written into graph/names.ttl as the names' source."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from kosovo_kg.curation.attested_names import ENTRIES, Entry
from kosovo_kg.curation.names import serbian_latin
from kosovo_kg.namespaces import KKG, KKR

LANGUAGES = {"sq", "sr", "sr-Latn"}


def scripts(text: str) -> set[str]:
    """The scripts of a text's letters, by their Unicode names (CYRILLIC, LATIN)."""
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def test_each_entity_and_each_source_has_one_entry():
    assert len({entry.entity for entry in ENTRIES}) == len({entry.source for entry in ENTRIES}) == len(ENTRIES)
    assert [entry.entity for entry in ENTRIES] == sorted(entry.entity for entry in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.entity for entry in ENTRIES])
def test_an_entry_gives_albanian_or_serbian_names_each_in_its_own_script(entry):
    assert entry.names and set(entry.names) <= LANGUAGES
    for tag, name in entry.names.items():
        assert name == name.strip() and name
        assert scripts(name) == ({"CYRILLIC"} if tag == "sr" else {"LATIN"}), (tag, name)
    assert entry.url.startswith("https://") and " " not in entry.url
    assert entry.source.startswith("src-") and entry.language in ("en", "oc")


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.entity for entry in ENTRIES])
def test_every_entry_names_an_entity_of_the_graph_and_is_its_names_source(kg, entry):
    assert kg.describes(KKR + entry.entity)
    source = KKR + entry.source
    rows = kg.store.query(
        f"""SELECT ?url ?title ?work WHERE {{ <{KKR + entry.entity}> <{KKG}namesSource> <{source}> .
             <{source}> <{KKG}url> ?url ; <{KKG}title> ?title ; <{KKG}work> ?work }}""",
        use_default_graph_as_union=True,
    )
    assert [(r["url"].value, r["title"].value, r["work"].value) for r in rows] == [(entry.url, entry.title, entry.work)]


def test_an_entry_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ENTRIES[0].entity = "x"  # type: ignore[misc]
    assert isinstance(ENTRIES[0], Entry)


def test_where_an_entry_prints_both_scripts_the_transliteration_agrees():
    both = [entry for entry in ENTRIES if {"sr", "sr-Latn"} <= set(entry.names)]
    assert len(both) >= 4
    for entry in both:
        assert serbian_latin(entry.names["sr"]) == entry.names["sr-Latn"], entry.entity
