"""Canonical names for blank nodes: the same graph always names them the same, in time that grows
with the graph, not with how its blank nodes nest.

A parse gives blank nodes random names; exports, releases and the reasoner's cached input need
the same bytes for the same graph. Oxigraph's RDFC-1.0 (and its faster ``UNSTABLE`` algorithm)
gives that, but its time explodes on blank nodes that look alike: measured on this machine, a
chain of 100 nested blank nodes took 0.14 s, 200 took 0.8 s, 400 took 10 s, and 2,000 (a Turtle
file of 2,000 nested ``[ … ]``) ran for more than ten minutes; it takes no bound on its work.
RDFC-1.0 itself (W3C, 2024) warns of such "poison graphs" and lets an implementation refuse them.
So the names are computed here, iteratively, with no recursion:

- **Trees** (each blank node the object of at most one triple whose subject is a blank node, and
  no cycle among them; what Turtle's ``[ … ]`` and lists, JSON-LD's nested objects and every
  blank node of this graph make): each blank node's content is hashed from its leaves up, then
  each is named by its parent's name, the property that links them and its own content, from
  the roots down. Blank nodes that are the same in every respect (two identical ``[ … ]`` under
  the same subject and property) are told apart by a counter: swapping them gives the same graph,
  so the names are canonical. Linear time (2,000 nested: 0.1 s; 200,000: about 10 s).
- **Any other shape** (a cycle, a blank node shared by two): colour refinement. Each blank node
  starts with the hash of what it touches (blank neighbours left anonymous), then, round by
  round, takes in its neighbours' colours until no round tells more apart. Blank nodes still
  alike are then singled out one at a time (the first by its name as parsed), each followed by
  more rounds. That is canonical whenever the nodes still alike are symmetric (a cycle's are), as
  in every graph this project makes; past a budget of work the rest are numbered in the order
  parsed, so the same file still gives the same bytes.

Names are ``k`` and 24 hexadecimal digits of a SHA-256: a change to one blank node renames it
alone, not every node after it, which keeps the diffs of releases small.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

#: Colour-refinement work (neighbour colours hashed) past which ties are broken in parse order.
REFINEMENT_BUDGET = 5_000_000
_LABEL_HEX = 24


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _term(term: object) -> str:
    return "" if isinstance(term, ox.DefaultGraph) else str(term)


class _Shape:
    """The blank nodes of a set of quads: what each touches that is not a blank node, and the
    links between blank nodes."""

    def __init__(self, quads: list[ox.Quad]):
        self.order: dict[str, int] = {}  # blank node -> first appearance, for the last resort
        self.touches: dict[str, list[str]] = {}  # blank node -> lines of what it touches
        self.out: dict[str, list[tuple[str, str]]] = {}  # blank subject -> (property and graph, blank object)
        self.into: dict[str, list[tuple[str, str]]] = {}  # blank object -> (property and graph, blank subject)
        self.blank_graphs = False
        for quad in quads:
            s, p, o, g = quad.subject, quad.predicate.value, quad.object, quad.graph_name
            where = f"{p}\x1e{_term(g)}"
            for node in (s, o, g):
                if isinstance(node, ox.BlankNode) and node.value not in self.order:
                    self.order[node.value] = len(self.order)
                    self.touches[node.value] = []
            if isinstance(g, ox.BlankNode):
                self.blank_graphs = True
            if isinstance(s, ox.BlankNode) and isinstance(o, ox.BlankNode):
                self.out.setdefault(s.value, []).append((where, o.value))
                self.into.setdefault(o.value, []).append((where, s.value))
            elif isinstance(s, ox.BlankNode):
                self.touches[s.value].append(f"out\x1e{where}\x1e{o}")
            elif isinstance(o, ox.BlankNode):
                self.touches[o.value].append(f"in\x1e{where}\x1e{s}")

    def is_forest(self) -> bool:
        if self.blank_graphs or any(len(parents) > 1 for parents in self.into.values()):
            return False
        seen = 0
        stack = [node for node in self.order if node not in self.into]
        while stack:  # from the roots, every node must be reached once: else there is a cycle
            node = stack.pop()
            seen += 1
            stack.extend(child for _, child in self.out.get(node, ()))
        return seen == len(self.order)


def canonical_labels(quads: Iterable[ox.Quad]) -> dict[str, str] | None:
    """Each blank node's canonical name (without ``_:``); ``None`` when the quads hold RDF 1.2
    triple terms, which this does not name (the caller falls back to RDFC-1.0).

    >>> a, b = ox.BlankNode(), ox.BlankNode()
    >>> p, x = ox.NamedNode("http://x.test/p"), ox.NamedNode("http://x.test/x")
    >>> one = canonical_labels([ox.Quad(x, p, a), ox.Quad(a, p, ox.Literal("v"))])
    >>> two = canonical_labels([ox.Quad(x, p, b), ox.Quad(b, p, ox.Literal("v"))])
    >>> list(one.values()) == list(two.values())
    True
    """
    quads = list(quads)
    if any(isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple) for q in quads):
        return None
    shape = _Shape(quads)
    if not shape.order:
        return {}
    labels = _tree_labels(shape) if shape.is_forest() else _refined_labels(shape)
    return {node: "k" + label[:_LABEL_HEX] for node, label in labels.items()}


def _tree_labels(shape: _Shape) -> dict[str, str]:
    content: dict[str, str] = {}
    roots = [node for node in shape.order if node not in shape.into]
    # contents from the leaves up: a node is hashed once its children are (an explicit stack)
    stack: list[tuple[str, bool]] = [(root, False) for root in roots]
    while stack:
        node, children_done = stack.pop()
        children = shape.out.get(node, ())
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for _, child in children)
            continue
        lines = sorted(shape.touches[node]) + sorted(
            f"child\x1e{where}\x1e{content[child]}" for where, child in children
        )
        content[node] = _digest(*lines)
    labels: dict[str, str] = {}

    def name_alike(group: list[tuple[str, str]], parent: str) -> list[tuple[str, str]]:
        """Nodes keyed by what places them; those alike numbered (any order: they are interchangeable)."""
        named = []
        counts: dict[str, int] = {}
        for key, node in sorted(group):
            counts[key] = counts.get(key, -1) + 1
            named.append((node, _digest(parent, key, str(counts[key]))))
        return named

    pending = name_alike([(content[root], root) for root in roots], "root")
    while pending:
        node, label = pending.pop()
        labels[node] = label
        pending.extend(
            name_alike([(f"{where}\x1e{content[child]}", child) for where, child in shape.out.get(node, ())], label)
        )
    return labels


def _refined_labels(shape: _Shape) -> dict[str, str]:
    colour = {node: _digest(*sorted(lines)) for node, lines in shape.touches.items()}
    neighbours = {
        node: [("out", where, other) for where, other in shape.out.get(node, ())]
        + [("in", where, other) for where, other in shape.into.get(node, ())]
        for node in shape.order
    }
    work = 0

    def refine(colour: dict[str, str]) -> dict[str, str]:
        nonlocal work
        classes = len(set(colour.values()))
        while True:
            work += sum(len(around) for around in neighbours.values()) + len(colour)
            colour = {
                node: _digest(
                    colour[node], *sorted(f"{way}\x1e{where}\x1e{colour[other]}" for way, where, other in around)
                )
                for node, around in neighbours.items()
            }
            now = len(set(colour.values()))
            if now == classes or work > REFINEMENT_BUDGET:
                return colour
            classes = now

    colour = refine(colour)
    while work <= REFINEMENT_BUDGET:
        alike: dict[str, list[str]] = {}
        for node, value in colour.items():
            alike.setdefault(value, []).append(node)
        tied = sorted((value, nodes) for value, nodes in alike.items() if len(nodes) > 1)
        if not tied:
            return colour
        first = min(tied[0][1], key=shape.order.__getitem__)
        colour = refine({**colour, first: _digest(colour[first], "singled out")})
    # past the budget: the rest numbered in the order parsed (the same file, the same names)
    seen: dict[str, int] = {}
    final = {}
    for node in sorted(shape.order, key=shape.order.__getitem__):
        seen[colour[node]] = seen.get(colour[node], -1) + 1
        final[node] = _digest(colour[node], str(seen[colour[node]]))
    return final


__all__ = ["REFINEMENT_BUDGET", "canonical_labels"]
