"""OWL consistency checking with owlready2's HermiT, over a view of the graph HermiT accepts.

owlready2 does not read Turtle, and OWL 2's datatype map has no xsd:date, xsd:gYear or
xsd:gYearMonth: the reasoner gets N-Triples made in memory from the one loaded graph,
with literals of those datatypes left out. The source data is never changed.

HermiT takes about a second: its answers are cached, keyed by the reasoner's exact input
and the owlready2 version (see :mod:`kosovo_kg.core.cache`), so an unchanged graph is not
reasoned over twice.
"""

from __future__ import annotations

import json
import shutil
from typing import NamedTuple

import pyoxigraph as ox

from kosovo_kg.core.cache import cached
from kosovo_kg.core.rdf import canonical_quads, rdf_bytes
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.errors import MissingTool, ReasoningError
from kosovo_kg.namespaces import XSD

#: Datatypes outside OWL 2's datatype map that the data uses for dates at their precision.
NON_OWL_DATATYPES = frozenset(
    XSD + name for name in ("date", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay", "time", "duration")
)


class ReasoningResult(NamedTuple):
    consistent: bool
    message: str = ""


#: owlready2 downloads every ontology named by owl:imports while it loads: no fetch by default.
OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


def reasoner_view(triples: list[ox.Triple]) -> bytes:
    """N-Triples of the graph without the literals OWL 2 reasoners reject, and without
    ``owl:imports`` (the reasoner reasons over what was loaded and fetches nothing).

    Blank nodes get canonical labels and the lines are sorted, so the same graph always gives
    the same bytes: they are both HermiT's input and the key of its cached answer.
    """
    kept = canonical_quads(
        ox.Quad(t.subject, t.predicate, t.object)
        for t in triples
        if t.predicate != OWL_IMPORTS
        and not (isinstance(t.object, ox.Literal) and t.object.datatype.value in NON_OWL_DATATYPES)
    )
    return rdf_bytes(sorted((quad.triple for quad in kept), key=str), ox.RdfFormat.N_TRIPLES)


def require_java() -> None:
    """HermiT runs on Java: without it the reasoning cannot start (a missing tool, exit 3)."""
    if shutil.which("java") is None:
        raise MissingTool(
            "Java is not installed: HermiT, the OWL reasoner, needs a Java runtime "
            "(apt-get install default-jre-headless)"
        )


def _reasoner_version() -> bytes:
    from importlib.metadata import version

    # pyoxigraph's canonical blank node labels may differ between its versions
    return f"owlready2 {version('owlready2')} pyoxigraph {version('pyoxigraph')}".encode()


def _load_world(view: bytes):
    import io

    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology("https://w3id.org/kosovo-kg/reasoning-view")
    ontology.load(fileobj=io.BytesIO(view), format="ntriples")
    return world, ontology


def check_consistency(kg: KnowledgeGraph) -> ReasoningResult:
    """Run HermiT over the graph (or take its answer for this same input from the cache) and
    report whether it is consistent."""
    require_java()
    view = reasoner_view(kg.triples)
    try:
        answer = cached(
            "hermit-consistency", [_reasoner_version(), view], lambda: json.dumps(_hermit_consistency(view)).encode()
        )
    except ReasoningError as failure:  # HermiT did not decide: nothing is cached
        return ReasoningResult(False, str(failure))
    return ReasoningResult(*json.loads(answer))


def _hermit_consistency(view: bytes) -> ReasoningResult:
    import owlready2

    world, ontology = _load_world(view)
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return ReasoningResult(False, _explain_inconsistency(world))
    except owlready2.OwlReadyJavaError as error:
        raise ReasoningError(f"HermiT failed: {str(error).strip().splitlines()[-1]}") from error
    return ReasoningResult(True, "consistent")


def inferred_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    """The triples HermiT entails that the graph does not state (class memberships and object
    property values, many of them through owl:sameAs). Raises :class:`ReasoningError` if the
    graph is inconsistent, :class:`MissingTool` if Java is missing. Cached like :func:`check_consistency`."""
    require_java()
    view = reasoner_view(kg.triples)
    stated = set(kg.triples)

    def compute() -> bytes:
        return rdf_bytes(_hermit_inferred(view, stated), ox.RdfFormat.N_TRIPLES)

    answer = cached("hermit-inferred", [_reasoner_version(), view], compute)
    return [quad.triple for quad in ox.parse(answer, ox.RdfFormat.N_TRIPLES)]


def _hermit_inferred(view: bytes, stated: set[ox.Triple]) -> list[ox.Triple]:
    import owlready2

    world, ontology = _load_world(view)
    before = set(world.get_triples())
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        raise ReasoningError(_explain_inconsistency(world)) from error
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


def with_inferences(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The graph plus its RDFS entailments (which queries see, see :mod:`kosovo_kg.core.entailment`)
    and what the OWL reasoner (HermiT) entails from it."""
    from kosovo_kg.core.entailment import entailed_triples

    return KnowledgeGraph([*kg.triples, *entailed_triples(kg.store), *inferred_triples(kg)], kg.files)
