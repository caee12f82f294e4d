"""The project's own terms in a query: a misspelt one is told, not answered with silence.

A query that names ``kkg:Stat`` or ``kkr:belguim`` is valid SPARQL and finds nothing; an empty
answer looks the same as "there is none". :func:`likely_typos` lists every term in the
project's namespaces (``kkg:`` the ontology, ``kkr:`` the resources) that the loaded graph does
not declare, each with the closest terms it does. The command line prints them as warnings
(``--strict`` makes them errors).

A stored question's parameter that takes a controlled term (a stance, a poll answer, a
recognition status: the instances of a subclass of ``kkg:ControlledTerm``, found from the range
of the property the parameter is the value of) accepts only those terms:
:func:`controlled_values` lists them.
"""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.namespaces import KKG, KKR, PREFIXES, RDF, RDFS, shorten
from kosovo_kg.querying.sparqltext import tokens

TYPE_CHECKING = False  # typing is not imported at run time: see core/records.py
if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: The namespaces whose every term the graph declares.
OWN_NAMESPACES = (KKG, KKR)
_CONTROLLED_TERM = KKG + "ControlledTerm"


def likely_typos(query: str, kg: KnowledgeGraph | None) -> list[str]:
    """One message per term of the project's namespaces that the graph does not declare, in
    the order the query names them, with where it is and the closest declared terms.

    >>> from kosovo_kg.core.store import load_graph
    >>> likely_typos("SELECT ?x WHERE { ?x a kkg:Stat }", load_graph())
    ['kkg:Stat (line 1, column 24) is not declared in the ontology; did you mean kkg:State or kkg:Statement?']
    >>> likely_typos("SELECT ?x WHERE { ?x a kkg:Statement }", load_graph())
    []
    """
    if kg is None or not any(namespace in query or f"{prefix}:" in query for prefix, namespace in _own_prefixes()):
        return []  # no graph to hold the terms against (a remote engine), or no term of ours
    terms = [t for t in tokens(query) if t.kind in ("word", "iri", "variable")]
    prefixes, declarations = _prefixes(terms)
    messages: list[str] = []
    told: set[str] = set()
    for index, token in enumerate(terms):
        iri = None if index in declarations else _iri_of(token, prefixes)
        if iri is None or iri in told or not iri.startswith(OWN_NAMESPACES) or iri in OWN_NAMESPACES:
            continue
        if kg.describes(iri):
            continue
        told.add(iri)
        line = query.count("\n", 0, token.start) + 1
        column = token.start - (query.rfind("\n", 0, token.start) + 1) + 1
        messages.append(f"{shorten(iri)} (line {line}, column {column}) {_not_declared(iri, kg)}")
    return messages


def _prefixes(terms: list) -> tuple[dict[str, str], set[int]]:
    """The prefixes a query may use (the predeclared ones and its own PREFIX lines), and the
    positions of the tokens that declare them."""
    prefixes = dict(PREFIXES)
    declarations: set[int] = set()
    for index, token in enumerate(terms[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, namespace = terms[index + 1], terms[index + 2]
            if name.text.endswith(":") and namespace.kind == "iri":
                prefixes[name.text[:-1]] = namespace.text[1:-1]
                declarations |= {index + 1, index + 2}
    return prefixes, declarations


def _own_prefixes() -> list[tuple[str, str]]:
    return [(prefix, namespace) for prefix, namespace in PREFIXES.items() if namespace in OWN_NAMESPACES]


def _iri_of(token, prefixes: dict[str, str]) -> str | None:
    """The IRI a token names: an IRI written in full, or a prefixed name of a known prefix."""
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "word" and ":" in token.text:
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        return namespace + local if namespace is not None and local else None
    return None


def _not_declared(iri: str, kg: KnowledgeGraph) -> str:
    where = "declared in the ontology" if iri.startswith(KKG) else "in the graph"
    close = closest(iri, declared_terms(kg, KKG if iri.startswith(KKG) else KKR))
    hint = f"; did you mean {' or '.join(shorten(term) for term in close)}?" if close else ""
    return f"is not {where}{hint}"


def declared_terms(kg: KnowledgeGraph, namespace: str) -> list[str]:
    """Every IRI of the namespace that the graph says something about. Read only when a term is
    unknown: it walks the whole graph."""
    return sorted(
        {
            quad.subject.value
            for quad in kg.store
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(namespace)
        }
    )


def closest(iri: str, candidates: list[str], n: int = 2) -> list[str]:
    """The candidates nearest to the IRI's local name, case aside (``opposes`` finds ``Opposes``).

    >>> closest(KKG + "opposes", [KKG + "Opposes", KKG + "Supports"])
    ['https://w3id.org/kosovo-kg/ontology#Opposes']
    """
    import difflib  # only when a term is unknown: a valid query does not import it

    local = _local(iri).lower()
    by_name: dict[str, str] = {}
    for candidate in candidates:
        by_name.setdefault(_local(candidate).lower(), candidate)
    if local in by_name:
        return [by_name[local]]
    return [by_name[name] for name in difflib.get_close_matches(local, list(by_name), n=n, cutoff=0.6)]


def _local(iri: str) -> str:
    for namespace in OWN_NAMESPACES:
        if iri.startswith(namespace):
            return iri[len(namespace) :]
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def controlled_values(query: str, variable: str, kg: KnowledgeGraph) -> list[str] | None:
    """The terms a parameter may take when it is the value of a property whose range is a
    controlled vocabulary (a subclass of ``kkg:ControlledTerm``): every instance of that range,
    sorted; ``None`` for any other parameter.

    >>> from kosovo_kg.core.store import load_graph
    >>> query = "SELECT ?s WHERE { ?s kkg:stance ?_stance_iri }"
    >>> [shorten(term) for term in controlled_values(query, "_stance_iri", load_graph())]
    ['kkg:Applies', 'kkg:CallsFor', 'kkg:Opposes', 'kkg:Supports', 'kkg:Warns']
    """
    words = [t for t in tokens(query) if t.kind in ("word", "iri", "variable")]
    prefixes, _ = _prefixes(words)
    for index, token in enumerate(words[1:], start=1):
        if token.kind != "variable" or token.text[1:] != variable:
            continue
        predicate = _iri_of(words[index - 1], prefixes)
        if predicate is None:
            continue
        for range_quad in kg.store.quads_for_pattern(ox.NamedNode(predicate), ox.NamedNode(RDFS + "range"), None):
            kind = range_quad.object
            if isinstance(kind, ox.NamedNode) and _is_controlled(kind, kg):
                members = kg.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), kind)
                return sorted({quad.subject.value for quad in members if isinstance(quad.subject, ox.NamedNode)})
    return None


def _is_controlled(kind: ox.NamedNode, kg: KnowledgeGraph) -> bool:
    answer = kg.store.query(
        f"ASK {{ <{kind.value}> <{RDFS}subClassOf>* <{_CONTROLLED_TERM}> }}", use_default_graph_as_union=True
    )
    return bool(answer)


__all__ = ["closest", "controlled_values", "declared_terms", "likely_typos"]
