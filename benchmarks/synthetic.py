"""A synthetic graph in kosovo-kg's own ontology, of any size, for load and query benchmarks.

It is the repository's data and renamed copies of it: in each copy every resource the project
mints (states, people, organizations, memberships, recognitions, statements, polls, sources)
is renamed, blank nodes too, so the proportions between kinds are the real graph's. The
ontology appears once and the real data once, unchanged: a question about NATO or Kosovo
has the real graph's answer among ever more other facts (an index must find it), while a
question over all polls or all facts grows with the copies.

    python benchmarks/synthetic.py --triples 100000 -o /tmp/synthetic-100k.nt
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kosovo_kg.core import paths
from kosovo_kg.core.reading import parse_file
from kosovo_kg.namespaces import KKR


def _renamer(copy: int):
    names: dict[ox.NamedNode | ox.BlankNode, ox.NamedNode | ox.BlankNode] = {}

    def rename(term):
        if isinstance(term, ox.Literal):
            return term
        renamed = names.get(term)
        if renamed is None:
            if isinstance(term, ox.BlankNode):
                renamed = ox.BlankNode(f"{term.value}c{copy}")
            elif term.value.startswith(KKR):
                renamed = ox.NamedNode(f"{term.value}-c{copy}")
            else:
                renamed = term
            names[term] = renamed
        return renamed

    return rename


def synthetic_triples(target: int) -> list[ox.Triple]:
    """About ``target`` triples: the ontology, the data, then as many renamed copies of the data as fit.

    >>> triples = synthetic_triples(10_000)
    >>> 10_000 <= len(triples) < 13_000
    True
    """
    ontology = parse_file(paths.ontology_file())
    data = data_triples()
    copies = max(0, math.ceil((target - len(ontology)) / len(data)) - 1)
    triples = [*ontology, *data]
    for copy in range(1, copies + 1):
        rename = _renamer(copy)
        triples.extend(ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in data)
    return triples


def write_copies(copies: int, path: Path) -> int:
    """Write ``copies`` renamed copies of the data (not the ontology, not the real data) as
    N-Triples: what ``--data`` adds beside the packaged graph in benchmarks/data.py. Returns the count.

    >>> import tempfile
    >>> write_copies(2, Path(tempfile.mkdtemp()) / "two.nt") == 2 * len(data_triples())
    True
    """

    def triples():
        data = data_triples()
        for copy in range(1, copies + 1):
            rename = _renamer(copy)
            for t in data:
                yield ox.Triple(rename(t.subject), t.predicate, rename(t.object))

    partial = path.with_name(path.name + ".part")
    ox.serialize(triples(), output=str(partial), format=ox.RdfFormat.N_TRIPLES)
    partial.replace(path)
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def data_triples() -> list[ox.Triple]:
    """The triples of ``graph/`` (the data, without the ontology)."""
    return [t for path in sorted(paths.graph_dir().glob("*.ttl")) for t in parse_file(path)]


def write_synthetic(target: int, path: Path) -> int:
    """Write a synthetic graph of about ``target`` triples as N-Triples; returns the count."""
    triples = synthetic_triples(target)
    partial = path.with_name(path.name + ".part")
    ox.serialize(triples, output=str(partial), format=ox.RdfFormat.N_TRIPLES)
    partial.replace(path)
    return len(triples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples (default 100000)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the N-Triples file to write")
    args = parser.parse_args()
    count = write_synthetic(args.triples, args.output)
    print(f"wrote {args.output}: {count:,} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
