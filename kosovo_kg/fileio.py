"""Reading RDF files with clear errors, and writing files atomically."""

from __future__ import annotations

import os
import re
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
    # Oxigraph's JSON-LD parser has no document loader: a remote @context is an error, never a fetch.
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def _read_rdf(path: Path) -> tuple[bytes, ox.RdfFormat]:
    """The bytes and format of an RDF file, or :class:`LoadError` saying why it cannot be used."""
    shown = display_path(path)
    if not path.exists():
        raise LoadError(shown, "no such file")
    if path.is_dir():
        raise LoadError(shown, "is a folder; expected an RDF file (.ttl, .nt, .rdf, .jsonld)")
    rdf_format = _FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(sorted(_FORMATS_BY_SUFFIX))
        raise LoadError(shown, f"unknown file type {path.suffix or '(none)'!r}; expected one of {known}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(shown, f"cannot be read: {error.strerror or error}") from None
    if not data or data.isspace():  # isspace, not strip: no copy of a large file
        raise LoadError(shown, "is empty")
    if rdf_format == ox.RdfFormat.RDF_XML:
        _check_xml_entities(shown, data)
    elif rdf_format == ox.RdfFormat.JSON_LD:
        _check_json_depth(shown, data)
    return data, rdf_format


#: Deepest nesting of JSON objects and arrays read. Oxigraph's JSON-LD parser recurses per level
#: and crashed the process (stack overflow, SIGSEGV) at some 10,000 levels.
MAX_JSON_DEPTH = 512
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


#: Every byte but brackets and newlines, deleted before the depth is counted (fast on big files).
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]\n")


def _check_json_depth(shown: str, data: bytes) -> None:
    brackets = _JSON_STRING.sub(b'""', data).translate(None, _NOT_BRACKETS)
    depth = 0
    for position, byte in enumerate(brackets):
        if byte in b"{[":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = brackets[:position].count(b"\n") + 1
                raise LoadError(
                    shown, f"nests JSON objects or arrays more than {MAX_JSON_DEPTH} deep; refused", line=line
                )
        elif byte in b"}]":
            depth -= 1


#: How much bigger than the file its XML entities may make it when expanded.
_ENTITY_GROWTH_LIMIT = 10_000_000
_ENTITY_DECLARATION = re.compile(rb'<!ENTITY\s+(%\s*)?([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|\'([^\']*)\'|(\w+))')
_ENTITY_REFERENCE = re.compile(rb"&([A-Za-z_][\w.-]*);")


def _check_xml_entities(shown: str, data: bytes) -> None:
    """Refuse XML entities that Oxigraph's RDF/XML parser would expand without bound.

    Internal entities such as ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">`` (Protégé writes
    them) are fine. Entities nested in each other ("billion laughs") made the parser allocate
    until the process aborted, so the expanded size is computed first and capped. External
    (``SYSTEM``/``PUBLIC``) and parameter entities are never loaded.
    """
    declarations = list(_ENTITY_DECLARATION.finditer(data))
    if not declarations:
        return
    values: dict[bytes, bytes] = {}
    for match in declarations:
        line = data[: match.start()].count(b"\n") + 1
        name = match.group(2)
        if match.group(1):
            raise LoadError(shown, f"declares a parameter entity %{name.decode()}; these are not read", line=line)
        if match.group(5) is not None:
            raise LoadError(
                shown,
                f"declares an external entity {name.decode()} ({match.group(5).decode()}); external entities are never loaded",
                line=line,
            )
        values.setdefault(name, match.group(3) if match.group(3) is not None else match.group(4))
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: tuple[bytes, ...] = ()) -> int:
        if name in seen:
            raise LoadError(shown, f"XML entity {name.decode()} refers to itself")
        if name not in sizes:
            value = values.get(name, b"")
            nested = sum(size(ref, (*seen, name)) for ref in _ENTITY_REFERENCE.findall(value) if ref in values)
            sizes[name] = min(len(value) + nested, _ENTITY_GROWTH_LIMIT + 1)
        return sizes[name]

    body = data[declarations[-1].end() :]
    growth = sum(size(ref) for ref in _ENTITY_REFERENCE.findall(body) if ref in values)
    if growth > _ENTITY_GROWTH_LIMIT:
        raise LoadError(
            shown,
            f"its XML entities expand to more than {_ENTITY_GROWTH_LIMIT:,} bytes (nested entities, a 'billion laughs'); refused",
        )


#: A JSON-LD @context given as (or listing) a URL.
_REMOTE_CONTEXT = re.compile(rb'"@context"\s*:\s*(?:\[[^\]]*?)?"(?:https?:)?//')


def _syntax_error(path: Path, error: SyntaxError, data: bytes) -> LoadError:
    # UTF-8 is checked only once the parser has failed: decoding a large file first cost ~10% of its load
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        return LoadError(display_path(path), f"is not valid UTF-8 (byte {bad.start})", line=line)
    message = error.msg
    line, column = error.lineno, error.offset
    if message.startswith("Parser error"):
        message = message.split(": ", 1)[-1]
    if "LoadDocumentCallback" in message:
        message = "a remote JSON-LD @context is not fetched; embed the context in the file"
        found = _REMOTE_CONTEXT.search(data)
        if found and line is None:
            line = data[: found.start()].count(b"\n") + 1
    elif "<!ENTITY" in message:
        message += " (external entities are never loaded)"
    return LoadError(display_path(path), f"syntax error: {message}", line=line, column=column)


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
        raise _syntax_error(path, error, data) from None


def load_file(store: ox.Store, path: Path | str, graph_name: ox.NamedNode) -> None:
    """Load one RDF file into a named graph of the store, parsed in Rust with no Python triples."""
    path = Path(path)
    data, rdf_format = _read_rdf(path)
    try:
        store.load(data, rdf_format, base_iri=path.resolve().as_uri(), to_graph=graph_name)
    except SyntaxError as error:
        raise _syntax_error(path, error, data) from None


def _remove_stale_parts(path: Path) -> None:
    """Delete the temporary files that writers of ``path`` killed midway (SIGKILL, power loss) left.

    A ``.NAME.PID.XXXX.part`` file whose process no longer runs is a leftover; one whose process
    runs may be another export in progress and is kept.
    """
    for part in path.parent.glob(f".{path.name}.*.part"):
        pid = part.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            part.unlink(missing_ok=True)
        except OSError:  # alive but not ours (PermissionError): keep it
            pass


@contextmanager
def atomic_writer(path: Path | str, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    An error or a kill midway leaves any previous file at ``path`` untouched. An error removes
    the temporary file at once; a kill (SIGKILL) cannot, so its ``.NAME.PID.XXXX.part`` stays
    until the next write to ``path`` removes it.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{display_path(path)}: folder {display_path(folder)} does not exist")
    if path.is_dir():
        raise ExportError(f"{display_path(path)}: is a folder; give a file name")
    import tempfile

    _remove_stale_parts(path)
    try:
        # The writer's process id is in the name, so a later write can tell a leftover from a live one.
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=folder)
    except OSError as error:
        raise ExportError(f"{display_path(path)}: cannot write here: {error.strerror or error}") from None
    try:
        os.fchmod(handle, _mode_for(path))  # mkstemp makes it 0600: give what a plain write would
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(handle, mode, encoding=encoding) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:  # a full disk, a file that became a folder: the message, not a traceback
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"{display_path(path)}: cannot be written: {error.strerror or error}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permissions the file keeps (when it exists) or a new file gets (under the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
