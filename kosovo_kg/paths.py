"""Where the ontology, the data and the stored queries live.

In a source checkout (or an editable install) they are the repository's own folders;
a wheel carries copies of them inside the package, under ``_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_root() -> Path:
    """The folder that holds ``ontology/``, ``graph/`` and ``queries/``."""
    bundled = _PACKAGE / "_data"
    if (bundled / "ontology").is_dir():
        return bundled
    return _PACKAGE.parent


def ontology_dir() -> Path:
    return project_root() / "ontology"


def graph_dir() -> Path:
    return project_root() / "graph"


def queries_dir() -> Path:
    return project_root() / "queries"


def checks_dir() -> Path:
    return queries_dir() / "checks"


def ontology_file() -> Path:
    return ontology_dir() / "kosovo.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"


def data_files() -> list[Path]:
    """The ontology first, then every Turtle file of ``graph/`` in name order."""
    return [ontology_file(), *sorted(graph_dir().glob("*.ttl"))]


def display_path(path: Path | str) -> str:
    """A path as a user would type it: relative to the project or the working folder when it can be."""
    path = Path(path)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError on Python 3.11), a name too long
        return str(path)
    for base in (project_root(), Path.cwd()):
        try:
            return str(resolved.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)
