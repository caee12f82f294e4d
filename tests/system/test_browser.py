"""The query UI and an entity page in a real browser: Playwright driving Debian's Chromium
(/usr/bin/chromium, installed by tests/run), headless, with no internet."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TESTS, kosovo_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = TESTS / "screenshots"


@pytest.fixture(scope="module")
def server(kg):
    with kosovo_server(kg, timeout=5) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed at /usr/bin/chromium: tests/run installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        try:
            yield launched
        finally:
            launched.close()


def test_run_a_stored_question_in_the_ui_and_see_its_rows(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(server) else None)
    page.goto(f"{server}/")
    page.click("button[data-question='non-recognizing-nato-members']")
    table = page.locator(".yasr table tbody tr")
    table.first.wait_for(timeout=15_000)
    text = page.locator(".yasr").inner_text()
    for state in ("Greece", "Romania", "Slovakia", "Spain"):
        assert state in text
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "query-ui.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert [url for url in outside if not url.startswith("data:")] == []  # no CDN, no outside request
    page.close()


def watch_requests(page, server: str) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith((server, "data:", "blob:")) else None,
    )
    return outside


def test_the_ui_opens_on_a_question_and_shows_labels_with_the_raw_view_one_click_away(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside = watch_requests(page, server)
    page.goto(f"{server}/")
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
    assert outside == []
    page.close()


def test_a_stored_question_runs_from_its_parameter_form(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside = watch_requests(page, server)
    page.goto(f"{server}/")
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
    page.screenshot(path=str(SCREENSHOTS / "parameter-form.png"))
    # a value the parameter cannot take is told in words beside the form
    date.evaluate("input => { input.type = 'text'; input.value = '19/02/2008'; }")
    page.click("#parameters button.run")
    error = page.locator("#parameters-error")
    error.wait_for(state="visible", timeout=10_000)
    assert error.inner_text() == "parameter 'date' must be a date as YYYY-MM-DD, got '19/02/2008'"
    assert outside == []
    page.close()


def test_a_syntax_error_is_shown_in_words(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside = watch_requests(page, server)
    page.goto(f"{server}/")
    page.evaluate(
        "() => { const tab = yasgui.getTab(); tab.setQuery('SELECT * WHERE { ?s ?p }'); tab.getYasqe().query(); }"
    )
    message = page.locator(".yasr .kkg-error")
    message.wait_for(timeout=15_000)
    text = message.inner_text()
    assert "The query failed" in text and "syntax error at line 1" in text, text
    assert "[object Object]" not in page.locator(".yasr").inner_text() and '{"error"' not in text
    page.screenshot(path=str(SCREENSHOTS / "syntax-error.png"))
    assert outside == []
    page.close()


def test_an_entity_page_shows_its_sourced_facts(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/resource/vjosa-osmani")
    assert page.locator("h1").inner_text() == "Vjosa Osmani"
    facts = page.locator("table.facts").inner_text()
    assert "Osmani: NATO membership imperative; asks the United States for help" in facts
    assert "2022-03" in facts and "[11] Reuters 2022" in facts
    page.click("text=Osmani: NATO membership imperative; asks the United States for help")
    assert "imperative" in page.locator("table.properties").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "entity-page.png"), full_page=True)
    page.close()


def test_the_home_page_charts_load_from_the_server_alone(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(server) else None)
    page.goto(f"{server}/")
    images = page.locator("#charts figure img")
    assert images.count() == 4
    for index in range(4):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=30_000
        )
    page.locator("#chart-recognition").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "home-charts.png"))
    assert "4 do not: Greece, Romania, Slovakia, Spain" in page.locator("#chart-recognition figcaption").inner_text()
    assert [url for url in outside if not url.startswith("data:")] == []
    page.close()
