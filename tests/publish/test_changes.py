"""The changelog of facts on small graphs: blank nodes compared by what they say, resources new and
removed, the ontology apart. (test_release.py compares two whole releases.)"""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.publish.changes import Release, compare, render_changes

PREFIXES = """
@prefix kkg: <https://w3id.org/kosovo-kg/ontology#> .
@prefix kkr: <https://w3id.org/kosovo-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kkg:State rdfs:label "state"@en .
kkg:Source rdfs:label "source"@en .
kkg:wikidataEvidence rdfs:label "Wikidata evidence"@en .
kkg:pairedIdentifier rdfs:label "paired identifier"@en .
kkg:WikidataPairing rdfs:label "Wikidata pairing"@en .
"""

OLD = (
    PREFIXES
    + """
kkg:Doubt rdfs:label "doubt"@en .
kkr:ruritania a kkg:State ; rdfs:label "Ruritania"@en ;
    kkg:wikidataEvidence [ a kkg:WikidataPairing ; kkg:pairedIdentifier "Q1" ] .
kkr:old-source a kkg:Source ; rdfs:label "An old source"@en .
kkr:ruritania kkg:earliestStart "1999-01-01"^^xsd:date .
"""
)

NEW = (
    PREFIXES
    + """
kkg:Doubt rdfs:label "doubt, as a source raises it"@en .
kkr:ruritania a kkg:State ; rdfs:label "Ruritania"@en ; owl:sameAs wd:Q1 ;
    kkg:wikidataEvidence [ a kkg:WikidataPairing ; kkg:pairedIdentifier "Q1" ] ,
        [ a kkg:WikidataPairing ; kkg:pairedIdentifier "Q1" ; kkg:pairingRepository "two/repo" ] .
kkr:new-source a kkg:Source ; rdfs:label "A new source"@en .
kkr:ruritania kkg:earliestStart "2000-01-01"^^xsd:date .
"""
)


def triples(text: str) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(text, ox.RdfFormat.TURTLE)]


def test_a_blank_node_is_the_same_fact_when_it_says_the_same():
    # each parse names the blank nodes afresh: only the second pairing is new
    changes = compare(triples(OLD), triples(NEW))
    added = {(f.subject.rsplit("/", 1)[-1], f.predicate.rsplit("#", 1)[-1]) for f in changes.added}
    assert ("ruritania", "wikidataEvidence") in added
    assert sum(f.predicate.endswith("wikidataEvidence") for f in changes.added) == 1
    assert not any(f.predicate.endswith("wikidataEvidence") for f in changes.removed)
    assert compare(triples(OLD), triples(OLD)) == (set(), set())


def test_the_changelog_in_words():
    text = render_changes(Release("2", "2026-12-01", triples(NEW)), Release("1", "2026-11-30", triples(OLD)))
    assert "Compared with release 1 (2026-11-30)" in text
    assert (
        "## source\n\n- **A new source** (`kkr:new-source`): new\n  - kind: *source*\n  - label: “A new source”" in text
    )
    assert "- **An old source** (`kkr:old-source`): removed\n  - was kind: *source*" in text
    assert "## state\n\n- **Ruritania** (`kkr:ruritania`)\n" in text
    assert "  - same as added: *Wikidata Q1*" in text
    assert (
        "  - Wikidata evidence added: Wikidata pairing (paired identifier: “Q1”; kkg:pairingRepository: “two/repo”)"
        in text
    )
    assert (
        "## Ontology\n\n- **doubt, as a source raises it** (`kkg:Doubt`)\n  - label changed from “doubt” to “doubt, as a source raises it”"
        in text
    )
    assert "earliestStart" not in text.split("## Appendix")[0].replace("`kkg:earliestStart`", "")  # derived: left out
    assert (
        "+ <https://w3id.org/kosovo-kg/resource/ruritania> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q1> ."
        in text
    )


def test_blank_nodes_nested_thousands_deep_are_compared_and_told_without_recursion():
    """A --data file of nested [ … ] (or deep JSON-LD) once ended the release in a RecursionError
    (exit 70): a blank value was folded, hashed and written by recursion."""
    import pyoxigraph as ox

    from kosovo_kg.publish.changes import SHOWN_DEPTH, Release, facts_of, render_changes

    def nested(depth: int, leaf: str) -> list[ox.Triple]:
        text = "@prefix ex: <https://w3id.org/kosovo-kg/test/> .\nex:a ex:b " + "[ ex:b " * depth
        return [q.triple for q in ox.parse((text + f'"{leaf}"' + " ]" * depth + " .\n").encode(), ox.RdfFormat.TURTLE)]

    old, new = nested(5000, "before"), nested(5000, "after")
    assert len(facts_of(new)) == 1
    changes = render_changes(Release("2", "2026-12-01", new), Release("1", "2026-11-30", old))
    assert "1 facts added and 1 removed" in changes
    assert changes.count("[ <https://w3id.org/kosovo-kg/test/b> ") == 2 * SHOWN_DEPTH  # written to a depth, then "…"
    assert "[ … ] # sha256:" in changes
