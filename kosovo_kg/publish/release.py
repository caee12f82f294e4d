"""``kosovo-kg release -o DIR [--previous DIR]``: a citable, reproducible release of the graph.

A release folder holds::

    kosovo-kg.ttl  kosovo-kg.nt  kosovo-kg.jsonld  kosovo-kg.rdf     the graph as stated
    kosovo-kg.inferred.{ttl,nt,jsonld,rdf}                          the graph with what it entails
    ontology.ttl  shapes.ttl                                        the ontology and the SHACL shapes
    void.ttl                                                        VoID and DCAT: the dataset and its files
    CHANGES.md                                                      the facts changed since --previous
    CITATION.cff                                                    how to cite it (CFF 1.2.0)
    w3id.htaccess                                                   rules for https://w3id.org/kosovo-kg/
    site/                                                           the static Linked Data site
    SHA256SUMS                                                      every file's SHA-256 (sha256sum -c)

*Stated* is what ``kosovo-kg export`` writes (the files' triples and the day bounds derived from
their dates) and the release's own description: its version (``owl:versionInfo``,
``owl:versionIRI``) and date (``dcterms:modified``). *Inferred* is what ``export --inferred``
writes: the stated graph, the RDFS entailments that queries see (subclass and subproperty, in the
named graph of :mod:`kosovo_kg.core.entailment`) and what the OWL reasoner HermiT entails (Java).

The same inputs give the same bytes: blank nodes get their RDFC-1.0 canonical labels, every file
is written in a fixed order, and the date is never the clock's: ``--date``, else
``SOURCE_DATE_EPOCH``, else the date of the project's last commit when the graph's files are as
committed, else the newest modification time of the files the graph was loaded from.

The release is written into a temporary folder beside ``DIR`` and renamed into place only when
complete, so an error or an interruption leaves no half-written release.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.errors import ReleaseError
from kosovo_kg.namespaces import KKG, KKR, OWL, PREFIXES, RDF, XSD

DATASET = "https://w3id.org/kosovo-kg/dataset"
INFERRED_DATASET = DATASET + "/inferred"
LICENSE = "https://creativecommons.org/licenses/by-sa/4.0/"
ARTICLE = KKR + "article"
CLDR = KKR + "src-cldr"
#: Where the stated triples sit in the release's store (named by no file).
RELEASE_GRAPH = ox.NamedNode("https://w3id.org/kosovo-kg/graph/release")

DCTERMS = PREFIXES["dcterms"]
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
PROV = PREFIXES["prov"]
FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"

CHECKSUMS = "SHA256SUMS"
#: export format -> (file suffix, media type, W3C format IRI's name)
DUMPS = {
    "turtle": ("ttl", "text/turtle", "Turtle"),
    "nt": ("nt", "application/n-triples", "N-Triples"),
    "jsonld": ("jsonld", "application/ld+json", "JSON-LD"),
    "xml": ("rdf", "application/rdf+xml", "RDF_XML"),
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


def dump_name(rdf_format: str, inferred: bool = False) -> str:
    return f"kosovo-kg{'.inferred' if inferred else ''}.{DUMPS[rdf_format][0]}"


class ReleaseDate(NamedTuple):
    date: str
    #: where the date came from, in words
    source: str
    #: the commit the graph's files are at, when they are as committed
    commit: str | None = None


class ReleaseBuild(NamedTuple):
    folder: Path
    version: str
    date: ReleaseDate
    #: every file of the release (relative path) -> its size in bytes
    files: dict[str, int]
    stated_triples: int
    inferred_triples: int | None
    resources: int
    seconds: float


def _utc_day(seconds: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def check_date(text: str) -> str:
    """A calendar day as YYYY-MM-DD, or :class:`ReleaseError`.

    >>> check_date("2026-02-30")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.ReleaseError: --date must be a day as YYYY-MM-DD, got '2026-02-30'
    """
    import datetime

    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        datetime.date.fromisoformat(text)
    except ValueError:
        raise ReleaseError(f"--date must be a day as YYYY-MM-DD, got {text!r}") from None
    return text


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def release_date(given: str | None, files: list[Path], extra: bool = False, root: Path | None = None) -> ReleaseDate:
    """The release's date, never the clock's (see the module's description).

    ``files`` are the files the graph was loaded from; ``extra`` says some of them are not the
    project's own (``--data``), which a commit of the project does not date. ``root`` is the
    project's folder (the packaged one by default), where ``ontology/`` and ``graph/`` are.
    """
    if given is not None:
        return ReleaseDate(check_date(given), "--date")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            raise ReleaseError(f"SOURCE_DATE_EPOCH must be a number of seconds, got {epoch!r}")
        return ReleaseDate(_utc_day(int(epoch)), "SOURCE_DATE_EPOCH")
    root = root or paths.project_root()
    commit = None if extra else _git(root, "rev-parse", "HEAD")
    if commit:
        changed = _git(root, "status", "--porcelain", "--", "ontology", "graph")
        stamp = _git(root, "log", "-1", "--format=%ct")
        if changed == "" and stamp and stamp.isdigit():
            return ReleaseDate(_utc_day(int(stamp)), f"the commit {commit[:12]}", commit)
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    why = (
        "--data files"
        if extra
        else "files that differ from the last commit"
        if commit
        else "files outside a git checkout"
    )
    return ReleaseDate(_utc_day(newest), f"the newest modification time of the graph's files ({why})")


def check_version(text: str) -> str:
    if not _VERSION.fullmatch(text):
        raise ReleaseError(
            f"--release-version must be letters, digits and . _ + - (at most 64, starting with a letter or digit), got {text!r}"
        )
    return text


# --- the graph of a release ------------------------------------------------------------------------


def canonical_graph(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The graph with its blank nodes renamed by RDFC-1.0 (the same graph always gets the same
    names; a parse gives them random ones), stated triples and RDFS entailments alike."""
    from kosovo_kg.core.entailment import ENTAILED_GRAPH, entailed_triples

    dataset = ox.Dataset()
    for triple in kg.triples:
        dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object))
    for triple in entailed_triples(kg.store):
        dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object, ENTAILED_GRAPH))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ENTAILED_GRAPH if q.graph_name == ENTAILED_GRAPH else RELEASE_GRAPH)
        for q in dataset
    )
    return KnowledgeGraph(store=store, graph_files={RELEASE_GRAPH.value: "the release"})


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(text: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(text, language=language)
    return ox.Literal(text, datatype=_n(datatype)) if datatype else ox.Literal(text)


def _article_url(kg: KnowledgeGraph) -> str | None:
    for quad in kg.store.quads_for_pattern(_n(ARTICLE), _n(KKG + "url"), None):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def header_triples(kg: KnowledgeGraph, version: str, date: str, previous: str | None) -> list[ox.Triple]:
    """The release's description inside its own graph: which version this is and of when."""
    node = _n(DATASET)
    triples = [
        ox.Triple(node, _n(RDF + "type"), _n(VOID + "Dataset")),
        ox.Triple(node, _n(DCTERMS + "title"), _lit("kosovo-kg: Kosovo–NATO relations", language="en")),
        ox.Triple(node, _n(OWL + "versionInfo"), _lit(version)),
        ox.Triple(node, _n(OWL + "versionIRI"), _n(f"{DATASET}/{version}")),
        ox.Triple(node, _n(DCTERMS + "modified"), _lit(date, XSD + "date")),
        ox.Triple(node, _n(DCTERMS + "license"), _n(LICENSE)),
    ]
    if previous:
        triples.append(ox.Triple(node, _n(OWL + "priorVersion"), _n(f"{DATASET}/{previous}")))
    article = _article_url(kg)
    if article:
        triples.append(ox.Triple(node, _n(DCTERMS + "source"), _n(article)))
    return triples


def _sorted(triples: list[ox.Triple]) -> list[ox.Triple]:
    return sorted(dict.fromkeys(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def counts(triples: list[ox.Triple]) -> dict[str, int]:
    """What VoID says of a graph: its size and how many entities, classes and properties it has."""
    rdf_type = _n(RDF + "type")
    return {
        "triples": len(set(triples)),
        "entities": len(
            {t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(KKR)}
        ),
        "classes": len({t.object for t in triples if t.predicate == rdf_type}),
        "properties": len({t.predicate for t in triples}),
        "distinctSubjects": len({t.subject for t in triples}),
        "distinctObjects": len({t.object for t in triples}),
    }


# --- the previous release ------------------------------------------------------------------------


def read_checksums(folder: Path) -> dict[str, str]:
    """``SHA256SUMS`` as path -> hexadecimal digest, or :class:`ReleaseError`."""
    listing = folder / CHECKSUMS
    try:
        text = listing.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReleaseError(
            f"{paths.display_path(folder)}: not a kosovo-kg release: no readable {CHECKSUMS} ({error})"
        ) from None
    sums = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not match:
            raise ReleaseError(f"{paths.display_path(listing)}:{number}: not a line of sha256sum's format")
        sums[match.group(2)] = match.group(1)
    return sums


def read_release(folder: Path | str):
    """The stated graph of an earlier release, with its version and date, checked against its
    checksums; :class:`ReleaseError` naming what is wrong when ``folder`` is not a release."""
    from kosovo_kg.publish.changes import Release

    folder = Path(folder)
    shown = paths.display_path(folder)
    if not folder.is_dir():
        raise ReleaseError(
            f"{shown}: not a kosovo-kg release: {'not a folder' if folder.exists() else 'no such folder'}"
        )
    sums = read_checksums(folder)
    name = dump_name("nt")
    dump = folder / name
    if name not in sums or not dump.is_file():
        raise ReleaseError(f"{shown}: not a kosovo-kg release: no {name} listed in {CHECKSUMS}")
    data = dump.read_bytes()
    if hashlib.sha256(data).hexdigest() != sums[name]:
        raise ReleaseError(
            f"{shown}: {name} does not match its SHA-256 in {CHECKSUMS}: the release was changed or damaged"
        )
    try:
        triples = [quad.triple for quad in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as error:
        raise ReleaseError(f"{shown}/{name}: not N-Triples: {' '.join(str(error).split())}") from None
    values = {t.predicate.value: t.object.value for t in triples if t.subject == _n(DATASET)}
    version, date = values.get(OWL + "versionInfo"), values.get(DCTERMS + "modified")
    if version is None or date is None:
        raise ReleaseError(f"{shown}: not a kosovo-kg release: {name} does not say its version and date")
    return Release(version, date, triples)


# --- the files -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def void_description(
    stated: list[ox.Triple],
    inferred: list[ox.Triple] | None,
    kg: KnowledgeGraph,
    version: str,
    date: str,
    files: dict[str, tuple[str, Path]],
    endpoint: str | None,
    base_url: str | None,
) -> bytes:
    """VoID and DCAT: the dataset (and its inferred variant), their counts, licence, sources,
    endpoint and downloadable files with sizes and checksums. ``files`` are file name ->
    (description, path) of the files to describe."""
    version_iri = f"{DATASET}/{version}"
    a = _n(RDF + "type")
    triples: list[ox.Triple] = []

    def add(subject: str, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        triples.append(ox.Triple(_n(subject), _n(predicate), value))

    def integer(value: int, datatype: str = XSD + "integer") -> ox.Literal:
        return _lit(str(value), datatype)

    article = _article_url(kg)
    sources = sorted(
        {
            quad.subject.value
            for quad in kg.store.quads_for_pattern(None, a, _n(KKG + "Source"))
            if isinstance(quad.subject, ox.NamedNode)
        }
    )
    for dataset, graph, title in (
        (DATASET, stated, "kosovo-kg: Kosovo–NATO relations"),
        (INFERRED_DATASET, inferred, "kosovo-kg: Kosovo–NATO relations, with what the graph entails"),
    ):
        if graph is None:
            continue
        for kind in (VOID + "Dataset", DCAT + "Dataset"):
            add(dataset, RDF + "type", _n(kind))
        add(dataset, DCTERMS + "title", _lit(title, language="en"))
        add(dataset, OWL + "versionInfo", _lit(version))
        add(dataset, DCTERMS + "modified", _lit(date, XSD + "date"))
        add(dataset, DCTERMS + "issued", _lit(date, XSD + "date"))
        add(dataset, DCTERMS + "license", _n(LICENSE))
        add(dataset, DCTERMS + "publisher", _lit("The kosovo-kg developers"))
        add(dataset, VOID + "uriSpace", _lit(KKR))
        add(dataset, VOID + "exampleResource", _n(KKR + "kosovo"))
        for prefix in ("kkg", "org", "prov", "qb", "schema", "skos", "dcterms"):
            add(dataset, VOID + "vocabulary", _n(PREFIXES[prefix]))
        for name, value in counts(graph).items():
            add(dataset, VOID + name, integer(value))
        for _, _, format_name in DUMPS.values():
            add(dataset, VOID + "feature", _n(FORMATS + format_name))
        if endpoint:
            add(dataset, VOID + "sparqlEndpoint", _n(endpoint))
        for keyword in ("Kosovo", "NATO", "international relations", "diplomatic recognition", "knowledge graph"):
            add(dataset, DCAT + "keyword", _lit(keyword, language="en"))
    add(
        DATASET,
        DCTERMS + "description",
        _lit(
            "A knowledge graph of Kosovo–NATO relations: every statement, poll, membership, recognition and event "
            "dated and sourced, linked to Wikidata. The graph as its files state it, with the day bounds derived "
            "from its dates.",
            language="en",
        ),
    )
    add(
        INFERRED_DATASET,
        DCTERMS + "description",
        _lit(
            "The stated graph, the RDFS entailments the embedded engines' queries see (subclasses and "
            "subproperties) and what the OWL reasoner HermiT entails from it.",
            language="en",
        ),
    )
    if inferred is not None:
        add(INFERRED_DATASET, PROV + "wasDerivedFrom", _n(DATASET))
    add(DATASET, OWL + "versionIRI", _n(version_iri))
    add(
        DATASET,
        DCTERMS + "rights",
        _lit(
            "CC BY-SA 4.0. Derived from the English Wikipedia article “Kosovo–NATO relations” (CC BY-SA 4.0) "
            "and the sources it cites; the names in Albanian and Serbian are from the Unicode CLDR (Unicode "
            "License). Attribute: kosovo-kg, after Wikipedia's “Kosovo–NATO relations” and its sources.",
            language="en",
        ),
    )
    if article:
        add(DATASET, DCTERMS + "source", _n(article))
        add(DATASET, PROV + "wasDerivedFrom", _n(article))
    for source in sources:
        add(DATASET, DCTERMS + "source", _n(source))
    if endpoint:
        add(endpoint, RDF + "type", _n(DCAT + "DataService"))
        add(endpoint, DCAT + "endpointURL", _n(endpoint))
        add(endpoint, DCAT + "servesDataset", _n(DATASET))
    if base_url:
        add(DATASET, DCAT + "landingPage", _n(f"{base_url}/site/index.html"))
    for name, (what, path) in sorted(files.items()):
        suffix = name.rsplit(".", 1)[-1]
        media = next((m for s, m, _ in DUMPS.values() if s == suffix), "text/turtle")
        owner = INFERRED_DATASET if ".inferred." in name else DATASET
        if owner == INFERRED_DATASET and inferred is None:
            continue
        distribution, checksum = f"{version_iri}#{name}", f"{version_iri}#{name}-sha256"
        add(owner, DCAT + "distribution", _n(distribution))
        add(distribution, RDF + "type", _n(DCAT + "Distribution"))
        add(distribution, DCTERMS + "title", _lit(name))
        add(distribution, DCTERMS + "description", _lit(what, language="en"))
        add(distribution, DCAT + "mediaType", _n(IANA + media))
        add(distribution, DCAT + "byteSize", integer(path.stat().st_size, XSD + "nonNegativeInteger"))
        add(distribution, DCTERMS + "license", _n(LICENSE))
        add(distribution, SPDX + "checksum", _n(checksum))
        add(checksum, RDF + "type", _n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", _lit(_sha256(path), XSD + "hexBinary"))
        if base_url:
            add(distribution, DCAT + "downloadURL", _n(f"{base_url}/{name}"))
            if name.endswith(".nt"):
                add(owner, VOID + "dataDump", _n(f"{base_url}/{name}"))
    prefixes = {
        "void": VOID,
        "dcat": DCAT,
        "dcterms": DCTERMS,
        "spdx": SPDX,
        "prov": PROV,
        "owl": OWL,
        "xsd": XSD,
        "kkr": KKR,
        "formats": FORMATS,
    }
    data = ox.serialize(_sorted(triples), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return data


def _yaml(value: object, indent: int = 0) -> list[str]:
    """A small YAML writer for CITATION.cff: mappings, lists and strings (as JSON strings, which
    YAML reads alike), so that no text is ever mistaken for a number or a date."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                lines.append(f"{pad}{key}:")
                lines += _yaml(item, indent + 2)
            else:
                lines.append(f"{pad}{key}: {json.dumps(item, ensure_ascii=False)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                inner = _yaml(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
    return lines


def _value(kg: KnowledgeGraph, iri: str, prop: str) -> str | None:
    for quad in kg.store.quads_for_pattern(_n(iri), _n(KKG + prop), None):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def citation(kg: KnowledgeGraph, version: str, date: str, commit: str | None, base_url: str | None) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the release, with the article it derives
    from and the CLDR release its names come from as references, as the graph records them."""
    cff: dict[str, object] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below. It is derived from the English Wikipedia "
        "article “Kosovo–NATO relations” and the sources it cites, and shares their licence: reuse it under "
        "CC BY-SA 4.0, with attribution.",
        "type": "dataset",
        "title": "kosovo-kg: a knowledge graph of Kosovo–NATO relations",
        "abstract": "Every statement, poll, membership, recognition and event of the Wikipedia article "
        "“Kosovo–NATO relations” as a dated, sourced node of an RDF graph, with an OWL ontology, SHACL shapes "
        "and Wikidata links.",
        "authors": [{"name": "The kosovo-kg developers"}],
        "version": version,
        "date-released": date,
        "license": "CC-BY-SA-4.0",
        "identifiers": [
            {"type": "url", "value": f"{DATASET}/{version}", "description": "The version IRI of this release"}
        ],
        "keywords": ["Kosovo", "NATO", "knowledge graph", "RDF", "SPARQL", "Wikidata"],
    }
    if commit:
        cff["commit"] = commit
    if base_url:
        cff["url"] = base_url + "/"
    references: list[dict[str, object]] = []
    article_url, article_title = _article_url(kg), _value(kg, ARTICLE, "title")
    if article_url and article_title:
        references.append(
            {
                "type": "encyclopedia",
                "title": article_title,
                "authors": [{"name": "Wikipedia contributors"}],
                "collection-title": _value(kg, ARTICLE, "work") or "Wikipedia",
                "url": article_url,
                "license": "CC-BY-SA-4.0",
            }
        )
    cldr_title, cldr_work, cldr_url = (_value(kg, CLDR, p) for p in ("title", "work", "url"))
    if cldr_title and cldr_work:
        reference: dict[str, object] = {"type": "data", "title": cldr_title, "authors": [{"name": cldr_work}]}
        if cldr_url:
            reference["url"] = cldr_url
        references.append(reference)
    if references:
        cff["references"] = references
    return (
        "# The Citation File Format 1.2.0 (https://citation-file-format.github.io/), written by kosovo-kg release\n"
        + "\n".join(_yaml(cff))
        + "\n"
    )


# --- the folder ----------------------------------------------------------------------------------


def _is_release(folder: Path) -> bool:
    return (folder / CHECKSUMS).is_file() and (folder / dump_name("nt")).is_file()


def _check_target(target: Path) -> None:
    shown = paths.display_path(target)
    parent = target.parent
    if not parent.is_dir():
        problem = "is a file, not a folder" if parent.exists() else "does not exist"
        raise ReleaseError(f"{shown}: cannot write the release there: {paths.display_path(parent)} {problem}")
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise ReleaseError(f"{shown}: is not a folder; give a new folder for the release")
        if any(target.iterdir()) and not _is_release(target):
            raise ReleaseError(
                f"{shown}: the folder is not empty and holds no earlier release; give a new or empty folder "
                "(an earlier release there would be replaced)"
            )


def _remove_stale(target: Path) -> None:
    """Remove what builds of ``target`` that were killed midway left beside it."""
    prefix = f".{target.name}."
    for leftover in target.parent.glob(f"{prefix}*.part"):
        pid = leftover.name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass


def _new_folder(target: Path) -> Path:
    import tempfile

    _remove_stale(target)
    try:
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent))
    except OSError as error:
        raise ReleaseError(
            f"{paths.display_path(target)}: cannot write the release there: {error.strerror or error}"
        ) from None


def _move_into_place(built: Path, target: Path) -> None:
    os.chmod(built, 0o777 & ~_umask())  # mkdtemp makes it 0700: give what mkdir would
    if target.is_dir() and any(target.iterdir()):
        old = target.parent / f".{target.name}.{os.getpid()}.old.part"
        os.rename(target, old)
        os.rename(built, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(built, target)  # over an empty folder, or none


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def build_release(
    kg: KnowledgeGraph,
    output: Path | str,
    *,
    previous: Path | str | None = None,
    version: str | None = None,
    date: ReleaseDate | str | None = None,
    endpoint: str | None = None,
    base_url: str | None = None,
    inferred: bool = True,
    ontology: Path | None = None,
    shapes: Path | None = None,
    announce: Callable[[str], None] = lambda line: None,
) -> ReleaseBuild:
    """Write a release of ``kg`` into the folder ``output`` (see the module's description).

    ``date`` is a :class:`ReleaseDate`, a day as YYYY-MM-DD or ``None`` (then
    :func:`release_date` finds it from the packaged files); ``version`` defaults to the date with
    dots (2026.11.30). ``previous`` is an earlier release's folder, for CHANGES.md.
    """
    from kosovo_kg.publish.changes import Release, render_changes
    from kosovo_kg.publish.export import serialize_graph
    from kosovo_kg.publish.site import build_site, w3id_htaccess

    started = time.monotonic()
    target = Path(output)
    _check_target(target)
    if not isinstance(date, ReleaseDate):
        date = release_date(date, paths.data_files()) if date is None else ReleaseDate(check_date(date), "--date")
    version = check_version(version or date.date.replace("-", "."))
    base_url = base_url.rstrip("/") if base_url else None
    before = read_release(previous) if previous is not None else None
    if inferred:
        from kosovo_kg.curation.reasoning import require_java

        require_java()  # before anything is written: the inferred variant needs HermiT
    folder = _new_folder(target)
    try:
        announce(f"Release {version} of {date.date} (the date from {date.source})")
        canonical = canonical_graph(kg)
        header = header_triples(canonical, version, date.date, before.version if before else None)
        stated_graph = KnowledgeGraph(_sorted([*canonical.triples, *header]))
        descriptions: dict[str, tuple[str, Path]] = {}
        for rdf_format in DUMPS:
            name = dump_name(rdf_format)
            (folder / name).write_bytes(serialize_graph(stated_graph, rdf_format))
            descriptions[name] = (f"The graph as stated, {DUMPS[rdf_format][2].replace('_', '/')}", folder / name)
        announce(f"  stated: {len(stated_graph):,} triples in {len(DUMPS)} formats")
        inferred_count = None
        inferred_triples: list[ox.Triple] | None = None
        if inferred:
            from kosovo_kg.curation.reasoning import with_inferences

            announce("  reasoning with HermiT…")
            entailing = with_inferences(canonical)
            inferred_graph = KnowledgeGraph(_sorted([*entailing.triples, *header]))
            inferred_triples = inferred_graph.triples
            inferred_count = len(inferred_graph)
            for rdf_format in DUMPS:
                name = dump_name(rdf_format, inferred=True)
                (folder / name).write_bytes(serialize_graph(inferred_graph, rdf_format))
                descriptions[name] = (
                    f"The graph with the RDFS entailments and HermiT's inferences, {DUMPS[rdf_format][2].replace('_', '/')}",
                    folder / name,
                )
            announce(f"  inferred: {inferred_count:,} triples in {len(DUMPS)} formats")
        for name, source, what in (
            ("ontology.ttl", ontology or paths.ontology_file(), "The OWL ontology (TBox), Turtle"),
            ("shapes.ttl", shapes or paths.shapes_file(), "The SHACL shapes, Turtle"),
        ):
            shutil.copyfile(source, folder / name)
            descriptions[name] = (what, folder / name)
        (folder / "void.ttl").write_bytes(
            void_description(
                stated_graph.triples, inferred_triples, canonical, version, date.date, descriptions, endpoint, base_url
            )
        )
        new_release = Release(version, date.date, stated_graph.triples)
        (folder / "CHANGES.md").write_text(render_changes(new_release, before, [DATASET]), encoding="utf-8")
        (folder / "CITATION.cff").write_text(
            citation(canonical, version, date.date, date.commit, base_url), encoding="utf-8"
        )
        (folder / "w3id.htaccess").write_text(w3id_htaccess(f"{base_url}/site" if base_url else None), encoding="utf-8")
        about = {
            "void.ttl": "VoID and DCAT: the dataset, its counts, licence, sources and files",
            "CHANGES.md": "The facts changed since the previous release",
            "CITATION.cff": "How to cite this release (Citation File Format 1.2.0)",
        }
        listed = {**descriptions, **{name: (what, folder / name) for name, what in about.items()}}
        downloads = [(name, what, path.stat().st_size) for name, (what, path) in sorted(listed.items())]
        announce("  the site:")
        site = build_site(
            canonical,
            folder / "site",
            version=version,
            date=date.date,
            downloads=downloads,
            ontology=ontology or paths.ontology_file(),
            announce=announce,
        )
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        lines = [f"{_sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
        (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")
        sizes = {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}
        _move_into_place(folder, target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    seconds = time.monotonic() - started
    announce(
        f"wrote {paths.display_path(target)}: {len(sizes):,} files, {sum(sizes.values()):,} bytes, {seconds:.1f} s"
    )
    return ReleaseBuild(target, version, date, sizes, len(stated_graph), inferred_count, site.resources, seconds)
