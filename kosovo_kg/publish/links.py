"""Where the pages' links point, and the one check every link and source address passes.

:class:`Links` gives ``serve``'s addresses (``/resource/NAME``, ``/queries/NAME``); the static site of a
release (:class:`kosovo_kg.publish.site.SiteLinks`) gives the same pages relative addresses, so that
it works from any folder or host. Static files are addressed by their content (``site.3f2a….css``):
a new file is a new address, so browsers may keep each one for a year.

:func:`safe_url` is the allow-list every ``href`` and ``src`` the templates write goes through (the
templates' ``url`` filter): an address from the data (a source's URL, an IRI in ``rdfs:seeAlso``)
becomes a link only when its scheme is http, https or mailto, or when it is relative.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from functools import cache
from pathlib import Path

STATIC = Path(__file__).with_name("static")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: What a browser strips from an address before reading its scheme (the URL Standard's C0 control or
#: space at either end; tab and newline anywhere): "java\tscript:" is "javascript:" to a browser.
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: A content-addressed static file's name: its stem, 12 hex digits of its SHA-256, its suffix.
HASHED_NAME = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)")


def safe_url(url: object) -> str | None:
    """``url`` if a page may link to it, else ``None``: http, https, mailto, or relative.

    >>> safe_url("https://doi.org/10.1080/1"), safe_url("../resource/greece.html"), safe_url("/queries/x?a=1")
    ('https://doi.org/10.1080/1', '../resource/greece.html', '/queries/x?a=1')
    >>> [safe_url(u) for u in ("javascript:alert(1)", " JavaScript:x", "java\\tscript:x", "data:text/html,x", "vbscript:x")]
    [None, None, None, None, None]
    >>> safe_url("mailto:a@b.test"), safe_url(None), safe_url("")
    ('mailto:a@b.test', None, None)
    """
    if url is None:
        return None
    text = str(url)
    read = _TAB_OR_NEWLINE.sub("", text.strip(_C0_OR_SPACE))
    if not read:
        return None
    scheme = _SCHEME.match(read)
    if scheme is not None and scheme.group(0)[:-1].lower() not in SAFE_SCHEMES:
        return None
    try:  # what the standard library cannot split is not written as a link either
        urllib.parse.urlsplit(read)
    except ValueError:
        return None
    return text


@cache
def _hashed(path: str, modified_ns: int) -> str:
    digest = hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{path}.{digest}"


def asset(path: str) -> str:
    """A static file's content-addressed name: ``site.css`` -> ``site.3f2a1b4c5d6e.css``."""
    return _hashed(path, (STATIC / path).stat().st_mtime_ns)


def unhashed(name: str) -> str | None:
    """The static file a content-addressed name stands for, if the content still has that hash."""
    match = HASHED_NAME.fullmatch(name)
    if match is None:
        return None
    path = match["stem"] + match["suffix"]
    if not (STATIC / path).is_file() or asset(path) != name:
        return None
    return path


def query_string(params: dict[str, str] | None) -> str:
    given = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return "?" + urllib.parse.urlencode(given) if given else ""


class Links:
    """``serve``'s addresses."""

    #: Whether the pages are served (a SPARQL editor, downloads with any parameters) or static files.
    live = True

    def home(self) -> str:
        return "/"

    def static(self, path: str) -> str:
        return "/static/" + asset(path)

    def resource(self, name: str) -> str:
        return "/resource/" + name

    def resource_pattern(self) -> tuple[str, str]:
        """What comes before and after a resource's name in the address of its page (for scripts)."""
        return "/resource/", ""

    def turtle(self, name: str) -> str:
        """The resource as RDF, for the page's ``<link rel="alternate">`` (serve negotiates it)."""
        return self.resource(name)

    def resource_format(self, name: str, fmt: str) -> str:
        """The resource ``name`` as ``turtle``, ``jsonld`` or ``nt``."""
        return f"{self.resource(name)}?format={fmt}"

    def chart(self, name: str) -> str:
        return f"/charts/{name}.svg"

    def questions(self) -> str:
        return self.home() + "#questions"

    def question(self, name: str, params: dict[str, str] | None = None) -> str:
        return f"/queries/{name}" + query_string(params)

    def download(self, name: str, suffix: str, params: dict[str, str] | None = None) -> str:
        """A stored question's answer as ``csv``, ``tsv``, ``json`` or ``xml``, or its text as ``rq``."""
        return f"/queries/{name}.{suffix}" + query_string(params)

    def editor(self, name: str | None = None, params: dict[str, str] | None = None) -> str | None:
        """The SPARQL editor, opened on a stored question (``None`` where there is no endpoint)."""
        return "/editor" + query_string({"question": name or "", **(params or {})})

    def search(self) -> str:
        return "/search"

    def api(self) -> str | None:
        return "/openapi.json"


__all__ = ["HASHED_NAME", "SAFE_SCHEMES", "STATIC", "Links", "asset", "query_string", "safe_url", "unhashed"]
