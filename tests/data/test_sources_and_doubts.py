"""Sources honestly classed and the doubts the sources raise (issue 25)."""

from __future__ import annotations

from kosovo_kg import query, sparql
from kosovo_kg.curation.validation import load_checks

KKR = "https://w3id.org/kosovo-kg/resource/"


def test_no_fact_rests_only_on_copies_or_pages_of_unknown_standing(kg):
    check = next(c for c in load_checks() if c.name == "fact-only-on-copies")
    assert list(sparql(check.text, graph=kg)) == []


def test_reclassified_sources_show_their_originals(kg):
    rows = {
        row["source"].removeprefix(KKR): (row["kind"], row["original"]) for row in query("facts-per-source", graph=kg)
    }
    setimes = "SETimes 2012, Kosovo seeks to join international organisations (Karadaku)"
    assert rows["ref-04"] == ("mirror or copy", setimes)
    assert rows["ref-16"] == ("mirror or copy", setimes)
    assert rows["ref-06"] == ("mirror or copy", "Koha Ditore")
    expatica = "src-recognition-expatica-dpa-4-march-2008-the-netherlands-recognises-indepen"
    assert rows[expatica] == ("mirror or copy", "Deutsche Presse-Agentur")
    assert rows["src-recognition-wikinews-19-march-2008-three-neighbours"][0] == "unknown kind"
    assert rows["src-vif-finland-nato-2023"][0] == "unknown kind"  # a category listing, not the article
    # every copy names its original, by name or by address
    assert [source for source, (kind, original) in rows.items() if kind == "mirror or copy" and not original] == []


def test_the_setimes_feature_gives_the_exact_date(kg):
    row = next(iter(sparql("SELECT ?d WHERE { kkr:src-setimes-2012-karadaku kkg:published ?d }", graph=kg)))
    assert str(row["d"]) == "2012-07-18"


def test_every_recognition_has_a_citable_source(kg):
    rows = sparql(
        """SELECT ?r WHERE { ?r a kkg:Recognition ; kkg:recognitionStatus kkg:Recognizes .
             MINUS { ?r kkg:source/kkg:sourceKind/kkg:citable true } }""",
        graph=kg,
    )
    assert list(rows) == []


def _doubts(kg) -> dict[str, tuple[str, set[str]]]:
    found: dict[str, tuple[str, set[str]]] = {}
    for row in query("doubts", graph=kg):
        node = row["node"].removeprefix(KKR)
        doubt, disputed = found.get(node, (row["doubt"], set()))
        found[node] = (doubt, disputed | ({row["disputed_by"]} if row["disputed_by"] else set()))
    return found


def test_the_doubts_the_sources_raise_are_queryable_with_their_disputing_sources(kg):
    doubts = _doubts(kg)
    doubt, disputed = doubts["pfp-application-2012"]
    assert "not yet been discussed" in doubt and "no developments" in doubt
    assert {
        "SETimes 2012, Kosovo seeks to join international organisations (Karadaku)",
        "RKS News: NATO reminds that Kosovo's membership requires consensus from all 32 allies",
    } <= disputed
    doubt, disputed = doubts["yugoslav-withdrawal-1999"]
    assert "9 June 1999" in doubt and "10 June" in doubt
    assert "NATO KFOR, History: documents (Military Technical Agreement, UNSCR 1244)" in disputed
    assert "78 days" in doubts["nato-bombing-1999"][0]
    assert "rests on the article alone" in doubts["statement-jahjaga-2015"][0]
    doubt, disputed = doubts["obstacle-un-membership"]
    assert "Article 10" in doubt and disputed == {
        "Exit News: Kosovo’s NATO membership must be subject to unanimous vote"
    }
    for tenure in ("tenure-thaci-president", "tenure-osmani-president"):
        assert "BBC News 2002, Kosovo elects first president" in doubts[tenure][1]
    assert "dated 25 April 2025" in doubts["kfor-strength-2024"][0]


def test_agreement_and_withdrawal_are_dated_to_the_day(kg):
    rows = sparql(
        """SELECT ?agreement ?start ?end WHERE {
             kkr:nato-yugoslavia-agreement-1999 kkg:date ?agreement .
             kkr:yugoslav-withdrawal-1999 kkg:startDate ?start ; kkg:endDate ?end }""",
        graph=kg,
    )
    assert [(str(r["agreement"]), str(r["start"]), str(r["end"])) for r in rows] == [
        ("1999-06-09", "1999-06-10", "1999-06-20")
    ]
