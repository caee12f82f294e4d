"""Hostile data given with --data (tests/fixtures/hostile-links.ttl: ``javascript:``, ``data:`` and
``vbscript:`` IRIs in rdfs:seeAlso, a source whose address is ``javascript:``, markup in a label) never
becomes a live link or markup, on ``kosovo-kg serve --data``'s pages nor on those of the static site
of ``kosovo-kg release --data``: every href and src the templates write passes one allow-list of
schemes (publish/links.safe_url), and every text is escaped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

from conftest import TESTS, free_port, invoke

HOSTILE = TESTS / "fixtures" / "hostile-links.ttl"
LIVE = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*((java|vb)\s*script|data)\s*:", re.IGNORECASE)


def check(page: str, where: str) -> None:
    assert not LIVE.search(page), where
    assert "<script>alert" not in page and "<b>markup</b>" not in page, where


def test_serve_with_hostile_data_writes_no_live_link(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kosovo_kg", "serve", "--port", str(port), "--workers", "1", "--data", str(HOSTILE)],
        stderr=subprocess.PIPE, text=True, env=dict(os.environ, TMPDIR=str(tmp_path)),
    )  # fmt: skip
    try:
        assert "serving at" in process.stderr.readline()
        for path in ("/resource/kosovo", "/resource/src-hostile", "/resource/kosovo-independence-2008", "/"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
                check(answer.read().decode("utf-8"), path)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_site_of_a_release_with_hostile_data_writes_no_live_link(tmp_path):
    folder = tmp_path / "release"
    done = invoke(["release", "-o", folder, "--date", "2026-11-30", "--no-inferred", "--data", HOSTILE])
    assert done.exit_code == 0, done.stderr
    # site/ontology/ is pyLODE's documentation of the ontology (no data of --data; its icons are data: images)
    pages = sorted(p for p in (folder / "site").rglob("*.html") if "ontology" not in p.relative_to(folder).parts)
    assert len(pages) > 300
    for page in pages:
        check(page.read_text(encoding="utf-8"), str(page.relative_to(folder)))
    kosovo = (folder / "site" / "resource" / "kosovo.html").read_text(encoding="utf-8")
    assert "javascript:alert(1)" in kosovo  # the IRI is shown, as text
