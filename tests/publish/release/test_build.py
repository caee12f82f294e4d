"""``kosovo-kg release``: two releases built from two versions of a copy of the project's graph.

The second differs from the first by three edits of the copy: Belgium's recognition date
corrected (to the day its recorded doubt gives), a link added to KFOR, and on Greece's
recognition a status changed (with a day, as the shapes require) and a source replaced. CHANGES.md must list exactly the facts that
differ; every file must parse with pyoxigraph and rdflib; the checksums must verify; the VoID
counts must be the files' own.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import TESTS, invoke

from kosovo_kg import load_graph
from kosovo_kg.core import paths
from kosovo_kg.core.writing import MANIFEST
from kosovo_kg.errors import ReleaseError
from kosovo_kg.namespaces import DATASET
from kosovo_kg.publish.changes import DERIVED
from kosovo_kg.publish.release.build import build_release, copy_schemas, write_about
from kosovo_kg.publish.release.dates import ReleaseDate
from kosovo_kg.publish.release.graph import INFERRED_DATASET, canonical_graph
from kosovo_kg.publish.release.previous import CHECKSUMS, read_release

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
KKR = "https://w3id.org/kosovo-kg/resource/"
DUMPS = ["kosovo-kg.ttl", "kosovo-kg.nt", "kosovo-kg.jsonld", "kosovo-kg.rdf"]
INFERRED = [name.replace("kosovo-kg.", "kosovo-kg.inferred.") for name in DUMPS]
FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}

#: The edits between the two versions of the copy: (file, old text, new text).
EDITS = [
    (
        "graph/recognition.ttl",
        'kkg:date "2008-02-24"^^xsd:date ;\n    kkg:source kkr:src-recognition-wikipedia-belgiumkosovo-relations-copy',
        'kkg:date "2008-02-25"^^xsd:date ;\n    kkg:source kkr:src-recognition-wikipedia-belgiumkosovo-relations-copy',
    ),
    (
        "graph/recognition.ttl",
        "kkg:recognizer kkr:greece ;\n    kkg:recognized kkr:kosovo ;\n    kkg:recognitionStatus kkg:DoesNotRecognize ;\n"
        "    kkg:source kkr:ref-15 , kkr:ref-16 , kkr:article , kkr:src-exit-al-nato-unanimous .",
        # the shapes require a day with the status; the day is the test's, not a fact
        "kkg:recognizer kkr:greece ;\n    kkg:recognized kkr:kosovo ;\n    kkg:recognitionStatus kkg:Recognizes ;\n"
        '    kkg:date "2030-01-01"^^xsd:date ;\n'
        "    kkg:source kkr:ref-15 , kkr:ref-16 , kkr:article , kkr:ref-02 .",
    ),
    (
        "graph/actors.ttl",
        '    skos:altLabel "KFOR"@en ;\n',
        '    skos:altLabel "KFOR"@en ;\n    rdfs:seeAlso <https://en.wikipedia.org/wiki/Kosovo_Force> ;\n',
    ),
]


def project_copy(folder: Path) -> list[Path]:
    """The ontology and graph/ copied into ``folder``; the files, in the order the loader takes them."""
    (folder / "ontology").mkdir(parents=True)
    (folder / "graph").mkdir()
    copies = []
    for source in paths.data_files():
        target = folder / source.relative_to(paths.project_root())
        shutil.copyfile(source, target)
        copies.append(target)
    return copies


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Release 1 (through the command line), the same again (through the API), and release 2
    from the edited copy with release 1 as --previous."""
    base = tmp_path_factory.mktemp("releases")
    copies = project_copy(base / "project")
    first = invoke(["release", "-o", base / "r1", "--date", "2026-11-30", "--only-data", "--data", *copies])
    assert first.exit_code == 0, first.stderr
    again = build_release(load_graph(copies, packaged=False), base / "r1-again", date="2026-11-30")
    for file_name, old, new in EDITS:
        path = base / "project" / file_name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    second = build_release(
        load_graph(copies, packaged=False),
        base / "r2",
        date="2026-12-01",
        previous=base / "r1",
        endpoint="http://127.0.0.1:8890/sparql",
        base_url="https://kosovo-kg.github.io/releases/2026.12.01",
    )
    return {"r1": base / "r1", "again": again.folder, "r2": second.folder, "log": first.stderr, "build": second}


def nt_lines(folder: Path) -> set[str]:
    return {line for line in (folder / "kosovo-kg.nt").read_text(encoding="utf-8").splitlines() if line}


def test_the_same_graph_and_date_give_the_same_bytes(releases):
    assert (releases["r1"] / CHECKSUMS).read_bytes() == (releases["again"] / CHECKSUMS).read_bytes()
    log = releases["log"]
    assert "Release 2026.11.30 of 2026-11-30 (the date from --date)" in log
    assert re.search(r"wrote .*r1: [\d,]+ files, [\d,]+ bytes, [\d.]+ s", log)


def test_changes_list_exactly_the_facts_that_differ(releases):
    changes = (releases["r2"] / "CHANGES.md").read_text(encoding="utf-8")
    # computed apart from kosovo_kg.publish.changes: the N-Triples lines of the two releases' stated graphs
    derived = tuple(f"<{p}>" for p in DERIVED)
    differ = {
        ("-" if line in nt_lines(releases["r1"]) else "+") + " " + line
        for line in nt_lines(releases["r1"]) ^ nt_lines(releases["r2"])
        if not line.startswith(f"<{DATASET}>") and line.split(" ")[1] not in derived
    }
    appendix = changes[changes.index("```diff") + len("```diff") :].split("```")[0]
    assert set(appendix.strip().splitlines()) == differ
    assert len(differ) == 8  # Belgium's date (2), KFOR's link (1), Greece's status (2), date (1) and source (2)
    # told in words, grouped by kind
    assert "## diplomatic recognition" in changes
    assert (
        "**Belgium recognizes Kosovo** (`kkr:recognition-belgium-kosovo`)\n  - date changed from “2008-02-24” to “2008-02-25”"
        in changes
    )
    assert "**Greece does not recognize Kosovo** (`kkr:recognition-greece-kosovo`)" in changes
    assert "  - recognition status changed from *does not recognize* to *recognizes*" in changes
    assert (
        "  - source changed from *Exit News: Kosovo’s NATO membership must be subject to unanimous vote* to *\\[2\\] NATO 2025, NATO's role in Kosovo*"
        in changes
    )
    assert (
        "## peacekeeping force\n\n- **Kosovo Force** (`kkr:kfor`)\n  - rdfs:seeAlso added: *https://en.wikipedia.org/wiki/Kosovo\\_Force*"
        in changes
    )
    assert "  - date added: “2030-01-01”" in changes
    assert (
        "Compared with release 2026.11.30 (2026-11-30): 5 facts added and 3 removed; 0 resources new, 0 removed, 3 changed; the ontology did not change."
        in changes
    )
    first = (releases["r1"] / "CHANGES.md").read_text(encoding="utf-8")
    assert "No previous release was given" in first and "| diplomatic recognition | 32 |" in first


# rdflib's own JSON-LD parser warns about itself (ConjunctiveGraph), once per file
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_every_file_parses_with_pyoxigraph_and_rdflib(releases):
    import rdflib

    folder = releases["r2"]
    names = [*DUMPS, *INFERRED, "ontology.ttl", "shapes.ttl", "void.ttl"]
    site = sorted((folder / "site" / "resource").glob("*.*"))
    rdf_site = [p for p in site if p.suffix[1:] in FORMATS]
    assert len(rdf_site) == 3 * len([p for p in site if p.suffix == ".html"]) > 900
    for path in [folder / name for name in names] + rdf_site:
        suffix = path.suffix[1:]
        triples = list(ox.parse(path=str(path), format=FORMATS[suffix]))
        assert triples, path
        graph = rdflib.Graph().parse(str(path), format=RDFLIB_FORMATS[suffix])
        assert len(graph) == len(set(triples)), path


def test_checksums_verify_with_sha256sum(releases):
    folder = releases["r2"]
    listed = (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in (CHECKSUMS, MANIFEST)
    )
    # every file, itself aside, and the manifest that tells the next release -o what it may replace
    assert [line.split("  ", 1)[1] for line in listed] == files
    done = subprocess.run(["sha256sum", "--check", "--strict", CHECKSUMS], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(files)


def _void(folder: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(folder / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def _one(store: ox.Store, subject: str, predicate: str) -> str:
    values = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)]
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_void_counts_match_the_files(releases):
    folder = releases["r2"]
    store = _void(folder)
    for dataset, dump in ((DATASET, "kosovo-kg.nt"), (INFERRED_DATASET, "kosovo-kg.inferred.nt")):
        triples = [q.triple for q in ox.parse(path=str(folder / dump), format=ox.RdfFormat.N_TRIPLES)]
        subjects = {t.subject for t in triples}
        assert int(_one(store, dataset, VOID + "triples")) == len(set(triples))
        assert int(_one(store, dataset, VOID + "entities")) == len(
            {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(KKR)}
        )
        assert int(_one(store, dataset, VOID + "distinctSubjects")) == len(subjects)
        assert int(_one(store, dataset, VOID + "properties")) == len({t.predicate for t in triples})
    # every file described, with its size and SHA-256
    distributions = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(DCAT + "distribution"), None)]
    assert len(distributions) == 10
    for distribution in distributions:
        name = _one(store, distribution, DCTERMS + "title")
        data = (folder / name).read_bytes()
        assert int(_one(store, distribution, DCAT + "byteSize")) == len(data)
        checksum = _one(store, distribution, SPDX + "checksum")
        assert _one(store, checksum, SPDX + "checksumValue") == hashlib.sha256(data).hexdigest()
        assert (
            _one(store, distribution, DCAT + "downloadURL") == f"https://kosovo-kg.github.io/releases/2026.12.01/{name}"
        )
    assert _one(store, DATASET, VOID + "sparqlEndpoint") == "http://127.0.0.1:8890/sparql"
    assert _one(store, DATASET, DCTERMS + "license") == "https://creativecommons.org/licenses/by-sa/4.0/"
    sources = {
        q.object.value for q in store.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(DCTERMS + "source"), None)
    }
    assert "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations" in sources
    assert KKR + "ref-01" in sources and KKR + "src-cldr" in sources
    assert not list(_void(releases["r1"]).quads_for_pattern(None, ox.NamedNode(VOID + "sparqlEndpoint"), None))


def test_the_version_is_in_the_graph(releases):
    triples = [q.triple for q in ox.parse(path=str(releases["r2"] / "kosovo-kg.nt"), format=ox.RdfFormat.N_TRIPLES)]
    about = {t.predicate.value: t.object.value for t in triples if t.subject == ox.NamedNode(DATASET)}
    assert about[OWL + "versionIRI"] == f"{DATASET}/2026.12.01"
    assert about[OWL + "versionInfo"] == "2026.12.01"
    assert about[DCTERMS + "modified"] == "2026-12-01"
    assert about[OWL + "priorVersion"] == f"{DATASET}/2026.11.30"
    assert read_release(releases["r2"]).version == "2026.12.01"


def test_the_inferred_variant_holds_the_stated_graph_and_its_entailments(releases, kg):
    folder = releases["r1"]
    stated = nt_lines(folder)
    inferred = {line for line in (folder / "kosovo-kg.inferred.nt").read_text(encoding="utf-8").splitlines() if line}
    named = {line for line in stated if "_:" not in line}
    assert named < inferred
    # A blank node's entailed types are said of that node (its canonical name may then differ
    # between the two files, as RDFC-1.0 names a node by all that is said of it), and no new
    # blank node appears: what is said of blank nodes in the stated graph is said in the inferred.
    blank = [q.triple for q in ox.parse(path=str(folder / "kosovo-kg.nt"), format=ox.RdfFormat.N_TRIPLES)]
    entailing = [q.triple for q in ox.parse(path=str(folder / "kosovo-kg.inferred.nt"), format=ox.RdfFormat.N_TRIPLES)]

    def nodes(triples):
        return {term for t in triples for term in (t.subject, t.object) if isinstance(term, ox.BlankNode)}

    def said_of_blank_nodes(triples):
        return Counter(
            (t.predicate, None if isinstance(t.object, ox.BlankNode) else t.object)
            for t in triples
            if isinstance(t.subject, ox.BlankNode)
        )

    assert len(nodes(entailing)) == len(nodes(blank))
    assert not said_of_blank_nodes(blank) - said_of_blank_nodes(entailing)
    assert (
        "<https://w3id.org/kosovo-kg/resource/nato-bombing-1999> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kosovo-kg/ontology#Event> ."
        in inferred - stated
    )
    assert any(
        line.startswith("<http://www.wikidata.org/entity/") for line in inferred - stated
    )  # HermiT, through owl:sameAs


def test_citation_cff_is_valid_cff_1_2_0(releases):
    import jsonschema
    import yaml

    # the schema of CFF 1.2.0, schema.json of citation-file-format/citation-file-format at its tag 1.2.0
    # (commit 396f738fb025b1d8acdb02a56ffc923f95dc8999; CC BY 4.0), kept here so no test fetches it
    schema = json.loads((TESTS / "fixtures" / "cff-1.2.0-schema.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((releases["r2"] / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(citation, schema)
    assert citation["version"] == "2026.12.01" and citation["date-released"] == "2026-12-01"
    assert citation["license"] == "CC-BY-SA-4.0"
    assert [r["title"] for r in citation["references"]] == [
        "Kosovo–NATO relations",
        "Unicode Common Locale Data Repository",
    ]


def test_the_w3id_rules_point_at_the_site(releases):
    rules = (releases["r2"] / "w3id.htaccess").read_text(encoding="utf-8")
    site = "https://kosovo-kg.github.io/releases/2026.12.01/site"
    assert f"RewriteRule ^resource/([A-Za-z0-9][A-Za-z0-9_~-]*)$ {site}/resource/$1.ttl [R=303,L,NE]" in rules
    assert "SITE-URL" not in rules
    assert "SITE-URL" in (releases["r1"] / "w3id.htaccess").read_text(encoding="utf-8")


# --- content negotiation: the rewrite rules, applied as Apache applies them ------------------------


def _rewrite(rules: str, path: str, accept: str) -> str | None:
    """Where mod_rewrite's rules send ``path`` for an Accept header: the rules of these files only
    (RewriteCond on %{HTTP_ACCEPT}, then a RewriteRule with [L]), not Apache itself."""
    conditions: list[str] = []
    for line in rules.splitlines():
        line = line.strip()
        if line.startswith("RewriteCond %{HTTP_ACCEPT}"):
            conditions.append(line.split(None, 2)[2])
        elif line.startswith("RewriteRule"):
            _, pattern, target, *_ = line.split()
            if all(re.search(c, accept) for c in conditions) and (match := re.search(pattern, path)):
                return match.expand(target.replace("$1", r"\1"))
            conditions = []
    return None


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/html", "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("*/*", "html"),
    ],
)
def test_each_resource_negotiates_to_a_file_of_the_site(releases, accept, suffix):
    folder = releases["r2"] / "site"
    site_rules = (folder / ".htaccess").read_text(encoding="utf-8")
    w3id_rules = (releases["r2"] / "w3id.htaccess").read_text(encoding="utf-8")
    names = sorted(p.stem for p in (folder / "resource").glob("*.html"))
    assert len(names) > 290
    for name in names:
        local = _rewrite(site_rules, f"resource/{name}", accept)
        assert local == f"resource/{name}.{suffix}" and (folder / local).is_file()
        assert _rewrite(w3id_rules, f"resource/{name}", accept) == (
            f"https://kosovo-kg.github.io/releases/2026.12.01/site/resource/{name}.{suffix}"
        )


# --- bad input: one line, exit 2, nothing half-written ------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def unusable_output(tmp: Path, kind: str) -> Path:
    if kind == "a-file":
        (tmp / "a-file").write_text("x")
        return tmp / "a-file"
    if kind == "someone-elses-folder":
        (tmp / "full").mkdir()
        (tmp / "full" / "notes.txt").write_text("mine")
        return tmp / "full"
    if kind == "unwritable":
        return Path("/proc/kosovo-kg-release")  # even root cannot make a folder there
    return tmp / "no-such-folder" / "r"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing-parent", r"cannot write the release there: .*no-such-folder does not exist"),
        ("a-file", r"is not a folder; give a new folder"),
        ("someone-elses-folder", r"full/notes\.txt would be lost"),
        ("unwritable", r"cannot write the release there"),
    ],
)
def test_an_unusable_output_is_one_error_line(tmp_path, kind, message):
    target = unusable_output(tmp_path, kind)
    before = sorted(p.name for p in tmp_path.iterdir())
    done = invoke(["release", "-o", target, "--date", "2026-11-30", "--no-inferred"])
    assert done.exit_code == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    assert re.search(message, done.stderr), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, nothing left


@pytest.mark.parametrize("kind", ["empty-folder", "a-file", "tampered", "no-such-folder"])
def test_a_previous_that_is_not_a_release_is_one_error_line(tmp_path, releases, kind):
    previous = tmp_path / "previous"
    if kind == "empty-folder":
        previous.mkdir()
    elif kind == "a-file":
        previous.write_text("not a release")
    elif kind == "tampered":
        shutil.copytree(releases["r1"], previous)
        with (previous / "kosovo-kg.nt").open("a", encoding="utf-8") as stream:
            stream.write('<https://w3id.org/kosovo-kg/resource/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    done = invoke(["release", "-o", tmp_path / "out", "--previous", previous, "--date", "2026-11-30", "--no-inferred"])
    assert done.exit_code == 2, done.output
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
    expected = "does not match its SHA-256" if kind == "tampered" else "not a kosovo-kg release"
    assert expected in done.stderr
    assert not (tmp_path / "out").exists() and _leftovers(tmp_path) == []


def test_a_release_that_fails_midway_leaves_the_earlier_release_in_place(tmp_path, monkeypatch, releases):
    target = tmp_path / "release"
    shutil.copytree(releases["r1"], target)
    before = (target / CHECKSUMS).read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr("kosovo_kg.publish.site.build_site", broken)
    with pytest.raises(ReleaseError, match="simulated"):
        build_release(load_graph(), target, date="2026-12-02", inferred=False)
    assert (target / CHECKSUMS).read_bytes() == before
    assert _leftovers(tmp_path) == []
    # and a complete one replaces it
    monkeypatch.undo()
    build = build_release(load_graph(), target, date="2026-12-02", inferred=False, previous=releases["r1"])
    assert read_release(target).version == "2026.12.02" and build.inferred_triples is None
    assert not (target / "kosovo-kg.inferred.nt").exists() and _leftovers(tmp_path) == []


def test_the_schemas_are_copied_beside_the_dumps_and_described(tmp_path):
    descriptions: dict[str, tuple[str, Path]] = {}
    copy_schemas(tmp_path, None, None, descriptions)
    assert (tmp_path / "ontology.ttl").read_bytes() == paths.ontology_file().read_bytes()
    assert (tmp_path / "shapes.ttl").read_bytes() == paths.shapes_file().read_bytes()
    assert {name: path for name, (_, path) in descriptions.items()} == {
        "ontology.ttl": tmp_path / "ontology.ttl",
        "shapes.ttl": tmp_path / "shapes.ttl",
    }


def test_what_a_release_says_about_itself(tmp_path, kg):
    canonical = canonical_graph(kg)
    write_about(tmp_path, canonical, canonical, None, "1.0", ReleaseDate("2026-01-31", "--date"), "https://x.test")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CHANGES.md", "CITATION.cff", "w3id.htaccess"]
    assert "version: '1.0'" in (tmp_path / "CITATION.cff").read_text(encoding="utf-8")
    assert "https://x.test/site" in (tmp_path / "w3id.htaccess").read_text(encoding="utf-8")
