"""serve's pages in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium, installed
by tests/run), headless, with no internet; on a desktop (1366 px) and a phone (390 px).

Five tasks done without writing SPARQL, as a journalist, a student or a researcher would: which NATO
members do not recognize Kosovo and since when the others do; what Serbia's president said about NATO,
with the source opened; how support for membership moved across polls; how KFOR's strength changed,
with the doubt visible; everything about Greece, reached from a search in another script. Then: no
page scrolls sideways, axe-core (tests/package.json, injected into the page) finds no violation, the
entity and question pages read without JavaScript, the home page is light, and the SPARQL editor
runs stored questions and the user's own."""

from __future__ import annotations

import re

import pytest
from conftest import TESTS, kosovo_server

AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = TESTS / "screenshots"
ARTICLE = "https://en.wikipedia.org/wiki/Kosovo%E2%80%93NATO_relations"
WIDTHS = {"desktop": 1366, "phone": 390}
STAND_IN = (
    "<!DOCTYPE html><html lang='en'><title>A source (a stand-in: tests reach no other host)</title><p>source</p></html>"
)


@pytest.fixture(scope="module")
def server(kg):
    with kosovo_server(kg, timeout=5) as url:
        yield url


class Visit:
    """A browser page on the server: the other hosts it tried to reach (answered by a stand-in page,
    never by the internet), and a check that nothing scrolls sideways."""

    def __init__(self, browser, server: str, width: int, javascript: bool = True):
        self.server, self.width = server, width
        self.context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.context.route(lambda url: not url.startswith((server, "data:", "blob:")), self._stand_in)

    def _stand_in(self, route):
        self.outside.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=STAND_IN)

    def go(self, path: str):
        self.page.goto(self.server + path)
        self.fits()
        return self.page

    def fits(self):
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= self.width, f"{self.page.url} is {wide} px wide on a {self.width} px screen"

    def close(self):
        self.context.close()


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def visit(request, browser, server):
    opened = Visit(browser, server, WIDTHS[request.param])
    yield opened
    opened.close()


def test_which_nato_members_do_not_recognize_kosovo_and_since_when_the_others_do(visit):
    page = visit.go("/")
    lead = page.locator("#recognition .lead").inner_text()
    assert "4 of the 32 members do not: Greece, Romania, Slovakia and Spain. The other 28 recognize it." in lead
    dates = page.locator("#recognition .by-date li").all_inner_texts()
    assert dates[0] == "2008-02-18 Albania, France, Turkey, United Kingdom, United States"
    assert "2008-10-09 Montenegro, North Macedonia" in dates
    page.locator("#recognition .lead a", has_text="Spain").click()
    page.wait_for_load_state()
    visit.fits()
    assert page.locator("h1").inner_text() == "Spain"
    panel = page.locator("section.panel", has=page.locator("h2", has_text="NATO and the recognition of Kosovo"))
    assert panel.locator("td[data-label=joined]").inner_text() == "1982-05-30"
    assert panel.locator("td[data-label=recognizes]").inner_text() == "no"
    assert visit.outside == []


def test_what_serbias_president_said_about_nato_with_the_source_opened(visit):
    page = visit.go("/")
    row = page.locator("#statements tr", has_text="President of Serbia")
    assert row.locator("td[data-label=speaker]").inner_text() == "Aleksandar Vučić"
    assert row.locator("td[data-label=stance]").inner_text() == "opposes"
    assert "Vučić: Serbia will not agree to Kosovo joining NATO" in row.inner_text()
    doubt = row.locator("xpath=following-sibling::tr[1]")
    assert doubt.is_visible() and "eighteen months earlier" in doubt.inner_text()
    source = row.locator("td[data-label=source] a:not(.record)")
    assert source.inner_text() == "[22] Zimonjić Jelisavac 2023, Serbia gives definite 'no'"
    source.click()  # reference 22 has no address of its own: the article's list of references
    page.wait_for_url(ARTICLE + "#References")
    assert visit.outside == [ARTICLE]  # the request (a fragment is not sent), answered by the stand-in
    page.go_back()
    page.locator("#statements td a", has_text="Vučić: Serbia will not agree to Kosovo joining NATO").first.click()
    page.wait_for_load_state()
    visit.fits()
    assert (
        "Serbian President Aleksandar Vučić said Serbia would not agree to Kosovo joining NATO."
        in page.locator(".lead").inner_text()
    )
    assert "[22] Zimonjić Jelisavac 2023" in page.locator(".cited").first.inner_text()


def test_how_support_for_membership_moved_across_polls(visit):
    page = visit.go("/")
    rows = page.locator("#polls table.answer tbody tr:not(.doubt-row)")
    support = rows.locator("td[data-label=support]").all_inner_texts()
    assert support == ["88.7", "89.0", "95.0", "94.0"]
    assert rows.locator("td[data-label=start]").all_inner_texts() == ["2014-10", "2021-09", "2023-02", "2024-05"]
    chart = page.locator("#chart-polls img")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle(), timeout=30_000)
    page.locator("#polls a", has_text="The polls as a question").click()
    page.wait_for_load_state()
    visit.fits()
    assert page.locator("h1").inner_text() == "Polls on NATO membership in Kosovo, oldest first"
    csv = page.locator(".downloads a", has_text="CSV").get_attribute("href")
    answer = page.request.get(visit.server + csv)
    assert answer.ok and answer.text().startswith("pollster,start,end,sample_size,support,opposed,neutral,lead")


def test_how_kfors_strength_changed_with_the_doubt_visible(visit):
    page = visit.go("/")
    first = page.locator("#kfor tbody tr", has_text="1999-06")
    assert first.locator("td[data-label=troops]").inner_text() == "20,000"
    doubt = first.locator("xpath=following-sibling::tr[1]")
    assert doubt.is_visible() and "Poland's Ministry of National Defence gives KFOR 50,000 troops" in doubt.inner_text()
    assert (
        page.locator("#kfor tbody tr", has_text="2024").first.locator("td[data-label=troops]").inner_text() == "4,500"
    )
    page.locator("#kfor a", has_text="KFOR's profile").click()
    page.wait_for_load_state()
    visit.fits()
    assert page.locator("h1").inner_text() == "Kosovo Force"
    panel = page.locator("section.panel", has=page.locator("h2", has_text="Strength over time"))
    assert "50,000 troops" in panel.inner_text() and "20,000" in panel.inner_text()
    page = visit.go("/queries/kfor-strength")
    caption = page.locator("#chart-kfor figcaption").inner_text()
    assert "20,000 KFOR troops in 1999-06" in caption and "50,000 troops" in caption  # the chart's caption too


def test_everything_about_greece_from_a_search_in_another_script(visit):
    page = visit.go("/queries/timeline")  # the search box is on every page
    page.locator("#q").fill("Ελλάδα")  # Greek
    option = page.locator("#q-suggestions [role=option]").first
    option.wait_for(timeout=10_000)
    assert option.inner_text().startswith("Greece") and "Ελλάδα (el)" in option.inner_text()
    page.locator("#q").press("Enter")  # an exact name: straight to its page
    page.wait_for_url(re.compile(r"/resource/greece$"))
    visit.fits()
    assert page.locator("h1").inner_text() == "Greece"
    text = page.locator("main").inner_text()
    for fact in ("NATO and the recognition of Kosovo", "1952-02-18", "North Atlantic Treaty Organization", "Грчка"):
        assert fact in text, fact
    page = visit.go("/")
    page.locator("#q").fill("Грчка")  # Serbian, Cyrillic
    page.locator("#q-suggestions [role=option]", has_text="Greece").first.click()
    page.wait_for_url(re.compile(r"/resource/greece$"))
    assert visit.outside == []


@pytest.mark.parametrize(
    ("mistyped", "meant"),
    [
        ("/resource/Greec", "Greece"),
        ("/resource/vucic", "Aleksandar Vučić"),
        ("/resource/serbian-president", "President of Serbia"),
    ],
)
def test_a_mistyped_resource_offers_the_right_entity(visit, mistyped, meant):
    page = visit.go(mistyped)
    assert page.locator("h1").inner_text() == "Nothing here (404)"
    page.locator("main a", has_text=meant).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == meant
    assert visit.outside == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/queries/recognition-status",
        "/search?q=Ελλάδα",
        "/resource/greece",  # a state
        "/resource/aleksandar-vucic",  # a person
        "/resource/kfor",  # an organization
        "/resource/ref-22",  # a source
        "/resource/Greece",  # a page that is not there
    ],
)
def test_no_accessibility_violations(visit, path):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: tests/run installs it (npm ci in tests/)")
    page = visit.go(path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .map(v => ({rule: v.id, where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    assert violations == [], violations


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/resource/kfor", "50,000 troops"),
        ("/resource/aleksandar-vucic", "President of Serbia"),
        ("/queries/statements-by-person?speaker=aleksandar-vucic", "Vučić: Serbia will not agree"),
        ("/queries/kfor-strength", "Cite this answer"),
        ("/", "4 of the 32 members do not"),
    ],
)
def test_pages_read_without_javascript(browser, server, path, shown):
    visit = Visit(browser, server, WIDTHS["phone"], javascript=False)
    try:
        page = visit.go(path)
        assert shown in page.locator("main").inner_text()
    finally:
        visit.close()


def test_the_home_page_is_light(browser, server):
    visit = Visit(browser, server, WIDTHS["desktop"])
    try:
        page = visit.go("/")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # every lazy chart in view, loaded
        page.wait_for_load_state("networkidle")
        entries = page.evaluate(
            """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
                 .map(e => ({name: e.name, size: e.transferSize, body: e.encodedBodySize,
                             type: e.initiatorType, blocking: e.renderBlockingStatus}))"""
        )
        assert sum(e["size"] for e in entries) <= 300_000, entries
        blocking_scripts = [e for e in entries if e["type"] == "script" and e["blocking"] == "blocking"]
        assert sum(e["body"] for e in blocking_scripts) <= 50_000, blocking_scripts
        assert not any("yasgui" in e["name"] for e in entries)
    finally:
        visit.close()


def editor(browser, server):
    visit = Visit(browser, server, 1400)
    visit.page.goto(f"{server}/editor")
    return visit, visit.page


def test_a_stored_question_runs_in_the_editor_with_labels_and_the_raw_view_one_click_away(browser, server):
    visit, page = editor(browser, server)
    try:
        assert "kkg:DoesNotRecognize" in page.locator(".CodeMirror").inner_text()  # the first question, ready
        page.click("button[data-question='non-recognizing-nato-members']")
        rows = page.locator(".yasr table.dataTable tbody tr")
        rows.first.wait_for(timeout=15_000)
        first_row = rows.first.locator("td").all_inner_texts()
        assert first_row[1:] == ["Greece", "Greece", "Q41"], first_row  # the state by its label, no datatype
        assert page.locator(".yasr table.dataTable tbody tr td a.iri").first.get_attribute("href") == "/resource/greece"
        page.locator(".yasr .select_table").click()  # YASR's own table: the raw view
        page.locator(".yasr table.dataTable tbody tr").first.wait_for(timeout=10_000)
        raw = page.locator(".yasr table.dataTable tbody tr").first.inner_text()
        assert "kkr:greece" in raw or "https://w3id.org/kosovo-kg/resource/greece" in raw
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "editor.png"))
        assert visit.outside == []
    finally:
        visit.close()


def test_a_stored_question_runs_from_its_parameter_form_in_the_editor(browser, server):
    visit, page = editor(browser, server)
    try:
        page.click("button[data-question='recognized-before']")
        date = page.locator("#param-date")
        assert date.input_value() == "2008-03-01"  # the question's default
        date.fill("2008-02-19")
        page.click("#parameters button.run")
        page.wait_for_function(
            "() => document.querySelectorAll('.yasr table.dataTable tbody tr').length === 5", timeout=15_000
        )
        labels = page.locator(".yasr table.dataTable tbody tr td:nth-child(3)").all_inner_texts()
        assert labels == ["Albania", "France", "Turkey", "United Kingdom", "United States"], labels
        assert '"2008-02-19"^^' in page.locator(".CodeMirror").inner_text()  # the bound value, in the editor
        date.evaluate("input => { input.type = 'text'; input.value = '19/02/2008'; }")
        page.click("#parameters button.run")
        error = page.locator("#parameters-error")
        error.wait_for(state="visible", timeout=10_000)
        assert error.inner_text() == "parameter 'date' must be a date as YYYY-MM-DD, got '19/02/2008'"
        assert visit.outside == []
    finally:
        visit.close()


def test_a_question_page_opens_in_the_editor_with_its_values(browser, server):
    visit = Visit(browser, server, 1400)
    try:
        page = visit.go("/queries/recognized-before?date=2008-02-19")
        page.locator(".downloads a", has_text="Open in the SPARQL editor").click()
        page.wait_for_function(
            "() => document.querySelectorAll('.yasr table.dataTable tbody tr').length === 5", timeout=15_000
        )
        assert '"2008-02-19"^^' in page.locator(".CodeMirror").inner_text()
        assert visit.outside == []
    finally:
        visit.close()


def test_a_syntax_error_is_shown_in_words_in_the_editor(browser, server):
    visit, page = editor(browser, server)
    try:
        page.wait_for_function("() => window.Yasgui !== undefined && document.querySelector('.CodeMirror')")
        page.evaluate(
            "() => { const tab = yasgui.getTab(); tab.setQuery('SELECT * WHERE { ?s ?p }'); tab.getYasqe().query(); }"
        )
        message = page.locator(".yasr .kkg-error")
        message.wait_for(timeout=15_000)
        text = message.inner_text()
        assert "The query failed" in text and "syntax error at line 1" in text, text
        assert "[object Object]" not in page.locator(".yasr").inner_text() and '{"error"' not in text
        assert visit.outside == []
    finally:
        visit.close()
