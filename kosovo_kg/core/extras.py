"""The optional parts of the install: a command that needs one that is missing says which to install.

The core install carries what querying, exporting and validating need (pyoxigraph, rdflib,
pyshacl, owlready2, Jinja2). The extras carry the rest: ``web`` for ``serve``, ``charts`` for the
charts, ``docs`` for the ontology's documentation, ``release`` for releases (with charts and docs,
and PyYAML for CITATION.cff), ``names`` for regenerating graph/names.ttl;
``all`` is every one of them (the README's set-up installs it).
"""

from __future__ import annotations

from kosovo_kg.errors import MissingTool

#: extra -> the modules it installs that the code imports
EXTRAS = {
    "web": ("starlette", "uvicorn"),
    "charts": ("matplotlib",),
    "docs": ("pylode",),
    "release": ("yaml",),
    "names": ("babel", "cyrtranslit"),
}


def require_extra(extra: str, purpose: str) -> None:
    """Raise :class:`MissingTool` (exit 3, HTTP 503) naming the extra to install when any module
    of ``extra`` is missing. Looked up without importing them (``find_spec``), so the check is cheap.

    >>> require_extra("charts", "kosovo-kg chart")  # installed here
    """
    from importlib.util import find_spec

    missing = [module for module in EXTRAS[extra] if find_spec(module) is None]
    if missing:
        raise MissingTool(
            f"{purpose} needs the '{extra}' extra ({', '.join(missing)} not installed): "
            f"pip install 'kosovo-kg[{extra}]'"
        )


__all__ = ["EXTRAS", "require_extra"]
