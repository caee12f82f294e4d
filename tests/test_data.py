"""The article's facts, asserted through SPARQL on the repository's graph."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kosovo_kg import query, sparql

ACCESSION_YEARS = {
    "Albania": 2009, "Belgium": 1949, "Bulgaria": 2004, "Canada": 1949, "Croatia": 2009,
    "Czech Republic": 1999, "Denmark": 1949, "Estonia": 2004, "Finland": 2023, "France": 1949,
    "Germany": 1955, "Greece": 1952, "Hungary": 1999, "Iceland": 1949, "Italy": 1949,
    "Latvia": 2004, "Lithuania": 2004, "Luxembourg": 1949, "Montenegro": 2017, "Netherlands": 1949,
    "North Macedonia": 2020, "Norway": 1949, "Poland": 1999, "Portugal": 1949, "Romania": 2004,
    "Slovakia": 2004, "Slovenia": 2004, "Spain": 1982, "Sweden": 2024, "Turkey": 1952,
    "United Kingdom": 1949, "United States": 1949,
}  # fmt: skip


def test_nato_has_32_members_with_their_accession_years(kg):
    rows = list(query("nato-members", graph=kg))
    assert {row["label"]: row["joined"].year for row in rows} == ACCESSION_YEARS
    assert all(row["wikidata"].startswith("Q") for row in rows)


def test_exactly_greece_romania_slovakia_and_spain_do_not_recognize_kosovo(kg):
    rows = query("non-recognizing-nato-members", graph=kg)
    assert [(row["label"], row["wikidata"]) for row in rows] == [
        ("Greece", "Q41"), ("Romania", "Q218"), ("Slovakia", "Q214"), ("Spain", "Q29"),
    ]  # fmt: skip


def test_every_recognizing_member_has_a_date_in_2008(kg):
    rows = list(query("recognition-status", graph=kg))
    assert len(rows) == 32
    recognizing = [row for row in rows if row["recognizes"]]
    assert len(recognizing) == 28
    assert all(isinstance(row["date"], datetime.date) and row["date"].year == 2008 for row in recognizing)
    assert all(row["date"] is None for row in rows if not row["recognizes"])


def test_the_four_polls_with_their_figures(kg):
    rows = query("poll-trend", graph=kg)
    got = [
        (
            row["pollster"],
            row["start"],
            row["end"],
            row["sample_size"],
            row["support"],
            row["opposed"],
            row["neutral"],
            row["lead"],
        )
        for row in rows
    ]
    d = Decimal
    assert got == [
        ("Kosovar Center for Security Studies", "2014-10", "2014-10", 1100, d("88.7"), d("8.7"), d("2.6"), d("80.0")),
        ("International Republican Institute", "2021-09", "2021-09", 1200, d("89.0"), d("3.0"), d("8.0"), d("86.0")),
        ("International Republican Institute", "2023-02", "2023-03", 1200, d("95.0"), d("2.0"), d("4.0"), d("93.0")),
        ("International Republican Institute", "2024-05", "2024-05", 1200, d("94.0"), d("3.0"), d("3.0"), d("91.0")),
    ]


def test_kfor_strength_20000_in_1999_and_4500_in_2024(kg):
    rows = query("kfor-strength", graph=kg)
    assert [(row["date"], row["troops"]) for row in rows] == [("1999-06", 20000), ("2024", 4500)]


STATEMENTS = [
    # date, speaker, office, stance, reference
    ("2008", "George W. Bush", "President of the United States", "supports", "[21]"),
    ("2009", "Fatmir Sejdiu", "President of Kosovo", "supports", "[3]"),
    ("2014", "Enver Hoxhaj", "Minister of Foreign Affairs of Kosovo", "supports", "[5]"),
    ("2015", "Atifete Jahjaga", "President of Kosovo", "supports", "[6]"),
    ("2018-12", "Ramush Haradinaj", "Prime Minister of Kosovo", "applies", "[7]"),
    ("2019", "Hashim Thaçi", "President of Kosovo", "calls for", "[8]"),
    ("2022-02", "Armend Mehaj", "Minister of Defence of Kosovo", "calls for", "[9]"),
    ("2022-03", "Assembly of the Republic of Kosovo", None, "calls for", "[10]"),
    ("2022-03", "Vjosa Osmani", "President of Kosovo", "calls for", "[11]"),
    ("2024", "Albin Kurti", "Prime Minister of Kosovo", "supports", "[12]"),
    ("2024-09", "Aleksandar Vučić", "President of Serbia", "opposes", "[22]"),
]


def test_every_statement_on_nato_with_speaker_office_date_and_source(kg):
    rows = query("statements-on-nato", graph=kg)
    got = [(row["date"], row["speaker"], row["role"], row["stance"], row["source"].split(" ")[0]) for row in rows]
    assert got == STATEMENTS


@pytest.mark.parametrize(
    ("speaker", "quotation"),
    [
        ("Fatmir Sejdiu", "major objective"),
        ("Hashim Thaçi", "vital"),
        ("Vjosa Osmani", "imperative"),
        (
            "Albin Kurti",
            "goal for NATO membership has been clearly communicated; we are daily working towards that goal.",
        ),
    ],
)
def test_quotations_are_the_speakers_words(kg, speaker, quotation):
    rows = [row for row in query("statements-on-nato", graph=kg) if row["speaker"] == speaker]
    assert [row["quotation"] for row in rows] == [quotation]


def test_every_dated_fact_has_a_source(kg):
    result = sparql(
        """SELECT ?fact WHERE {
             { ?fact kkg:date ?d } UNION { ?fact kkg:startDate ?d } UNION { ?fact kkg:fieldworkStart ?d }
             MINUS { ?fact kkg:source ?source }
           }""",
        graph=kg,
    )
    assert result.rows == []
    dated = sparql(
        "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { { ?f kkg:date ?d } UNION { ?f kkg:startDate ?d } }", graph=kg
    )
    assert next(iter(dated))["n"] > 90


def test_no_two_entities_share_a_wikidata_identifier(kg):
    rows = list(query("wikidata-links", graph=kg))
    identifiers = [row["wikidata"] for row in rows]
    assert len(rows) == 58  # every one on two stored pairings (graph/wikidata.ttl)
    assert len(identifiers) == len(set(identifiers))


def test_every_agent_office_and_event_has_a_wikidata_link_or_a_reason(kg):
    result = sparql(
        """SELECT ?entity WHERE {
             ?entity a/rdfs:subClassOf* ?top . VALUES ?top { kkg:Agent kkg:Office kkg:Event }
             MINUS { ?entity owl:sameAs ?item }
             MINUS { ?entity kkg:noWikidataReason ?why }
           }""",
        graph=kg,
    )
    assert result.rows == []


def test_the_article_and_its_22_references_are_sources(kg):
    result = sparql(
        "SELECT ?n ?title WHERE { ?ref kkg:citedIn kkr:article ; kkg:referenceNumber ?n ; kkg:title ?title } ORDER BY ?n",
        graph=kg,
    )
    numbers = [row["n"] for row in result]
    assert numbers == list(range(1, 23))
    assert next(iter(result))["title"] == "NATO's Response to the Kosovo Crisis"


def test_reference_details_are_kept_as_printed(kg):
    result = sparql("""SELECT ?doi ?isbn WHERE { kkr:ref-01 kkg:doi ?doi . kkr:ref-17 kkg:isbn ?isbn }""", graph=kg)
    assert [dict(row) for row in result] == [{"doi": "10.1080/09700160008455274", "isbn": "978-9951-679-23-7"}]


@pytest.mark.parametrize(
    "node",
    [
        "statement-vucic-2024",
        "ref-16",
        "poll-iri-2023-02",
        "tenure-milosevic-yugoslav-president",
        "obstacle-un-membership",
    ],
)
def test_doubts_about_the_article_are_recorded_on_their_nodes(kg, node):
    result = sparql(f"SELECT ?doubt WHERE {{ kkr:{node} kkg:doubt ?doubt }}", graph=kg)
    assert len(result.rows) == 1


def test_pfp_application_of_july_2012_is_pending(kg):
    result = sparql(
        "SELECT ?date ?status WHERE { ?a kkg:applicant kkr:kosovo ; kkg:appliedTo kkr:pfp ; kkg:date ?date ; kkg:applicationStatus ?status }",
        graph=kg,
    )
    assert [(row["date"], row["status"]) for row in result] == [
        ("2012-07", "https://w3id.org/kosovo-kg/ontology#Pending")
    ]


def test_nato_parliamentary_assembly_observer_2014_then_associate_2024(kg):
    result = sparql(
        """SELECT ?type ?start WHERE { ?m kkg:member kkr:kosovo ; kkg:organization kkr:nato-pa ;
             kkg:membershipType/rdfs:label ?type ; kkg:startDate ?start } ORDER BY ?start""",
        graph=kg,
    )
    assert [(row["type"], row["start"]) for row in result] == [("observer", "2014"), ("associate member", "2024")]
