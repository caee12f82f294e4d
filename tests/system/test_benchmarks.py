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


def test_a_benchmark_leaves_the_committed_results_alone_unless_asked(tmp_path, monkeypatch):
    """Reports go to benchmarks/results/ (ignored by git); --update replaces the script's own
    section of RESULTS.md and nothing else."""
    import report

    committed = tmp_path / "RESULTS.md"
    committed.write_text(
        "# head\n\n<!-- begin run -->\nold run\n<!-- end run -->\n\n<!-- begin data -->\nold data\n<!-- end data -->\n"
    )
    before = committed.read_text()
    monkeypatch.setattr(report, "RESULTS", committed)
    monkeypatch.setattr(report, "LOCAL", tmp_path / "results")
    assert report.publish("data", ["new data"], update=False) == [tmp_path / "results" / "data.md"]
    assert committed.read_text() == before
    report.publish("data", ["new data"], update=True)
    assert committed.read_text() == before.replace("old data", "new data")
    report.publish("serve", ["serve figures"], update=True)
    assert committed.read_text().endswith("<!-- begin serve -->\nserve figures\n<!-- end serve -->\n")
    assert "old run" in committed.read_text()


def test_the_naive_peer_answers_the_mix_as_serve_does(kg, tmp_path, monkeypatch):
    """benchmarks/naive_app.py, serve's peer in saturation.py, gives the same rows as the embedded engine."""
    import naive_app
    from starlette.testclient import TestClient

    from kosovo_kg.publish.export import serialize_graph

    data = tmp_path / "graph.nt"
    data.write_bytes(serialize_graph(kg, "nt"))
    monkeypatch.setenv("NAIVE_DATA", str(data))
    text = "SELECT ?n WHERE { ?r <https://w3id.org/kosovo-kg/ontology#recognitionStatus> ?n } LIMIT 3"
    with TestClient(naive_app.create_app()) as client:
        answer = client.post("/sparql", content=text.encode())
        assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 3
        assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400


def test_the_round_trip_benchmark_measures_each_path(tmp_path, monkeypatch, capsys):
    """benchmarks/round_trip.py runs the mix on each of its four paths (one worker forked, then
    stopped) and reports a CPU figure for each; its report goes to results/, not RESULTS.md."""
    import re

    import report
    import round_trip

    monkeypatch.setattr(report, "RESULTS", tmp_path / "RESULTS.md")
    monkeypatch.setattr(report, "LOCAL", tmp_path / "results")
    assert round_trip.main(["--calls", "10", "--rounds", "1"]) == 0
    assert not (tmp_path / "RESULTS.md").exists()
    table = [line for line in capsys.readouterr().out.splitlines() if re.match(r"\| (the|serve's|an) ", line)]
    assert len(table) == 4
    assert all(float(re.search(r"\| ([\d.]+) µs \|", line).group(1)) > 0 for line in table)
