"""The home page: the answers it gives on arrival (who recognizes Kosovo and who does not, the polls,
KFOR's strength, statements on NATO, the timeline), each from its stored question with its sources,
then the charts and every question by topic. The static site's index is the same page with the
release's downloads and its resources by kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kosovo_kg.publish.profiles import timeline
from kosovo_kg.publish.questions import gallery

if TYPE_CHECKING:
    from kosovo_kg.publish.answers import Value
    from kosovo_kg.publish.pages import Pages


def recognition(pages: Pages) -> dict[str, object]:
    """The NATO members that do not recognize Kosovo, and those that do by the date they did."""
    status = pages.table(pages.run("recognition-status"))
    position = {name: i for i, name in enumerate(status.columns)}
    refusing: list[Value] = []
    recognizing: dict[str, list[Value]] = {}
    for row in status.rows:
        state = row.cells[position["state"]][0]
        if row.cells[position["recognizes"]] and row.cells[position["recognizes"]][0].text == "yes":
            date = row.cells[position["date"]][0].text if row.cells[position["date"]] else "date unknown"
            recognizing.setdefault(date, []).append(state)
        else:
            refusing.append(state)
    return {
        "refusing": refusing,
        "recognizing": sorted(recognizing.items()),
        "members": len(status.rows),
        "sources": status.sources,
        "doubts": status.doubts,
    }


def headlines(pages: Pages) -> dict[str, object]:
    """The answers the home page gives on arrival, each from its stored question, with its sources."""
    return {
        "recognition": recognition(pages),
        "polls": pages.table(
            pages.run("poll-trend"),
            only=("pollster", "start", "end", "sample_size", "support", "opposed", "neutral", "poll"),
        ),
        "kfor": pages.table(pages.run("kfor-strength"), only=("date", "troops")),
        "statements": pages.table(
            pages.run("statements-on-nato"), only=("date", "speaker", "role", "stance", "statement", "source")
        ),
        "timeline": timeline(pages.table(pages.run("timeline"), only=("date", "fact", "kind", "source")), limit=None)[
            0
        ],
    }


def home_page(pages: Pages, template: str = "home.html", **extra: Any) -> str:
    """The home page (made once), or with ``extra`` words the site's index in ``template``."""

    def make() -> str:
        return pages.render(
            template,
            title="Kosovo–NATO relations, every fact sourced",
            headlines=headlines(pages),
            gallery=gallery(pages),
            figures={name: pages.figure(name) for name in pages.charts()},
            allow_federation=pages.allow_federation,
            **extra,
        )

    return make() if extra else pages.once("home " + template, make)


__all__ = ["headlines", "home_page", "recognition"]
