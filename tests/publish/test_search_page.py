"""publish/search_page.py: the search results page: each entity found linked to its page, with its
type, its description and the name that matched where that is not its label; the query escaped."""

from __future__ import annotations

from kosovo_kg.core.nameindex import Match
from kosovo_kg.namespaces import KKG, KKR
from kosovo_kg.publish.pages import Links
from kosovo_kg.publish.search_page import render_search
from kosovo_kg.publish.site import SiteLinks


def match(label: str, matched: str, language: str = "", description: str = "") -> Match:
    return Match(KKR + "aleksandar-vucic", label, "person", KKG + "Person", 100, matched, language, description)


def results(page: str) -> str:
    return page.split('<ol class="search-results">')[1].split("</ol>")[0]


def test_each_result_links_to_its_page_with_the_name_that_matched():
    page = render_search(
        Links(), "Вучић", None, [match("Aleksandar Vučić", "Александар Вучић", "sr", "President of Serbia")]
    )
    found = results(page)
    assert '<a href="/resource/aleksandar-vucic">Aleksandar Vučić</a> <span class="type">person</span>' in found
    assert '— as <span lang="sr">Александар Вучић</span> (sr)' in found
    assert '<span class="description">President of Serbia</span>' in found
    assert "1 entity named like “Вучић”, best first:" in page


def test_a_result_found_by_its_label_does_not_repeat_it():
    found = results(render_search(Links(), "vucic", None, [match("Aleksandar Vučić", "Aleksandar Vučić", "en")]))
    assert 'class="matched"' not in found and 'class="description"' not in found


def test_the_site_links_and_a_type_are_kept():
    page = render_search(SiteLinks(0), "Vucic", "Person", [match("A", "B"), match("C", "D")])
    assert 'href="resource/aleksandar-vucic.html"' in page
    assert '<input type="hidden" name="type" value="Person">' in page
    assert "2 entities named like “Vucic” (of the type Person), best first:" in page


def test_nothing_found_says_how_names_are_matched_and_markup_is_escaped():
    page = render_search(Links(), '"><script>alert(1)</script>', None, [])
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "Nothing in the graph is named like “&#34;&gt;&lt;script&gt;" in page
    assert 'class="search-results"' not in page
    assert "<h1>Search</h1>" in render_search(Links(), "", None, []) and "Nothing in the graph" not in render_search(
        Links(), "", None, []
    )
