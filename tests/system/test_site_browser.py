"""A release's static site in a real browser (Playwright driving Debian's Chromium, as in
test_browser.py), served by a plain static file server on 127.0.0.1: every resource page reachable
from the index, every link of every page answered, the search finding names in Albanian and
Serbian, and no request leaving the machine.

Which names the search can find: the states and two international organizations have names in
Albanian (sq) and Serbian in Cyrillic (sr) and Latin script (sr-Latn) from CLDR. No person has a
name tagged with those languages (no source at hand gives one); the people's names are written
in their own Albanian or Serbian spelling (Hashim Thaçi, Aleksandar Vučić), which the search
finds with or without the diacritics.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from kosovo_kg.publish.release.build import build_release


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory):
    folder = tmp_path_factory.mktemp("site") / "release"
    build_release(kg, folder, date="2026-11-30", inferred=False)
    return folder


class _Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the test's own checks reuse one connection

    def log_message(self, format, *args):  # the test reads the browser's requests, not this log
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a browser that drops a connection it no longer needs
        pass


@pytest.fixture(scope="module")
def server(release):
    """A static file server for the release folder (the site sits in site/, the files beside it)."""
    handler = functools.partial(_Quiet, directory=str(release))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _watch(page, allowed: tuple[str, ...]) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((*allowed, "data:", "blob:")) else None)
    return outside


def test_every_resource_page_is_reachable_from_the_index_and_every_link_answers(release, server, browser):
    page = browser.new_page()
    outside = _watch(page, (server,))
    site = f"{server}/site/"
    page.goto(site + "index.html")
    listed = set(page.eval_on_selector_all("#resources a", "links => links.map(a => a.href)"))
    on_disk = {f"{site}resource/{p.name}" for p in (release / "site" / "resource").glob("*.html")}
    assert listed == on_disk and len(on_disk) > 290
    questions = set(page.eval_on_selector_all("#questions .card a", "links => links.map(a => a.href)"))
    asked = {f"{site}queries/{p.name}" for p in (release / "site" / "queries").glob("*.html")}
    assert questions == asked and len(asked) > 40
    on_disk |= asked
    links: set[str] = set()
    failed: list[str] = []
    for url in [site + "index.html", site + "ontology/index.html", *sorted(on_disk)]:
        response = page.goto(url, wait_until="domcontentloaded")
        if response is None or response.status != 200:
            failed.append(url)
            continue
        links |= {urldefrag(h)[0] for h in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")}
    assert failed == []
    internal = sorted(link for link in links if link.startswith(server))
    assert len(internal) > 4 * 290  # each page, its three RDF files, and more
    visited = {site + "index.html", site + "ontology/index.html", *on_disk}
    connection = http.client.HTTPConnection(urlsplit(server).netloc, timeout=10)
    for link in internal:  # pages, their Turtle, JSON-LD and N-Triples, charts' answers, the release's files
        if link not in visited:
            connection.request("HEAD", urlsplit(link).path)
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200, link
    connection.close()
    kinds = {Path(link).suffix for link in internal}
    assert {
        ".html",
        ".ttl",
        ".jsonld",
        ".nt",
        ".csv",
        ".tsv",
        ".json",
        ".xml",
        ".rq",
        ".rdf",
        ".cff",
        ".md",
        ".svg",
    } <= kinds
    assert f"{server}/SHA256SUMS" in internal
    # what every page loaded (its stylesheet, the charts, scripts) came from this server alone
    assert outside == []
    page.close()


@pytest.mark.parametrize(
    ("typed", "found", "shown"),
    [
        ("Greqi", "Greece", "Greqi (sq)"),  # Albanian
        ("Грчка", "Greece", "Грчка (bs-Cyrl, sr)"),  # Serbian, Cyrillic (and Bosnian, the same name)
        ("Grcka", "Greece", "Grčka (bs, hr, sr-Latn)"),  # Serbian, Latin, typed without the háček
        ("Ελλάδα", "Greece", "Ελλάδα (el)"),  # Greek
        ("Thaçi", "Hashim Thaçi", None),  # a person, in the Albanian spelling of his name
        ("thaci", "Hashim Thaçi", None),
        ("Vucic", "Aleksandar Vučić", None),  # and one in the Serbian spelling
        ("Kosovë", "Kosovo", "Kosovë (sq)"),
    ],
)
def test_the_search_finds_names_in_every_language(server, browser, typed, found, shown):
    page = browser.new_page()
    outside = _watch(page, (server,))
    page.goto(f"{server}/site/index.html")
    page.fill("#search-box", typed)
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=10_000)
    texts = results.all_inner_texts()
    match = next(text for text in texts if text.startswith(found + " — "))
    if shown:
        assert shown in match
    page.locator("#search-results li a").filter(has_text=re.compile(f"^{re.escape(found)}$")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == found
    assert outside == []
    page.close()


def test_the_site_works_opened_from_its_folder(release, browser):
    """No server at all: file:// pages, the search's index loaded as a script beside them."""
    page = browser.new_page()
    outside = _watch(page, ("file://",))
    page.goto((release / "site" / "index.html").as_uri())
    page.fill("#search-box", "Грчка")
    page.locator("#search-results li").first.wait_for(timeout=10_000)
    page.locator("#search-results li a", has_text="Greece").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Greece"
    assert "Грчка" in page.locator("ul.names").inner_text()
    page.locator("p.formats a", has_text="Turtle").click()  # the RDF beside the page
    assert page.url.endswith("/site/resource/greece.ttl")
    assert outside == []
    page.close()


def test_the_site_search_ranks_as_the_name_index_does(kg, server, browser):
    """search.js in the browser and core/nameindex.py give the same first result for every case of
    tests/fixtures/names.csv (the same folding, tiers and bands)."""
    import csv

    from conftest import TESTS

    cases = [row["query"] for row in csv.DictReader((TESTS / "fixtures" / "names.csv").open(encoding="utf-8"))]
    page = browser.new_page()
    page.goto(f"{server}/site/index.html")
    in_browser = page.evaluate(
        "(queries) => queries.map((q) => { const r = window.kosovoKgSearch(q, 1); return r.length ? [r[0].entity.iri, r[0].score] : null; })",
        cases,
    )
    in_python = []
    for query in cases:
        found = [
            m for m in kg.name_index.search(query, limit=20) if m.iri.startswith("https://w3id.org/kosovo-kg/resource/")
        ]
        in_python.append([found[0].iri, found[0].score] if found else None)
    differences = [(q, b, p) for q, b, p in zip(cases, in_browser, in_python, strict=True) if b != p]
    assert differences == []
    page.close()


@pytest.mark.parametrize(
    "path", ["index.html", "queries/recognized-before.html", "search.html?q=Грчка", "resource/greece.html"]
)
def test_the_sites_pages_have_no_accessibility_violations(server, browser, path):
    """The site's pages come from serve's templates; its own variants (a form it cannot answer, the
    search in the browser) are checked with axe-core as serve's are (tests/system/test_browser.py)."""
    from conftest import TESTS

    axe = TESTS / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail(f"{axe} is missing: tests/run installs it (npm ci in tests/)")
    page = browser.new_page()
    page.goto(f"{server}/site/{path}")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(axe))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .map(v => ({rule: v.id, where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    assert violations == []
    page.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_search_box_of_every_page_suggests_from_the_exported_index(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside = _watch(page, (server,))
    page.goto(f"{server}/site/queries/timeline.html")  # no index loaded until the box is used
    page.locator("#q").fill("Ελλάδα")
    option = page.locator("#q-suggestions [role=option]").first
    option.wait_for(timeout=10_000)
    assert option.inner_text().startswith("Greece")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/site/resource/greece\.html$"))
    assert page.locator("h1").inner_text() == "Greece"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert outside == []
    page.close()
