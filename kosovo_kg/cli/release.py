"""``kosovo-kg release -o DIR``: a citable release with its static site."""

from __future__ import annotations

import argparse

from kosovo_kg.cli.options import add_data_options, progress, query_options, say

SUMMARY = (
    "Write a citable release into the folder DIR: the graph as stated and as inferred in four formats, the "
    "ontology and shapes, VoID and DCAT, CHANGES.md (the facts changed since --previous), CITATION.cff, "
    "SHA256SUMS and a static Linked Data site."
)
DETAILS = (
    "Inferred: the RDFS entailments queries see and HermiT's inferences (needs Java; --no-inferred leaves\n"
    "them out). The same graph, version and date give the same bytes; the date is --date, else\n"
    "SOURCE_DATE_EPOCH, else the last commit's when the graph's files are as committed, else the files'\n"
    "newest modification time. The release is built beside DIR and renamed into place when complete;\n"
    "an earlier release in DIR is replaced, any other folder that is not empty is refused."
)


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("-o", "--output", type=str, required=True, metavar="DIR", help="The release's folder.")
    command.add_argument("--previous", type=str, metavar="DIR", help="An earlier release, for CHANGES.md.")
    command.add_argument(
        "--release-version", metavar="VERSION", help="The release's version (default: its date, as 2026.11.30)."
    )
    command.add_argument("--date", metavar="YYYY-MM-DD", help="The release's date (default: see above).")
    command.add_argument(
        "--endpoint", metavar="URL", help="A SPARQL endpoint that serves this release, for VoID and DCAT."
    )
    command.add_argument(
        "--base-url",
        metavar="URL",
        help="Where the release folder will be published: download links, and the site for the w3id.org rules.",
    )
    command.add_argument("--no-inferred", action="store_true", help="Leave out the inferred variant (no Java needed).")
    add_data_options(command, only="Release")


def run(args: argparse.Namespace) -> int:
    # the release's modules (and through them rdflib, matplotlib, pyLODE, HermiT) load only here
    from pathlib import Path

    from kosovo_kg.core import paths
    from kosovo_kg.core.extras import require_extra
    from kosovo_kg.publish.release.build import build_release
    from kosovo_kg.publish.release.dates import release_date
    from kosovo_kg.querying.pipeline import check_url

    for extra in ("charts", "docs", "release"):  # the site's charts, the ontology's documentation, CITATION.cff
        require_extra(extra, "kosovo-kg release")
    for option, url in (("--endpoint", args.endpoint), ("--base-url", args.base_url)):
        if url is not None:
            check_url(option, url)
    kg = query_options(args).load_graph()
    assert kg is not None
    files = [*(paths.data_files() if not args.only_data else []), *(Path(f) for f in args.data)]
    date = release_date(args.date, files, extra=bool(args.data))
    build_release(
        kg,
        args.output,
        previous=args.previous,
        version=args.release_version,
        date=date,
        endpoint=args.endpoint,
        base_url=args.base_url,
        inferred=not args.no_inferred,
        announce=_announce,
    )
    return 0


def _announce(line: str) -> None:
    """The release's account of itself: what it wrote, always; a step it starts ("…"), as progress."""
    if line.endswith("…"):
        progress(line.removesuffix("…"))
    else:
        say(line)
