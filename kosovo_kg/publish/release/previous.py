"""An earlier release, read back for CHANGES.md: its checksums verified, its stated graph, version and date."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.reading import read_limited
from kosovo_kg.errors import LoadError, ReleaseError
from kosovo_kg.namespaces import DATASET, DCTERMS, OWL
from kosovo_kg.publish.release.graph import dump_name

CHECKSUMS = "SHA256SUMS"
#: What is read of an earlier release: its checksums (a release's list a few thousand files, ~400 KB)
#: and its stated graph (this graph's is ~5 MB); a larger file is not one of ours.
MAX_CHECKSUMS_BYTES = 16 << 20
MAX_DUMP_BYTES = 1 << 30


def _read(path: Path, limit: int) -> bytes:
    """A file of the earlier release, refused unread when it is not a regular file (a FIFO would
    block, ``/dev/zero`` never ends) or is larger than ``limit``."""
    return read_limited(path, limit, "a file of a release")


def read_checksums(folder: Path) -> dict[str, str]:
    """``SHA256SUMS`` as path -> hexadecimal digest, or :class:`ReleaseError`."""
    listing = folder / CHECKSUMS
    try:
        text = _read(listing, MAX_CHECKSUMS_BYTES).decode("utf-8")
    except (LoadError, UnicodeDecodeError) as error:
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
    try:
        data = _read(dump, MAX_DUMP_BYTES)
    except LoadError as error:
        raise ReleaseError(f"{shown}: not a kosovo-kg release: {error}") from None
    if hashlib.sha256(data).hexdigest() != sums[name]:
        raise ReleaseError(
            f"{shown}: {name} does not match its SHA-256 in {CHECKSUMS}: the release was changed or damaged"
        )
    try:
        triples = [quad.triple for quad in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as error:
        raise ReleaseError(f"{shown}/{name}: not N-Triples: {' '.join(str(error).split())}") from None
    values = {t.predicate.value: t.object.value for t in triples if t.subject == ox.NamedNode(DATASET)}
    version, date = values.get(OWL + "versionInfo"), values.get(DCTERMS + "modified")
    if version is None or date is None:
        raise ReleaseError(f"{shown}: not a kosovo-kg release: {name} does not say its version and date")
    return Release(version, date, triples)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
