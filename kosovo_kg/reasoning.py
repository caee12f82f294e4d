"""OWL consistency checking with owlready2's HermiT, over a view of the graph HermiT accepts.

owlready2 does not read Turtle, and OWL 2's datatype map has no xsd:date, xsd:gYear or
xsd:gYearMonth: the reasoner gets N-Triples made in memory from the one loaded graph,
with literals of those datatypes left out. The source data is never changed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import KosovoKGError
from .namespaces import XSD
from .store import KnowledgeGraph

#: Datatypes outside OWL 2's datatype map that the data uses for dates at their precision.
NON_OWL_DATATYPES = frozenset(
    XSD + name for name in ("date", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay", "time", "duration")
)


class ReasoningError(KosovoKGError):
    """The reasoner could not run, or found the graph inconsistent."""

    exit_code = 1


@dataclass
class ReasoningResult:
    consistent: bool
    message: str = ""


#: owlready2 downloads every ontology named by owl:imports while it loads: no fetch by default.
OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


def reasoner_view(triples: list[ox.Triple]) -> bytes:
    """N-Triples of the graph without the literals OWL 2 reasoners reject, and without
    ``owl:imports`` (the reasoner reasons over what was loaded and fetches nothing)."""
    kept = (
        t
        for t in triples
        if t.predicate != OWL_IMPORTS
        and not (isinstance(t.object, ox.Literal) and t.object.datatype.value in NON_OWL_DATATYPES)
    )
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)


def java_available() -> bool:
    return shutil.which("java") is not None


def check_consistency(kg: KnowledgeGraph) -> ReasoningResult:
    """Run HermiT over the graph and report whether it is consistent."""
    if not java_available():
        return ReasoningResult(
            False, "Java is not installed: HermiT needs a Java runtime (apt-get install default-jre-headless)"
        )
    import io

    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology("https://w3id.org/kosovo-kg/reasoning-view")
    ontology.load(fileobj=io.BytesIO(reasoner_view(kg.triples)), format="ntriples")
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return ReasoningResult(False, _explain_inconsistency(world))
    except owlready2.OwlReadyJavaError as error:
        return ReasoningResult(False, f"HermiT failed: {str(error).strip().splitlines()[-1]}")
    return ReasoningResult(True, "consistent")


def inferred_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    """The triples HermiT entails that the graph does not state (class memberships and object
    property values, many of them through owl:sameAs). Raises :class:`ReasoningError` if the
    graph is inconsistent or Java is missing."""
    import io

    import owlready2

    if not java_available():
        raise ReasoningError(
            "Java is not installed: HermiT needs a Java runtime (apt-get install default-jre-headless)"
        )
    world = owlready2.World()
    ontology = world.get_ontology("https://w3id.org/kosovo-kg/reasoning-view")
    ontology.load(fileobj=io.BytesIO(reasoner_view(kg.triples)), format="ntriples")
    before = set(world.get_triples())
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise ReasoningError(_explain_inconsistency(world)) from None
    stated = set(kg.triples)
    added = []
    for s, p, o in set(world.get_triples()) - before:
        if min(s, p, o) <= 0:  # blank nodes (negative ids) and literals have no IRI to give back
            continue
        triple = ox.Triple(*(ox.NamedNode(world._unabbreviate(x)) for x in (s, p, o)))
        if triple not in stated:
            added.append(triple)
    return sorted(added, key=str)


def _explain_inconsistency(world) -> str:
    unsatisfiable = [str(c.iri) for c in world.inconsistent_classes() if hasattr(c, "iri")]
    unsatisfiable = [iri for iri in unsatisfiable if not iri.endswith("#Nothing")]
    if unsatisfiable:
        return "the ontology is inconsistent; unsatisfiable classes: " + ", ".join(sorted(unsatisfiable))
    return "the ontology and data are inconsistent (HermiT found a contradiction, for example a node typed with two disjoint classes)"
