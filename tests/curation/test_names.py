"""Names in other languages: graph/names.ttl is what CLDR (through Babel) gives, and nothing else."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kosovo_kg import query
from kosovo_kg.core.paths import ontology_dir
from kosovo_kg.curation.attested_names import ENTRIES, Entry
from kosovo_kg.curation.names import (
    ENGLISH_ALIASES,
    REGION,
    SAME_AS,
    TRANSLITERATION,
    attested_names,
    cldr_version,
    find_names,
    name_languages,
    names_file,
    names_turtle,
    nato_members,
    serbian_latin,
)

babel = pytest.importorskip("babel")  # a maintainer dependency (dev extra)

SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def test_names_file_is_what_babel_gives(kg):
    assert names_file().read_text(encoding="utf-8") == names_turtle(kg)


def test_the_languages_are_those_of_every_nato_member_and_of_the_region(kg):
    languages = {language.tag: language for language in name_languages(kg)}
    # Every language of a member state (32 in the graph) and of the region, by CLDR's official status.
    assert len(nato_members(kg)) == 32
    assert set(languages) == {
        *("bg", "bs", "bs-Cyrl", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hr", "hu", "is", "it"),
        *("lb", "lt", "lv", "mk", "nb", "nl", "nn", "pl", "pt", "ro", "sk", "sl", "sq", "sr", "sr-Latn", "sv"),
        *("tr", "pt-PT", "sr-BA", "sr-Latn-BA"),
    }
    assert languages["fr"].states == ("BE", "CA", "FR", "LU")
    assert languages["sq"].states == ("AL", "XK")
    assert languages["sr-Latn"].states == ("BA", "ME", "RS", "XK")
    assert languages["pt-PT"].varies == "pt" and languages["pt-PT"].locale == "pt_PT"
    assert "XK" in REGION and "BA" in REGION


def test_norwegian_is_kept_once_because_cldr_gives_no_and_nb_the_same_names():
    for macro, kept in SAME_AS.items():
        assert babel.Locale.parse(macro).territories == babel.Locale.parse(kept).territories


def test_every_state_named_by_cldr_has_a_name_in_every_language(kg):
    found = {n.label: n for n in find_names(kg)}
    assert len(found) == 38  # 36 states and the UN and the EU; the two Yugoslavias have no CLDR territory
    assert found["Kosovo"].code == "XK"
    kosovo = found["Kosovo"].names
    assert (kosovo["sq"], kosovo["sr"], kosovo["sr-Latn"]) == ("Kosovë", "Косово", "Kosovo")
    assert (found["Greece"].names["el"], found["Greece"].names["sq"]) == ("Ελλάδα", "Greqi")
    assert found["Czech Republic"].names["en"] == "Czechia"
    assert found["United Nations"].names["sq"] == babel.Locale("sq").territories["UN"]
    assert "Socialist Federal Republic of Yugoslavia" not in found
    whole = {language.tag for language in name_languages(kg) if language.varies is None}
    assert all(whole <= set(n.names) for n in found.values())


def test_a_regional_form_is_kept_only_where_it_differs(kg):
    found = {n.label: n for n in find_names(kg)}
    assert found["Poland"].names["pt"] == "Polônia" and found["Poland"].names["pt-PT"] == "Polónia"
    assert "pt-PT" not in found["France"].names  # pt_PT says França, as pt does
    assert found["Germany"].names["sr-BA"] == "Њемачка" and "sr-BA" not in found["Serbia"].names


def test_english_aliases_point_at_the_territories_cldr_renamed():
    english = babel.Locale("en").territories
    assert {alias: english[code] for alias, code in ENGLISH_ALIASES.items()} == {
        "Czech Republic": "Czechia",
        "Turkey": "Türkiye",
    }


def test_the_shapes_accept_exactly_the_generated_languages(kg):
    shapes = ox.Store()
    shapes.load(path=str(ontology_dir() / "shapes.ttl"), format=ox.RdfFormat.TURTLE)
    listed = {
        str(row["lang"].value)
        for row in shapes.query(
            f"SELECT ?lang WHERE {{ ?shape <{SH}path> <{SKOS}prefLabel> ; "
            f"<{SH}languageIn>/<{RDF}rest>*/<{RDF}first> ?lang }}"
        )
    }
    bases = {language.tag.split("-")[0] for language in name_languages(kg)}
    assert listed == bases


def test_the_cldr_release_is_recorded_as_the_source(kg):
    cldr = f"Unicode CLDR {cldr_version()} (through Babel {babel.__version__})"
    rows = [r for r in query("names-in-languages", graph=kg) if str(r["source"]) == cldr]
    assert len(rows) == 38
    serbia = next(r for r in rows if str(r["label"]) == "Serbia")
    assert (str(serbia["sq"]), str(serbia["sr"]), str(serbia["sr_Latn"])) == ("Serbi", "Србија", "Srbija")


# --- Names from encyclopedia entries, and the Serbian Latin derived from Cyrillic ---------------------

KKG = "https://w3id.org/kosovo-kg/ontology#"
KKR = "https://w3id.org/kosovo-kg/resource/"


def test_every_entity_with_names_has_one_source(kg):
    rows = sparql_rows(
        kg,
        f"""SELECT ?entity (COUNT(DISTINCT ?source) AS ?n) WHERE {{
              ?entity <{SKOS}prefLabel> ?name . OPTIONAL {{ ?entity <{KKG}namesSource> ?source }}
            }} GROUP BY ?entity""",
    )
    assert rows and all(int(row["n"].value) == 1 for row in rows), [r for r in rows if int(r["n"].value) != 1]
    assert len(rows) == 38 + len(ENTRIES)


def test_entries_give_names_beyond_cldr_each_as_printed(kg):
    found = {n.entity.removeprefix(KKR): n for n in attested_names(kg)}
    assert set(found) == {entry.entity for entry in ENTRIES}
    assert found["assembly-of-kosovo"].names == {
        "sq": "Kuvendi i Republikës së Kosovës",
        "sr": "Скупштина Републике Косово",
        "sr-Latn": "Skupština Republike Kosovo",
    }
    assert found["assembly-of-kosovo"].derived == {"sr-Latn": "Скупштина Републике Косово"}
    # The person's Serbian Latin name as the entry prints it is the graph's own spelling of it.
    assert found["aleksandar-vucic"].names["sr-Latn"] == found["aleksandar-vucic"].label == "Aleksandar Vučić"
    assert found["aleksandar-vucic"].derived == {}


def test_transliteration_maps_the_serbian_letters_one_to_one():
    assert serbian_latin("Љубљана Њемачка Џеко Ђорђе Ћирић Жабљак") == "Ljubljana Njemačka Džeko Đorđe Ćirić Žabljak"
    assert serbian_latin("Вучић") == "Vučić"


def test_every_derived_name_is_recorded_as_derived_and_is_a_name_of_its_entity(kg):
    rows = sparql_rows(
        kg,
        f"""SELECT ?entity ?form ?from ?method WHERE {{
              ?entity <{KKG}derivedName> ?d . ?d a <{KKG}DerivedName> ; <{KKG}derivedForm> ?form ;
                 <{KKG}derivedFrom> ?from ; <{KKG}derivationMethod> ?method .
              ?entity <{SKOS}prefLabel> ?form , ?from .
            }}""",
    )
    assert len(rows) == sum(1 for entry in ENTRIES if "sr" in entry.names and "sr-Latn" not in entry.names) == 2
    for row in rows:
        assert row["form"].language.lower() == "sr-latn" and row["from"].language == "sr"
        assert serbian_latin(row["from"].value) == row["form"].value
        assert row["method"].value == KKR + TRANSLITERATION


def test_a_name_in_the_wrong_script_is_refused_with_a_clear_message(kg, monkeypatch):
    from kosovo_kg.curation import attested_names as module

    mixed = Entry(
        "prime-minister-of-kosovo", "src-x", "t", "w", "en", "https://example.org/", {"sr": "Премијер Pепубликe"}
    )
    monkeypatch.setattr(module, "ENTRIES", (mixed,))
    with pytest.raises(
        ValueError, match=r"kkr:prime-minister-of-kosovo: the sr name .* is not all in Cyrillic letters"
    ):
        attested_names(kg)
    missing = Entry("no-such-entity", "src-x", "t", "w", "en", "https://example.org/", {"sq": "x"})
    monkeypatch.setattr(module, "ENTRIES", (missing,))
    with pytest.raises(ValueError, match="kkr:no-such-entity is not an entity of the graph"):
        attested_names(kg)


def test_the_generation_is_deterministic(kg):
    assert names_turtle(kg) == names_turtle(kg)


def test_the_stored_question_lists_the_entries_names_with_their_source(kg):
    rows = {str(r["label"]): r for r in query("names-in-languages", graph=kg)}
    assembly = rows["Assembly of the Republic of Kosovo"]
    assert (str(assembly["sq"]), str(assembly["sr"]), str(assembly["sr_Latn"])) == (
        "Kuvendi i Republikës së Kosovës",
        "Скупштина Републике Косово",
        "Skupština Republike Kosovo",
    )
    assert str(assembly["source"]) == "Wikipedia: Assembly of the Republic of Kosovo"


def sparql_rows(kg, text):
    # The store itself, not kosovo_kg.sparql: the tests read the literals' language tags.
    return list(kg.store.query(text, use_default_graph_as_union=True))
