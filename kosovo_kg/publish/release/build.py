"""Writing a release's folder: every file, built aside and swapped into place when complete."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.core.writing import atomic_folder, check_output_folder
from kosovo_kg.errors import ReleaseError, UnsupportedData
from kosovo_kg.namespaces import DATASET
from kosovo_kg.publish.release.citation import citation
from kosovo_kg.publish.release.dates import ReleaseDate, check_date, check_version, default_version, release_date
from kosovo_kg.publish.release.graph import DUMPS, canonical_graph, dump_name, header_triples, sorted_triples
from kosovo_kg.publish.release.previous import CHECKSUMS, read_release, sha256_of
from kosovo_kg.publish.release.void import release_void

if TYPE_CHECKING:
    from kosovo_kg.publish.changes import Release


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


#: The release's descriptive files, as the site's front page lists them beside the dumps.
ABOUT = {
    "void.ttl": "VoID and DCAT: the dataset, its counts, licence, sources and files",
    "CHANGES.md": "The facts changed since the previous release",
    "CITATION.cff": "How to cite this release (Citation File Format 1.2.0)",
}


def write_dumps(folder: Path, graph: KnowledgeGraph, *, inferred: bool) -> dict[str, tuple[str, Path]]:
    """The graph in every dump format; returns file name -> (description, path)."""
    from kosovo_kg.publish.export import serialize_graph

    what = "with the RDFS entailments and HermiT's inferences" if inferred else "as stated"
    written = {}
    for rdf_format, (_, _, format_name) in DUMPS.items():
        name = dump_name(rdf_format, inferred=inferred)
        try:
            data = serialize_graph(graph, rdf_format)
        except UnsupportedData as error:  # a character RDF/XML cannot hold: a release has every format
            raise UnsupportedData(f"{name}: {error}") from None
        (folder / name).write_bytes(data)
        written[name] = (f"The graph {what}, {format_name.replace('_', '/')}", folder / name)
    return written


def write_inferred(
    folder: Path,
    canonical: KnowledgeGraph,
    header: list[ox.Triple],
    descriptions: dict[str, tuple[str, Path]],
    announce: Callable[[str], None],
) -> list[ox.Triple]:
    """The inferred variant's dumps (the RDFS entailments and HermiT's inferences, with the
    release's header); adds them to ``descriptions`` and returns the variant's triples."""
    from kosovo_kg.curation.reasoning import with_inferences

    announce("  reasoning with HermiT…")
    entailing = with_inferences(canonical)
    inferred_graph = KnowledgeGraph(sorted_triples([*entailing.triples, *header]))
    descriptions.update(write_dumps(folder, inferred_graph, inferred=True))
    announce(f"  inferred: {len(inferred_graph):,} triples in {len(DUMPS)} formats")
    return inferred_graph.triples


def write_checksums(folder: Path) -> dict[str, int]:
    """SHA256SUMS of every file in the folder (as ``sha256sum -c`` reads it); returns every file's size."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    lines = [f"{sha256_of(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8")
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def copy_schemas(
    folder: Path, ontology: Path | None, shapes: Path | None, descriptions: dict[str, tuple[str, Path]]
) -> None:
    """The ontology and the shapes beside the dumps (the packaged ones unless others are given);
    adds them to ``descriptions``."""
    for name, source, what in (
        ("ontology.ttl", ontology or paths.ontology_file(), "The OWL ontology (TBox), Turtle"),
        ("shapes.ttl", shapes or paths.shapes_file(), "The SHACL shapes, Turtle"),
    ):
        shutil.copyfile(source, folder / name)
        descriptions[name] = (what, folder / name)


def write_about(
    folder: Path,
    canonical: KnowledgeGraph,
    stated: KnowledgeGraph,
    before: Release | None,
    version: str,
    date: ReleaseDate,
    base_url: str | None,
) -> None:
    """What the release says about itself: CHANGES.md (against the previous release), CITATION.cff
    and the w3id.org redirects."""
    from kosovo_kg.publish.changes import Release, render_changes
    from kosovo_kg.publish.site import w3id_htaccess

    new_release = Release(version, date.date, stated.triples)
    (folder / "CHANGES.md").write_text(render_changes(new_release, before, [DATASET]), encoding="utf-8")
    (folder / "CITATION.cff").write_text(
        citation(canonical, version, date.date, date.commit, base_url), encoding="utf-8"
    )
    (folder / "w3id.htaccess").write_text(w3id_htaccess(f"{base_url}/site" if base_url else None), encoding="utf-8")


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
    from kosovo_kg.publish.site import build_site

    started = time.monotonic()
    target = Path(output)
    check_output_folder(target, command="release", error=ReleaseError, what="release")
    if not isinstance(date, ReleaseDate):
        date = release_date(date, paths.data_files()) if date is None else ReleaseDate(check_date(date), "--date")
    version = check_version(version or default_version(date.date))
    base_url = base_url.rstrip("/") if base_url else None
    before = read_release(previous) if previous is not None else None
    if inferred:
        from kosovo_kg.curation.reasoning import require_java

        require_java()  # before anything is written: the inferred variant needs HermiT
    with atomic_folder(target, command="release", error=ReleaseError, what="release") as folder:
        announce(f"Release {version} of {date.date} (the date from {date.source})")
        canonical = canonical_graph(kg)
        header = header_triples(canonical, version, date.date, before.version if before else None)
        stated_graph = KnowledgeGraph(sorted_triples([*canonical.triples, *header]))
        descriptions = write_dumps(folder, stated_graph, inferred=False)
        announce(f"  stated: {len(stated_graph):,} triples in {len(DUMPS)} formats")
        inferred_triples = write_inferred(folder, canonical, header, descriptions, announce) if inferred else None
        inferred_count = len(inferred_triples) if inferred_triples is not None else None
        copy_schemas(folder, ontology, shapes, descriptions)
        (folder / "void.ttl").write_bytes(
            release_void(
                stated_graph.triples, inferred_triples, canonical, version, date.date, descriptions, endpoint, base_url
            )
        )
        write_about(folder, canonical, stated_graph, before, version, date, base_url)
        listed = {**descriptions, **{name: (what, folder / name) for name, what in ABOUT.items()}}
        downloads = [(name, what, path.stat().st_size) for name, (what, path) in sorted(listed.items())]
        announce("  the site:")
        site = build_site(
            canonical,
            folder / "site",
            version=version,
            date=date.date,
            downloads=downloads,
            ontology=ontology or paths.ontology_file(),
            base_url=base_url,
            announce=announce,
        )
        sizes = write_checksums(folder)
    seconds = time.monotonic() - started
    announce(
        f"wrote {paths.display_path(target)}: {len(sizes):,} files, {sum(sizes.values()):,} bytes, {seconds:.1f} s"
    )
    return ReleaseBuild(target, version, date, sizes, len(stated_graph), inferred_count, site.resources, seconds)
