"""Never silent on a likely typo: a kkg: or kkr: term the graph does not declare is a warning with
a did-you-mean (the answer and the exit status stay those of a valid query), ``--strict`` makes it
exit 2, and a parameter of a controlled vocabulary takes only its terms and lists them."""

from __future__ import annotations

import pytest
from conftest import invoke

from kosovo_kg.querying.terms import controlled_values, likely_typos

STANCES = "kkg:Applies, kkg:CallsFor, kkg:Opposes, kkg:Supports, kkg:Warns"

TYPOS = {
    "an unknown class": (
        "SELECT ?x WHERE { ?x a kkg:Stat }",
        "warning: kkg:Stat (line 1, column 24) is not declared in the ontology; did you mean kkg:State or kkg:Statement?",
    ),
    "an unknown property": (
        "SELECT ?x ?y WHERE {\n  ?x kkg:speakr ?y\n}",
        "warning: kkg:speakr (line 2, column 6) is not declared in the ontology; did you mean kkg:speaker",
    ),
    "a controlled term in the wrong case": (
        "SELECT ?s WHERE { ?s kkg:stance kkg:opposes }",
        "warning: kkg:opposes (line 1, column 33) is not declared in the ontology; did you mean kkg:Opposes?",
    ),
    "an unknown resource": (
        "SELECT ?p ?o WHERE { kkr:belguim ?p ?o }",
        "warning: kkr:belguim (line 1, column 22) is not in the graph; did you mean kkr:belgium?",
    ),
    "a term written in full": (
        "SELECT ?x WHERE { ?x a <https://w3id.org/kosovo-kg/ontology#OpinionPol> }",
        "warning: kkg:OpinionPol (line 1, column 24) is not declared in the ontology; did you mean kkg:OpinionPoll?",
    ),
    "the query's own prefix for the namespace": (
        "PREFIX k: <https://w3id.org/kosovo-kg/ontology#>\nSELECT ?x WHERE { ?x k:speakr ?y }",
        "warning: kkg:speakr (line 2, column 22) is not declared in the ontology",
    ),
}


@pytest.mark.parametrize("case", list(TYPOS))
def test_a_likely_typo_is_a_warning_and_the_query_still_runs(case):
    query, warning = TYPOS[case]
    result = invoke(["sparql", query, "--format", "csv"])
    assert result.exit_code == 0
    assert result.stderr.startswith(warning) and result.stderr.count("\n") == 1
    assert result.stdout.count("\r\n") == 1  # the header: the misspelt term finds nothing


@pytest.mark.parametrize("case", list(TYPOS))
def test_strict_refuses_a_likely_typo_with_exit_2(case):
    query, warning = TYPOS[case]
    result = invoke(["sparql", query, "--strict"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(warning.replace("warning: ", "error: ", 1))
    assert result.stderr.endswith("; --strict: not run\n")


def test_several_typos_are_each_told_and_strict_counts_them():
    query = "SELECT ?x WHERE { ?x a kkg:Stat ; kkg:speakr ?y . ?x kkg:stance kkg:opposes . ?x kkg:speakr ?z }"
    result = invoke(["sparql", query])
    assert [line.split(" (line")[0] for line in result.stderr.splitlines()] == [
        "warning: kkg:Stat",
        "warning: kkg:speakr",
        "warning: kkg:opposes",
    ]  # each term once, in the order the query names them
    strict = invoke(["sparql", query, "--strict"])
    assert strict.exit_code == 2 and "(and 2 more); --strict: not run" in strict.stderr


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { ?x a kkg:Statement ; kkg:stance kkg:Opposes }",
        "SELECT * WHERE { kkr:belgium ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(kkr:))) } LIMIT 1",  # the namespace itself
        "SELECT * WHERE { ?s rdfs:label 'kkg:Stat' }",  # in a string: not a term
        "# kkg:Stat in a comment\nASK { ?s a kkg:State }",
    ],
)
def test_a_valid_query_gets_no_warning(query):
    result = invoke(["sparql", query, "--strict"])
    assert result.exit_code == 0 and "warning" not in result.stderr  # a doubt about a row is a note, not a warning


def test_a_remote_engine_is_not_held_to_the_local_graph(kg):
    assert likely_typos("SELECT ?x WHERE { ?x a kkg:Stat }", None) == []


def test_a_term_from_data_files_is_declared(tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "<https://w3id.org/kosovo-kg/resource/my-poll> a <https://w3id.org/kosovo-kg/ontology#OpinionPoll> .\n"
    )
    result = invoke(["sparql", "ASK { kkr:my-poll a kkg:OpinionPoll }", "--data", mine, "--strict"])
    assert result.exit_code == 0 and result.stdout == "yes\n" and result.stderr == ""


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "told"),
    [
        ("kkg:opposes", f"'kkg:opposes' is not one of its terms; did you mean kkg:Opposes? it takes {STANCES}"),
        ("supprts", f"'supprts' is not one of its terms; did you mean kkg:Supports? it takes {STANCES}"),
        (
            "kkg:AnswerSupport",  # a term of another vocabulary: a poll's answer, not a stance
            f"'kkg:AnswerSupport' is not one of its terms; did you mean kkg:Supports? it takes {STANCES}",
        ),
        ("kkg:Nothing", f"'kkg:Nothing' is not one of its terms; it takes {STANCES}"),
    ],
)
def test_a_misspelt_controlled_term_lists_the_allowed_values(value, told):
    """It printed only a header, exit 0 (kkg:opposes), or "no resource" without the stances."""
    result = invoke(["query", "statements-by-stance", "--param", f"stance={value}"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"error: parameter 'stance': {told}\n"


@pytest.mark.parametrize("value", ["kkg:Opposes", "Opposes", "opposes", "https://w3id.org/kosovo-kg/ontology#Opposes"])
def test_a_controlled_term_answers_as_an_iri_a_prefixed_name_or_its_name(value):
    result = invoke(["query", "statements-by-stance", "--param", f"stance={value}", "--format", "csv"])
    assert result.exit_code == 0 and "Aleksandar Vučić" in result.stdout and result.stderr == ""


def test_a_misspelt_resource_parameter_has_a_did_you_mean():
    result = invoke(["query", "statements-by-person", "--param", "speaker=vjosa-osmanni"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: parameter 'speaker': no resource named 'vjosa-osmanni' in the graph; ")
    assert "did you mean Vjosa Osmani (vjosa-osmani)" in result.stderr


def test_a_misspelt_ontology_term_as_a_parameter_is_an_error():
    result = invoke(["query", "sources-of-entity", "--param", "entity=kkg:Stat"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: parameter 'entity': kkg:Stat is not declared in the ontology; did you mean")


def test_the_controlled_parameters_are_found_from_the_ontology(kg):
    """Only a parameter whose property has a controlled vocabulary as its range is one."""
    from kosovo_kg.querying.catalogue import get_stored_query

    stance = get_stored_query("statements-by-stance")
    speaker = get_stored_query("statements-by-person")
    assert len(controlled_values(stance.text, "_stance_iri", kg)) == 5
    assert controlled_values(speaker.text, "_speaker_iri", kg) is None
