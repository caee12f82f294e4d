"""publish/release/previous.py: an earlier release read back for CHANGES.md: its SHA256SUMS read
(refused line by line when it is not sha256sum's format), its N-Triples checked against them, and
its version and date; anything that is not a release is refused in one message."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kosovo_kg.errors import ReleaseError
from kosovo_kg.namespaces import DATASET, DCTERMS, OWL, XSD
from kosovo_kg.publish.release.previous import CHECKSUMS, read_checksums, read_release, sha256_of

HEADER = (
    f'<{DATASET}> <{OWL}versionInfo> "2026.11.30" .\n'
    f'<{DATASET}> <{DCTERMS}modified> "2026-11-30"^^<{XSD}date> .\n'
    '<https://w3id.org/kosovo-kg/resource/kosovo> <http://www.w3.org/2000/01/rdf-schema#label> "Kosovo"@en .\n'
)


def release(folder: Path, nt: str = HEADER, listed: bool = True) -> Path:
    folder.mkdir()
    (folder / "kosovo-kg.nt").write_text(nt, encoding="utf-8")
    (folder / "CHANGES.md").write_text("# changes\n", encoding="utf-8")
    sums = {"CHANGES.md": sha256_of(folder / "CHANGES.md")}
    if listed:
        sums["kosovo-kg.nt"] = sha256_of(folder / "kosovo-kg.nt")
    (folder / CHECKSUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sha256_of_a_file_is_its_digest(here):
    (here / "big").write_bytes(b"x" * (3 << 20))  # read in chunks of 1 MiB
    assert sha256_of(here / "big") == hashlib.sha256(b"x" * (3 << 20)).hexdigest()


def test_the_checksums_are_read_in_text_and_binary_mode(here):
    digest = "0" * 64
    (here / CHECKSUMS).write_text(
        f"{digest}  kosovo-kg.nt\n{'a' * 64} *site/index.html\n{'b' * 64}  a name with spaces\n"
    )
    assert read_checksums(here) == {"kosovo-kg.nt": digest, "site/index.html": "a" * 64, "a name with spaces": "b" * 64}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{'0' * 64}  ok.nt\n{'0' * 63}  short.nt\n", "SHA256SUMS:2: not a line of sha256sum's format"),
        (f"{'A' * 64}  upper.nt\n", "SHA256SUMS:1: not a line of sha256sum's format"),
        (f"{'0' * 64}\n", "SHA256SUMS:1: not a line of sha256sum's format"),
        (f"{'0' * 64}  ok.nt\n\n", "SHA256SUMS:2: not a line of sha256sum's format"),
    ],
)
def test_a_line_that_is_not_sha256sums_is_refused_with_its_number(here, text, message):
    (here / CHECKSUMS).write_text(text)
    with pytest.raises(ReleaseError) as caught:
        read_checksums(here)
    assert str(caught.value) == message


def test_no_readable_checksums_is_not_a_release(here):
    with pytest.raises(
        ReleaseError, match=r"^\.: not a kosovo-kg release: no readable SHA256SUMS \(SHA256SUMS: no such file\)$"
    ):
        read_checksums(here)
    (here / CHECKSUMS).write_bytes(b"\xff\xfe")
    with pytest.raises(ReleaseError, match=r"^\.: not a kosovo-kg release: no readable SHA256SUMS \(.*utf-8"):
        read_checksums(here)


def test_a_release_gives_its_version_date_and_stated_triples(here):
    found = read_release(release(here / "r1"))
    assert (found.version, found.date, len(found.triples)) == ("2026.11.30", "2026-11-30", 3)
    assert read_release("r1").version == "2026.11.30"  # a folder given as a string


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda h: None, "r1: not a kosovo-kg release: no such folder"),
        (lambda h: (h / "r1").write_text("x"), "r1: not a kosovo-kg release: not a folder"),
        (lambda h: (h / "r1").mkdir(), "r1: not a kosovo-kg release: no readable SHA256SUMS"),
        (lambda h: release(h / "r1", listed=False), "r1: not a kosovo-kg release: no kosovo-kg.nt listed in SHA256SUMS"),
        (lambda h: (release(h / "r1") / "kosovo-kg.nt").unlink(), "r1: not a kosovo-kg release: no kosovo-kg.nt listed"),
        (
            lambda h: (release(h / "r1") / "kosovo-kg.nt").write_text(HEADER + "<urn:x:a> <urn:x:b> <urn:x:c> .\n"),
            "r1: kosovo-kg.nt does not match its SHA-256 in SHA256SUMS: the release was changed or damaged",
        ),
        (lambda h: release(h / "r1", nt="@prefix x: <urn:x:> .\n"), "r1/kosovo-kg.nt: not N-Triples: "),
        (
            lambda h: release(h / "r1", nt=HEADER.split("\n", 1)[1]),
            "r1: not a kosovo-kg release: kosovo-kg.nt does not say its version and date",
        ),
    ],
    ids=["missing", "a-file", "empty-folder", "unlisted", "dump-gone", "tampered", "not-n-triples", "no-version"],
)  # fmt: skip
def test_what_is_not_a_release_is_refused_in_one_message(here, make, message):
    make(here)
    with pytest.raises(ReleaseError) as caught:
        read_release(here / "r1")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
