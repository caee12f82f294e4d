"""Where the ontology, the data and the stored queries live.

In a source checkout (or an editable install) they are the repository's own folders;
a wheel carries copies of them inside the package, under ``_data``.

The functions that return :class:`pathlib.Path` import pathlib when called; the ones a one-off
query uses (``data_file_paths``, ``query_file_path``, ``query_file_paths``) work on strings,
because importing pathlib (with urllib.parse, fnmatch and ipaddress) costs 18M instructions,
measured with valgrind, against 48M for the whole of ``python -c "import pyoxigraph"``.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

#: The package's folder (this module is in its core/ subpackage).
_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
_root: str | None = None


def root() -> str:
    """The folder that holds ``ontology/``, ``graph/`` and ``queries/``, as a string."""
    global _root
    if _root is None:
        bundled = os.path.join(_PACKAGE, "_data")
        _root = bundled if os.path.isdir(os.path.join(bundled, "ontology")) else os.path.dirname(_PACKAGE)
    return _root


def _path(*parts: str) -> Path:
    from pathlib import Path

    return Path(root(), *parts)


def project_root() -> Path:
    """The folder that holds ``ontology/``, ``graph/`` and ``queries/``."""
    return _path()


def ontology_dir() -> Path:
    return _path("ontology")


def graph_dir() -> Path:
    return _path("graph")


def checks_dir() -> Path:
    return _path("queries", "checks")


def ontology_file() -> Path:
    return _path("ontology", "kosovo.ttl")


def shapes_file() -> Path:
    return _path("ontology", "shapes.ttl")


def context_file() -> Path:
    return _path("ontology", "context.jsonld")


def data_file_paths() -> list[str]:
    """The ontology first, then every Turtle file of ``graph/`` in name order (absolute paths)."""
    folder = os.path.join(root(), "graph")
    turtle = sorted(name for name in os.listdir(folder) if name.endswith(".ttl"))
    return [os.path.join(root(), "ontology", "kosovo.ttl"), *(os.path.join(folder, name) for name in turtle)]


def data_files() -> list[Path]:
    """:func:`data_file_paths` as paths."""
    from pathlib import Path

    return [Path(path) for path in data_file_paths()]


def query_file_path(name: str) -> str:
    """The file of the stored query ``name`` (which may not exist)."""
    return os.path.join(root(), "queries", f"{name}.rq")


def query_file_paths() -> list[str]:
    """Every stored question's file, in name order (quality checks live apart, in ``checks/``)."""
    folder = os.path.join(root(), "queries")
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".rq")]


def shown_in_project(path: str | os.PathLike[str]) -> str:
    """A file as a user sees it, cheaply for the project's own: ``graph/actors.ttl``.

    >>> shown_in_project(os.path.join(root(), "graph", "actors.ttl"))
    'graph/actors.ttl'
    """
    path = os.fspath(path)
    folder = root() + os.sep
    if path.startswith(folder):  # the usual case, without relpath's two abspath calls
        return path[len(folder) :]
    inside = os.path.relpath(path, root())
    return inside if not inside.startswith("..") else display_path(path)


def display_path(path: Path | str) -> str:
    """A path as a user would type it: relative to the project or the working folder when it can be."""
    from pathlib import Path

    path = Path(path)
    try:
        # the folder's links resolved, not the file's own: a link is shown by the name it was given
        # (a dangling link.ttl -> gone.ttl was once reported as "gone.ttl: is a link to ...")
        resolved = path.parent.resolve() / path.name if path.name not in ("", "..") else path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError on Python 3.11), a name too long
        return str(path)
    for base in (project_root(), Path.cwd()):
        try:
            return str(resolved.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


#: Characters a file: URI carries as they are (RFC 3986 unreserved, and the path's slashes).
_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def file_uri(path: Path | str, *, resolved: bool = False) -> str:
    """The ``file:`` URI of a file, which names its graph and is its base IRI.

    ``resolved`` says the path is already absolute with its links resolved (the packaged files
    are): then a path whose characters need no escaping, the usual case, is written out without
    importing pathlib, which a one-off query would pay for. A path that cannot be resolved (a
    symlink loop) is reported as the file that cannot be read.

    >>> file_uri("/srv/graph/polls.ttl", resolved=True), file_uri("/srv/a b.ttl", resolved=True)
    ('file:///srv/graph/polls.ttl', 'file:///srv/a%20b.ttl')
    """
    if resolved and isinstance(path, str) and _URI_SAFE.issuperset(path):
        return "file://" + path
    from pathlib import Path

    from kosovo_kg.errors import LoadError

    path = Path(path)
    try:
        return (path if resolved else path.resolve()).as_uri()
    except (OSError, RuntimeError) as error:  # Python 3.11 reports a symlink loop as RuntimeError
        raise LoadError(display_path(path), f"cannot be read: {getattr(error, 'strerror', None) or error}") from error
