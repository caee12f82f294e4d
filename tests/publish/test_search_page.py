"""publish/search_page.py: the search results page: each entity found linked to its page, with its
type, its description and the name that matched where that is not its label; the query escaped; on
the static site, the page the browser's search fills in."""

from __future__ import annotations

import pytest

from kosovo_kg.core.nameindex import Match
from kosovo_kg.namespaces import KKG, KKR
from kosovo_kg.publish.pages import Pages
from kosovo_kg.publish.search_page import render_search
from kosovo_kg.publish.site import SiteLinks


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False)


def match(label: str, matched: str, language: str = "", description: str = "") -> Match:
    return Match(KKR + "aleksandar-vucic", label, "person", KKG + "Person", 100, matched, language, description)


def results(page: str) -> str:
    return page.split('<ol class="search-results">')[1].split("</ol>")[0]


def test_each_result_links_to_its_page_with_the_name_that_matched(pages):
    found = [match("Aleksandar Vučić", "Александар Вучић", "sr", "President of Serbia")]
    page = render_search(pages, "Вучић", None, found)
    listed = results(page)
    assert '<a href="/resource/aleksandar-vucic">Aleksandar Vučić</a> <span class="type">person</span>' in listed
    assert '— as <span lang="sr">Александар Вучић</span> (sr)' in listed
    assert '<span class="description">President of Serbia</span>' in listed
    assert "<h1>Search: “Вучић”</h1>" in page and "1 entity named like “Вучић”, best first:" in page


def test_a_result_found_by_its_label_does_not_repeat_it_and_a_type_is_kept(pages):
    page = render_search(
        pages, "vucic", "Person", [match("Aleksandar Vučić", "Aleksandar Vučić", "en"), match("A", "B")]
    )
    assert 'class="matched"' not in results(page).split("</li>")[0]
    assert '<input type="hidden" name="type" value="Person">' in page
    assert "2 entities named like “vucic” (of the type Person), best first:" in page


def test_nothing_found_says_how_names_are_matched_and_markup_is_escaped(pages):
    page = render_search(pages, '"><script>alert(1)</script>', None, [])
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "Nothing in the graph is named like “&#34;&gt;&lt;script&gt;" in page
    assert 'class="search-results"' not in page
    empty = render_search(pages, "", None, [])
    assert "<h1>Search</h1>" in empty and "Nothing in the graph" not in empty


def test_the_static_sites_page_is_filled_by_the_browser_from_the_index(kg):
    page = render_search(Pages(kg, allow_federation=False, links=SiteLinks(0)), "", None, [])
    assert '<ol id="search-results" class="search-results" aria-live="polite"></ol>' in page
    assert '<script src="search-index.js" defer></script>' in page and "nothing is sent anywhere" in page
