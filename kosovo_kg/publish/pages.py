"""The HTML pages, one set of Jinja2 templates (``templates/``) for ``serve`` and for the static site.

:class:`Pages` holds what every page shares (the graph's names, the links, the release, what is the
same on every request, made once) and renders the error pages. The home page is :mod:`kosovo_kg.publish.home`'s, a
page per stored question and the SPARQL editor :mod:`kosovo_kg.publish.questions`'s, an entity's
profile :mod:`kosovo_kg.publish.profiles`'s; they render through :meth:`Pages.render` from answers they are given (``serve`` runs queries in its
workers, the site in the release's own process).
"""

from __future__ import annotations

import difflib
import json
import re
import threading
import urllib.parse
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kosovo_kg.namespaces import KKR, shorten
from kosovo_kg.publish.answers import AnswerTable, Reader, Value, answer_table, linked_text
from kosovo_kg.publish.citing import Release
from kosovo_kg.publish.links import Links, safe_url
from kosovo_kg.publish.lookup import Doubt, Lookup
from kosovo_kg.querying.catalogue import StoredQuery, catalogue, get_stored_query
from kosovo_kg.querying.pipeline import QueryOptions, evaluate, prepare

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph
    from kosovo_kg.querying.results import Result

TEMPLATES = Path(__file__).with_name("templates")
SITE_NAME = "kosovo-kg"
SITE_DESCRIPTION = (
    "Kosovo–NATO relations as a knowledge graph: which NATO members recognize Kosovo, polls on membership, "
    "KFOR's strength, who said what about NATO — every fact dated and linked to its source."
)
#: What the search box's label says, on every page.
SEARCH_LABEL = "Search the graph"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
#: Every href and src the templates write passes through this filter (see links.safe_url).
_environment.filters["url"] = lambda value: safe_url(value) or ""
_environment.filters["tojson_pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2)

Made = TypeVar("Made")


#: What an HTML document may not hold, even escaped (HTML's "control-character-in-input-stream",
#: "noncharacter-in-input-stream" and "surrogate-in-input-stream" errors): C0 controls but tab, line
#: feed, form feed and carriage return; DEL and the C1 controls; surrogates; noncharacters.
_NOT_IN_HTML = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)


def render(template: str, **context: Any) -> str:
    r"""A page, every character of the data that HTML cannot hold shown as U+FFFD.

    Autoescaping makes markup of the data inert; these characters need no markup to be wrong (a NUL
    or an ESC in a label is a parse error wherever it lands). The templates hold none, so only the
    data's are replaced, here, once for every page of serve and the site.

    >>> _NOT_IN_HTML.sub("\ufffd", "a\x00b\x1b[31mc\td\u0085e\U0010ffff")
    'a\ufffdb\ufffd[31mc\td\ufffde\ufffd'
    """
    return _NOT_IN_HTML.sub("\ufffd", _environment.get_template(template).render(**context))


class Pages:
    """Renders the pages; what is the same on every request is made once and kept."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        allow_federation: bool,
        links: Links | None = None,
        release: Release | Callable[[], Release] | None = None,
    ):
        self.kg, self.allow_federation = kg, allow_federation
        self.links = links or Links()
        self._release = release
        self._made: dict[str, object] = {}
        self._lock = threading.RLock()

    def once(self, key: str, make: Callable[[], Made]) -> Made:
        with self._lock:
            if key not in self._made:
                self._made[key] = make()
            return self._made[key]  # type: ignore[return-value]

    @cached_property
    def lookup(self) -> Lookup:
        return Lookup(self.kg)

    @property
    def labels(self) -> dict[str, str]:
        return self.kg.labels

    @cached_property
    def reader(self) -> Reader:
        return Reader(self.lookup, self.links)

    @property
    def release(self) -> Release | None:
        if callable(self._release):
            self._release = self.once("release", self._release)
        return self._release

    def page_url(self, path: str) -> str | None:
        """A page's address where the site's is known (a release built with --base-url)."""
        release = self.release
        return release.url + path if release is not None and release.url else None

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or shorten(iri)

    def run(self, name: str, params: dict[str, str] | None = None) -> Result:
        """A stored question's answer from the graph held here (the home page's, the site's)."""
        options = QueryOptions()
        return evaluate(prepare(get_stored_query(name), params or {}, options, self.kg), self.kg, options)

    def table(self, result: Result, **columns: tuple[str, ...]) -> AnswerTable:
        return answer_table(result, self.lookup, self.links, **columns)

    def doubt_parts(self, doubt: Doubt) -> dict[str, object]:
        return {
            "about": self.reader.resource(doubt.about),
            "text": linked_text(doubt.text, self.reader),
            "by": [self.reader.resource(s) for s in doubt.disputed_by],
        }

    def context(self, **page: Any) -> dict[str, Any]:
        """What every template is given: the links, the page's own words, and the helpers."""
        return {
            "links": self.links,
            "site_name": SITE_NAME,
            "search_label": SEARCH_LABEL,
            "description": SITE_DESCRIPTION,
            "canonical": None,
            "og_type": "website",
            "doubt_parts": self.doubt_parts,
            "source_value": self.reader.resource,
            "release": self.release,
            **page,
        }

    def render(self, template: str, **page: Any) -> str:
        return render(template, **self.context(**page))

    # --- the questions ---------------------------------------------------------------------

    def runnable(self, query: StoredQuery) -> bool:
        return self.allow_federation or not query.federated

    def figure(self, chart: str) -> dict[str, object]:
        """A chart as a page shows it: its title, what it shows, its key facts with their sources, and the
        doubts recorded on what it plots."""

        def make() -> dict[str, object]:
            from kosovo_kg.publish.charts.data import CHARTS, chart_data, key_facts

            query, description = CHARTS[chart]
            data = chart_data(chart, self.kg)
            sources = self.lookup.source_by_label
            facts = [
                (text, [self.reader.source(sources[s]) if s in sources else Value(s) for s in found])
                for text, found in key_facts(data)
            ]
            doubts = self.table(self.run(query)).doubts
            return {
                "name": chart,
                "title": data.title,
                "description": description,
                "query": query,
                "facts": facts,
                "doubts": doubts,
            }

        return self.once("figure " + chart, make)

    def charts(self) -> list[str]:
        from kosovo_kg.publish.charts.data import CHARTS

        return list(CHARTS)

    def chart_of(self, query: str) -> str | None:
        from kosovo_kg.publish.charts.data import CHARTS

        return next((name for name, (drawn, _) in CHARTS.items() if drawn == query), None)

    # --- the error pages ----------------------------------------------------------------------

    def suggestions(self, path: str) -> list[Value]:
        """Pages close to an address that names none: resources by name or label, stored questions by name."""
        tail = path.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            tail = tail.removesuffix(suffix)
        if path.startswith(("/queries/", "/api/queries/")):
            questions = difflib.get_close_matches(tail, list(catalogue()), n=5, cutoff=0.5)
            return [Value(catalogue()[n].summary, self.links.question(n)) for n in questions]
        # the name index: "/resource/Greec", "/resource/Vucic" or "/resource/Ελλάδα" find their entity
        wanted = urllib.parse.unquote(tail).replace("-", " ").replace("_", " ")
        found = [m.iri for m in self.kg.name_index.search(wanted, limit=10) if m.iri.startswith(KKR)]
        return [self.reader.resource(iri) for iri in found[:5]]

    def error(self, status: int, message: str, path: str = "") -> str:
        titles = {400: "This request cannot be answered", 403: "Refused", 404: "Nothing here", 405: "Not allowed"}
        return self.render(
            "error.html",
            title=f"{titles.get(status, 'Something went wrong')} ({status})",
            description=message,
            status=status,
            message=message,
            suggestions=self.suggestions(path) if status == 404 else [],
        )


__all__ = ["SEARCH_LABEL", "SITE_DESCRIPTION", "SITE_NAME", "TEMPLATES", "Pages", "render"]
