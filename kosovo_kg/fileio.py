"""Reading RDF files with clear errors, and writing files atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import ExportError, LoadError
from .paths import display_path

_FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def _read_rdf(path: Path) -> tuple[bytes, ox.RdfFormat]:
    """The bytes and format of an RDF file, or :class:`LoadError` saying why it cannot be used."""
    shown = display_path(path)
    if not path.exists():
        raise LoadError(shown, "no such file")
    if path.is_dir():
        raise LoadError(shown, "is a folder; expected an RDF file (.ttl, .nt, .rdf)")
    rdf_format = _FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(sorted(_FORMATS_BY_SUFFIX))
        raise LoadError(shown, f"unknown file type {path.suffix or '(none)'!r}; expected one of {known}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(shown, f"cannot be read: {error.strerror or error}") from None
    if not data.strip():
        raise LoadError(shown, "is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LoadError(shown, f"is not valid UTF-8 (byte {error.start})", line=line) from None
    return data, rdf_format


def _syntax_error(path: Path, error: SyntaxError) -> LoadError:
    message = error.msg
    if message.startswith("Parser error"):
        message = message.split(": ", 1)[-1]
    return LoadError(display_path(path), f"syntax error: {message}", line=error.lineno, column=error.offset)


def parse_file(path: Path | str) -> list[ox.Triple]:
    """Parse one RDF file into triples; a bad file raises :class:`LoadError` naming file and line.

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = bad.write_text('@prefix ex: <http://x.test/> .\\nex:a ex:b "unclosed .\\n')
    >>> try:
    ...     parse_file(bad)
    ... except LoadError as error:
    ...     print(error.line, "unexpected end of file" in error.message.lower())
    2 True
    """
    path = Path(path)
    data, rdf_format = _read_rdf(path)
    try:
        return [quad.triple for quad in ox.parse(data, rdf_format, base_iri=path.resolve().as_uri())]
    except SyntaxError as error:
        raise _syntax_error(path, error) from None


def load_file(store: ox.Store, path: Path | str, graph_name: ox.NamedNode) -> None:
    """Load one RDF file into a named graph of the store, parsed in Rust with no Python triples."""
    path = Path(path)
    data, rdf_format = _read_rdf(path)
    try:
        store.load(data, rdf_format, base_iri=path.resolve().as_uri(), to_graph=graph_name)
    except SyntaxError as error:
        raise _syntax_error(path, error) from None


@contextmanager
def atomic_writer(path: Path | str, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    An error or a kill midway leaves any previous file at ``path`` untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{display_path(path)}: folder {display_path(folder)} does not exist")
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise ExportError(f"{display_path(path)}: cannot write here: {error.strerror or error}") from None
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(handle, mode, encoding=encoding) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def make_readable(path: Path | str) -> None:
    """Give a file written by :func:`atomic_writer` (its temporary file is created 0600) the
    permissions a new file gets, for files meant to be shared such as pictures and web pages."""
    umask = os.umask(0)
    os.umask(umask)
    Path(path).chmod(0o666 & ~umask)
