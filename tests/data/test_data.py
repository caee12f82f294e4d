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
    # [6] is an undated digest item (a copy): the year, and the statement, also rest on the article (issue 25)
    ("2015", "Atifete Jahjaga", "President of Kosovo", "supports", "Wikipedia:"),
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
             { ?fact kkg:date ?d } UNION { ?fact kkg:startDate ?d } UNION { ?fact kkg:endDate ?d }
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
    assert len(rows) == 69  # each with its evidence grade (graph/wikidata.ttl)
    assert len(identifiers) == len(set(identifiers))
    assert {row["grade"] for row in rows} == {"strong", "single"}
    assert sum(row["grade"] == "strong" and row["repositories"] >= 2 for row in rows) == 62


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
        "tenure-sejdiu-president",
        "tenure-jahjaga-president",
        "kfor-strength-1999",
        "us-ambassador-warning-1999",
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


def test_doubts_raised_by_outside_sources_name_them(kg):
    """The four doubts of ontology v2 each cite the real page that raises them."""
    result = sparql(
        """SELECT ?node ?url WHERE { ?node kkg:doubt ?doubt ; kkg:disputedBy ?source . ?source kkg:url ?url }""",
        graph=kg,
    )
    urls = {(row["node"].rsplit("/", 1)[-1], row["url"]) for row in result}
    assert {
        ("kosovo-autonomy", "https://en.wikipedia.org/wiki/Autonomous_Province_of_Kosovo_and_Metohija"),
        ("kfor-strength-1999", "https://gov.pl/web/national-defence/kfor"),
        ("tenure-sejdiu-president", "http://news.bbc.co.uk/2/hi/europe/1853413.stm"),
        (
            "tenure-jahjaga-president",
            "https://rferl.org/amp/kosovo_court_rules_president_election_illegal/3539819.html",
        ),
        ("us-ambassador-warning-1999", "https://history.state.gov/countries/serbia/"),
    } <= urls


def test_the_bombing_campaign_its_roles_purpose_and_end_are_structure(kg):
    roles = {
        (row["role"], row["participant"])
        for row in query("event-roles", graph=kg)
        if row["label"] == "NATO bombing of Yugoslavia"
    }
    assert roles == {
        ("agent", "North Atlantic Treaty Organization"),
        ("target", "Federal Republic of Yugoslavia"),
        ("target", "Yugoslav forces"),
    }
    [purpose] = [row for row in query("purposes", graph=kg) if row["label"] == "NATO bombing of Yugoslavia"]
    assert (purpose["start"], purpose["end"], purpose["purpose"], purpose["aim_kind"], purpose["envisaged"]) == (
        "1999-03",
        datetime.date(1999, 6, 10),
        "aims to end",
        "ethnic cleansing",
        False,
    )


def test_autonomy_is_granted_in_1974_and_revoked_in_1989_as_distinct_kinds(kg):
    result = sparql(
        """SELECT ?kind ?date WHERE {
             ?event kkg:affectedParty kkr:sapk ; a ?class ; kkg:date ?date .
             ?class rdfs:subClassOf kkg:ConstitutionalChange ; rdfs:label ?kind } ORDER BY ?date""",
        graph=kg,
    )
    assert [(row["kind"], row["date"]) for row in result] == [
        ("grant of autonomy", "1974"),
        ("revocation of autonomy", "1989"),
    ]


def test_each_statements_target_and_condition(kg):
    content = {(row["speaker"], row["asserts"], str(row["value"])) for row in query("statement-content", graph=kg)}
    assert ("Enver Hoxhaj", "target date", "2022") in content
    assert (
        "Ramush Haradinaj",
        "condition",
        "Formation of the Kosovo Armed Forces, the condition of Haradinaj's application",
    ) in content
    assert ("Assembly of the Republic of Kosovo", "addressee", "Government of Kosovo") in content
    assert ("George W. Bush", "office of the addressee", "Prime Minister of Kosovo") in content
    # the formation depends on a body: the condition links to the Kosovo Armed Forces
    result = sparql("SELECT ?body WHERE { kkr:statement-haradinaj-2018 kkg:condition/kkg:establishes ?body }", graph=kg)
    assert [row["body"] for row in result] == ["https://w3id.org/kosovo-kg/resource/kosovo-armed-forces"]


def test_what_natos_1998_decision_decided_and_what_became_of_it(kg):
    rows = [
        row
        for row in query("envisaged-events", graph=kg)
        if row["fact"] == "https://w3id.org/kosovo-kg/resource/nato-authorizes-airstrikes-1998"
    ]
    assert [(row["how"], row["kind"], row["status"]) for row in rows] == [("authorizes", "air campaign", "called off")]


def test_the_state_of_kosovo_nato_relations(kg):
    rows = {
        (row["organization"], row["relation_to_nato"], row["status"])
        for row in query("kosovo-nato-relationship", graph=kg)
    }
    assert rows == {
        ("North Atlantic Treaty Organization", "NATO itself", "no official relations"),
        ("North Atlantic Treaty Organization", "NATO itself", "not a member"),
        ("United Nations", "membership considered necessary for NATO membership", "not a member"),
        ("Partnership for Peace", "part of NATO", "application pending"),
        ("NATO Parliamentary Assembly", "independent of NATO", "observer"),
        ("NATO Parliamentary Assembly", "independent of NATO", "associate member"),
        ("Kosovo Force", "part of NATO", "deployed in Kosovo"),
    }


def test_obstacles_give_each_involved_agent_its_role(kg):
    roles = {(row["involves"], row["role"]) for row in query("obstacles-to-accession", graph=kg)}
    assert roles == {
        ("Greece", "non-recognizing member"),
        ("Romania", "non-recognizing member"),
        ("Slovakia", "non-recognizing member"),
        ("Spain", "non-recognizing member"),
        ("United Nations", "missing membership"),
        (None, None),  # the dispute over sovereignty, which the article names without agents
    }


def test_the_duplicate_references_are_linked(kg):
    result = sparql("SELECT ?later ?earlier WHERE { ?later kkg:duplicateOf ?earlier }", graph=kg)
    assert [(row["later"].rsplit("/", 1)[-1], row["earlier"].rsplit("/", 1)[-1]) for row in result] == [
        ("ref-16", "ref-04")
    ]


def test_events_that_ended_have_their_end(kg):
    result = sparql(
        "SELECT ?event ?end WHERE { VALUES ?event { kkr:kosovo-war kkr:nato-bombing-1999 kkr:kosovo-autonomy } ?event kkg:endDate ?end } ORDER BY ?event",
        graph=kg,
    )
    assert [(row["event"].rsplit("/", 1)[-1], str(row["end"])) for row in result] == [
        ("kosovo-autonomy", "1989"),
        ("kosovo-war", "1999-06"),
        ("nato-bombing-1999", "1999-06-10"),
    ]
