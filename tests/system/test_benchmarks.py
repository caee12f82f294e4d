"""The synthetic graph the benchmarks measure keeps the real graph's proportions and answers.

Timings are not asserted anywhere: benchmarks/run.py measures them and writes RESULTS.md.
"""

from __future__ import annotations

import sys
from collections import Counter

import pyoxigraph as ox
import pytest
from conftest import ROOT

from kosovo_kg import query
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import KKG, RDF

sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import synthetic_triples

TYPE = RDF + "type"


def kinds(triples) -> Counter:
    return Counter(t.object.value for t in triples if t.predicate.value == TYPE and t.object.value.startswith(KKG))


@pytest.fixture(scope="module")
def synthetic() -> list[ox.Triple]:
    return synthetic_triples(30_000)


def test_synthetic_graph_has_the_size_asked_and_the_real_proportions(kg, synthetic):
    assert 30_000 <= len(synthetic) < 30_000 + len(kg)
    real, scaled = kinds(kg.triples), kinds(synthetic)
    copies = scaled[KKG + "Recognition"] // real[KKG + "Recognition"]
    assert copies >= 30_000 // len(kg) - 1  # the real data once, then as many renamed copies as fit
    for kind in ("Recognition", "Membership", "Statement", "OpinionPoll", "Source", "State", "Person"):
        assert real[KKG + kind] > 0 and scaled[KKG + kind] == copies * real[KKG + kind], kind


@pytest.mark.parametrize(
    ("name", "grows"),
    [("non-recognizing-nato-members", False), ("nato-members", False), ("poll-trend", True)],
)
def test_questions_about_nato_keep_their_answer_and_listings_grow(kg, synthetic, name, grows):
    real = len(query(name, graph=kg))
    scaled = len(query(name, graph=KnowledgeGraph(synthetic)))
    assert (scaled > real) if grows else (scaled == real)


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")))
def test_every_benchmark_starts_with_what_the_project_installs(script):
    """A benchmark that imports a module nothing installs (run.py once imported click) fails on
    a fresh clone: each one must at least start and print its help."""
    import subprocess

    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


def test_the_memory_worker_loads_the_file_as_the_product_does(tmp_path):
    """The memory comparison's two sides load the same triples (so the ratio compares like with like)."""
    import json
    import subprocess

    from synthetic import write_synthetic

    path = tmp_path / "small.nt"
    write_synthetic(5_000, path)
    run = ROOT / "benchmarks" / "run.py"
    found = {}
    for which in ("pyoxigraph", "kosovo-kg load", "kosovo-kg --only-data"):
        done = subprocess.run(
            [sys.executable, str(run), "--memory-worker", which, str(path)], capture_output=True, text=True, check=True
        )
        found[which] = json.loads(done.stdout)
    assert found["pyoxigraph"]["triples"] >= 5_000
    assert found["kosovo-kg load"]["triples"] == found["pyoxigraph"]["triples"]
    # --only-data adds the derived date bounds and RDFS entailments to what it loaded
    assert found["kosovo-kg --only-data"]["triples"] > found["pyoxigraph"]["triples"]
    assert all(figures["peak_mb"] > 10 for figures in found.values())
