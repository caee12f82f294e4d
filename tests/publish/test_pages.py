"""publish/pages.py: what every page shares (labels, the release's address) and the pages rendered
here: the error pages with their suggestions. The home page is tests/publish/test_home.py's, a
question's page and the editor tests/publish/test_questions.py's, a profile tests/publish/test_profiles.py's;
through serve, tests/web/routes/test_pages.py's."""

from __future__ import annotations

import pytest

from kosovo_kg.namespaces import KKR
from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.pages import Pages


@pytest.fixture(scope="module")
def pages(kg):
    return Pages(kg, allow_federation=False, release=Release("2026.11.30", "2026-11-30"))


def test_a_label_is_the_graphs_english_label_or_the_prefixed_name(pages):
    assert pages.label(KKR + "kosovo") == "Kosovo"
    assert pages.label(KKR + "nowhere") == "kkr:nowhere"


def test_a_page_url_is_known_only_for_a_release_with_a_base_url(kg, pages):
    assert pages.page_url("queries/x.html") is None
    released = Pages(kg, False, release=lambda: Release("2026.11.30", "2026-11-30", url="https://x.test/"))
    assert released.page_url("queries/x.html") == "https://x.test/queries/x.html"


def test_a_missing_page_suggests_resources_and_questions_by_name(pages):
    assert [v.text for v in pages.suggestions("/resource/Greec")][:1] == ["Greece"]
    assert pages.suggestions("/queries/kfor-strenght")[0].href.endswith("kfor-strength")
    page = pages.error(404, "no resource kkr:Greec in the graph", "/resource/Greec")
    assert "Nothing here (404)" in page and 'href="/resource/greece"' in page
    refused = pages.error(400, "bad request", "/resource/Greec")
    assert 'href="/resource/greece"' not in refused  # suggestions for a 404 only
