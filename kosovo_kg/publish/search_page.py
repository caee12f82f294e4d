"""The search results page (``/search`` on serve), through the pages' templates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kosovo_kg.namespaces import KKR

if TYPE_CHECKING:
    from kosovo_kg.core.nameindex import Match
    from kosovo_kg.publish.pages import Pages


def render_search(pages: Pages, query: str, type_: str | None, found: list[Match]) -> str:
    """The page for ``query``: each entity found with its type, a one-line description, and the
    name that matched in its language where that is not the label."""
    results = [
        {
            "href": pages.links.resource(match.iri[len(KKR) :]),
            "label": match.label,
            "type": match.type,
            "description": match.description,
            "matched": match.matched if match.matched != match.label else "",
            "language": match.language,
            "score": match.score,
        }
        for match in found
    ]
    return pages.render(
        "search.html",
        title=f"Search: “{query}”" if query else "Search",
        description="Entities of the kosovo-kg graph named like what you typed, in any language or spelling.",
        query=query,
        type=type_,
        results=results,
    )


__all__ = ["render_search"]
