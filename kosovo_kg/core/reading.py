"""Reading what users give: RDF files and query files, refused with a clear error naming the file and
line when they cannot be used (a device, a FIFO, too large, malformed), never half read."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pyoxigraph as ox

from kosovo_kg.core.paths import display_path, file_uri
from kosovo_kg.errors import LoadError

RDF_FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    # Oxigraph's JSON-LD parser has no document loader: a remote @context is an error, never a fetch.
    ".jsonld": ox.RdfFormat.JSON_LD,
}


#: The largest query file read (a query is text a person wrote; 16 MiB is far beyond any).
MAX_QUERY_BYTES = 16 << 20
#: What Oxigraph's parsers hold of one token (a literal, an IRI) at most; beyond it they fail.
MAX_TOKEN_BYTES = 16 << 20


def regular_file(path: Path, what: str = "an RDF file (.ttl, .nt, .rdf, .jsonld)") -> os.stat_result:
    """The file's status, or :class:`LoadError` when it is not a regular file that can be read.

    Devices and FIFOs are refused before anything reads them: ``/dev/zero`` never ends and a
    FIFO blocks until someone writes to it.
    """
    shown = display_path(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        missing = "is a link to a file that does not exist" if path.is_symlink() else "no such file"
        raise LoadError(shown, missing) from None
    except OSError as error:  # a symlink loop, a name too long, a folder without permission
        raise LoadError(shown, f"cannot be read: {error.strerror or error}") from error
    except RuntimeError as error:  # Python 3.11's pathlib reports a symlink loop this way
        raise LoadError(shown, f"cannot be read: {error}") from error
    if stat.S_ISDIR(status.st_mode):
        raise LoadError(shown, f"is a folder; expected {what}")
    if not stat.S_ISREG(status.st_mode):
        raise LoadError(shown, f"is not a regular file (a device, FIFO or socket); expected {what}")
    return status


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """A regular file's bytes, at most ``limit`` of them, else :class:`LoadError` saying so."""
    shown = display_path(path)
    size = regular_file(path, what).st_size
    if size > limit:
        raise LoadError(shown, f"is larger than the limit of {limit >> 20} MiB for {what}")
    try:
        # O_NONBLOCK: should a FIFO take the file's place after the check, opening it does not wait
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise LoadError(shown, f"is not a regular file (a device, FIFO or socket); expected {what}")
            data = stream.read(size + 1)
    except OSError as error:
        raise LoadError(shown, f"cannot be read: {error.strerror or error}") from error
    except MemoryError:
        raise LoadError(shown, f"cannot be read: not enough memory for its {size:,} bytes") from None
    if len(data) > size:  # it grew while being read
        raise LoadError(shown, f"is larger than the limit of {limit >> 20} MiB for {what}")
    return data


def read_query_file(path: Path | str) -> tuple[str, str]:
    """The name to show and the text of a query file (``-`` is standard input).

    >>> import tempfile, pathlib
    >>> query = pathlib.Path(tempfile.mkdtemp()) / "q.rq"
    >>> _ = query.write_bytes(b"ASK {}\\n\\xff")
    >>> read_query_file(query)
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.LoadError: .../q.rq:2: is not valid UTF-8 (byte 7)
    """
    import sys

    path = Path(path)
    if str(path) == "-":
        shown = "<stdin>"
        data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        if len(data) > MAX_QUERY_BYTES:
            raise LoadError(shown, f"is larger than the limit of {MAX_QUERY_BYTES >> 20} MiB for a query")
    else:
        shown = display_path(path)
        data = read_limited(path, MAX_QUERY_BYTES, "a query (.rq)")
    try:
        return shown, data.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise LoadError(
            shown, f"is not valid UTF-8 (byte {bad.start})", line=data.count(b"\n", 0, bad.start) + 1
        ) from bad


def _rdf_format(path: Path) -> ox.RdfFormat:
    rdf_format = RDF_FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(sorted(RDF_FORMATS_BY_SUFFIX))
        raise LoadError(display_path(path), f"unknown file type {path.suffix or '(none)'!r}; expected one of {known}")
    return rdf_format


def _read_rdf(path: Path) -> tuple[bytes | None, ox.RdfFormat]:
    """The format of an RDF file, with its bytes where they must be checked before parsing
    (RDF/XML's entities, JSON-LD's depth), or :class:`LoadError` saying why it cannot be used.

    Turtle and N-Triples are left for Oxigraph to read from the file itself (``None``): a copy
    in Python would add the file's size to the peak memory of a load.
    """
    shown = display_path(path)
    regular_file(path)
    rdf_format = _rdf_format(path)
    if rdf_format not in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        if _occurrences(path, b"<<", NESTING_WORTH_A_TRIAL) >= NESTING_WORTH_A_TRIAL:
            _refuse_what_crashes_the_parser(path, rdf_format)
        return None, rdf_format
    data = read_limited(path, 1 << 40, "an RDF file")
    if not data or data.isspace():  # isspace, not strip: no copy of a large file
        # no triples: an empty graph, as an empty Turtle file is (RDF/XML and JSON-LD would
        # otherwise fail on the missing root element or object)
        return data, rdf_format
    if rdf_format == ox.RdfFormat.RDF_XML:
        _check_xml_entities(shown, data)
        # RDF 1.2's triple terms are elements with rdf:parseType="Triple": every parseType counts but
        # the three kinds RDF 1.1 has, written plainly (the value may hide behind character
        # references; an attribute's name cannot)
        plain = len(re.findall(_PLAIN_PARSE_TYPE, data))
        if data.count(b"parseType") - plain >= NESTING_WORTH_A_TRIAL:
            _refuse_what_crashes_the_parser(path, rdf_format)
    else:
        _check_json_depth(shown, data)
    return data, rdf_format


_PLAIN_PARSE_TYPE = rb"""parseType\s*=\s*(["'])(?:Collection|Resource|Literal)\1"""
#: Fewer quoted triples or triple terms than this cannot nest deep enough to overflow a stack
#: (8 MiB overflowed at some 20,000 levels, so 1,000 need about 400 KiB): the file is parsed once.
NESTING_WORTH_A_TRIAL = 1000


def _occurrences(path: Path, needle: bytes, enough: int) -> int:
    """How many times ``needle`` is in the file, counted up to ``enough``, searched in place
    (mapped, not copied)."""
    import mmap

    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return 0
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            count, at = 0, mapped.find(needle)
            while at >= 0 and count < enough:
                count, at = count + 1, mapped.find(needle, at + len(needle))
            return count


def _refuse_what_crashes_the_parser(path: Path, rdf_format: ox.RdfFormat) -> None:
    """Raise :class:`LoadError` if reading the file kills a process: read first in a forked child.

    Oxigraph reads quoted triples and triple terms (``<< >>``, ``<<( )>>``) by recursion, and some
    20,000 nested overflow its stack (SIGSEGV, the whole command gone, with nothing said). Counting
    them before Oxigraph does would take a second Turtle lexer, and any way it read the file
    differently would let a file through; so the operating system tells instead. The child does
    what a command then does with the data (load, read every quad, serialize) and leaves; a child
    killed by a signal means the file is refused. Only a file with at least
    :data:`NESTING_WORTH_A_TRIAL` quoted triples pays this, about a second parse. (Where there is
    no fork, on Windows, the file is left to Oxigraph.)
    """
    import signal

    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # the child: read it all, then leave at once, whatever happened
        try:
            import faulthandler
            import resource

            faulthandler.disable()  # its crash is the answer, not a traceback on the user's terminal
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # nor a core dump of the loaded graph
            store = ox.Store()
            store.load(path=path, format=rdf_format, base_iri=file_uri(path))
            for _quad in store:
                pass
            with open(os.devnull, "wb") as nowhere:
                store.dump(nowhere, ox.RdfFormat.N_QUADS)
        finally:
            os._exit(0)
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:  # interrupted: the child goes too
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        if os.WTERMSIG(status) == signal.SIGKILL:  # the kernel's out-of-memory killer, or someone
            raise LoadError(display_path(path), "the process reading it was killed (SIGKILL; out of memory?)")
        raise LoadError(
            display_path(path),
            f"Oxigraph's parser crashed reading it ({name}), as it does on quoted triples or triple terms "
            '(<< >>, rdf:parseType="Triple") nested thousands deep; refused',
        )


#: Deepest nesting of JSON objects and arrays read. Oxigraph's JSON-LD parser recurses per level
#: and crashed the process (stack overflow, SIGSEGV) at some 10,000 levels.
MAX_JSON_DEPTH = 512
_JSON_STRING = rb'"(?:[^"\\]|\\.)*"'  # patterns compiled by re on first use


#: Every byte but brackets and newlines, deleted before the depth is counted (fast on big files).
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]\n")


def _check_json_depth(shown: str, data: bytes) -> None:
    brackets = re.sub(_JSON_STRING, b'""', data).translate(None, _NOT_BRACKETS)
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
#: An XML name is any run of characters but these, whatever its script: the checks below must
#: see every entity a parser would (a billion laughs named in Greek was once missed, and Oxigraph
#: aborted on a 2.4 GB allocation).
_NAME = rb"""[^\s%"'<>&;]+"""
_ENTITY_DECLARATION = rb"<!ENTITY\s+(%\s*)?(" + _NAME + rb""")\s+(?:"([^"]*)"|'([^']*)'|(\w+))"""
_ENTITY_REFERENCE = rb"&(" + _NAME + rb");"


def _check_xml_entities(shown: str, data: bytes) -> None:
    """Refuse XML entities that Oxigraph's RDF/XML parser would expand without bound.

    Internal entities such as ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">`` (Protégé writes
    them) are fine. An entity whose value refers to anything (another entity, or a character
    reference, which XML expands when it declares the entity and so can spell a reference) is
    refused: nested entities are how a "billion laughs" grows, and no file needs them. What the
    flat ones add when expanded is capped. External (``SYSTEM``/``PUBLIC``) and parameter entities
    are never loaded. A declaration these checks cannot read is refused rather than left to the
    parser.
    """
    if b"<!ENTITY" not in data:
        return
    declarations = list(re.finditer(_ENTITY_DECLARATION, data))
    if len(declarations) != data.count(b"<!ENTITY"):
        line = data[: data.index(b"<!ENTITY")].count(b"\n") + 1
        raise LoadError(shown, "declares an XML entity in a form that cannot be checked; refused", line=line)
    values: dict[bytes, bytes] = {}
    for match in declarations:
        line = data[: match.start()].count(b"\n") + 1
        name = match.group(2).decode("utf-8", "replace")
        if match.group(1):
            raise LoadError(shown, f"declares a parameter entity %{name}; these are not read", line=line)
        if match.group(5) is not None:
            raise LoadError(
                shown,
                f"declares an external entity {name} ({match.group(5).decode('utf-8', 'replace')}); external entities are never loaded",
                line=line,
            )
        value = match.group(3) if match.group(3) is not None else match.group(4)
        if b"&" in value or b"%" in value:
            raise LoadError(
                shown,
                f"XML entity {name} refers to other entities or characters; nested entities (a 'billion laughs') are not read",
                line=line,
            )
        values.setdefault(match.group(2), value)
    body = data[declarations[-1].end() :]
    growth = sum(len(values[ref]) for ref in re.findall(_ENTITY_REFERENCE, body) if ref in values)
    if growth > _ENTITY_GROWTH_LIMIT:
        raise LoadError(shown, f"its XML entities expand to more than {_ENTITY_GROWTH_LIMIT:,} bytes; refused")


#: A JSON-LD @context given as (or listing) a URL.
_REMOTE_CONTEXT = rb'"@context"\s*:\s*(?:\[[^\]]*?)?"(?:https?:)?//'


def _head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError:
        return b""


def _first_invalid_utf8(path: Path, data: bytes | None) -> tuple[int, int] | None:
    """The offset and line of the first byte that is not UTF-8; a file not in memory is read a
    megabyte at a time (a 2 GB file is never read whole)."""
    import codecs

    if data is not None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            return bad.start, data.count(b"\n", 0, bad.start) + 1
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    try:
        with path.open("rb") as stream:
            while True:
                chunk = stream.read(1 << 20)
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as bad:
                    # the decoder reports on what it held back from the chunk before (the start of
                    # a character, never a line break) and this chunk together
                    held = len(bad.object) - len(chunk)
                    return offset - held + bad.start, lines + bad.object.count(b"\n", 0, bad.start) + 1
                if not chunk:
                    return None
                offset += len(chunk)
                lines += chunk.count(b"\n")
    except OSError:
        return None


def _syntax_error(path: Path, error: SyntaxError | MemoryError, data: bytes | None) -> LoadError:
    """The parser's complaint about a file, in one line with the file, line and column.

    The bytes are read here only when the parser read the file itself: to tell a file that is
    not UTF-8 (which the parser reports less clearly) and to find a remote ``@context``.
    """
    shown = display_path(path)
    if isinstance(error, MemoryError):  # Oxigraph's parsers stop at a token of 16 MiB
        return LoadError(
            shown, f"holds a literal or IRI longer than {MAX_TOKEN_BYTES >> 20} MiB, more than the parser reads"
        )
    # UTF-8 is checked only once the parser has failed: decoding a large file first cost ~10% of its load
    invalid = _first_invalid_utf8(path, data)
    if invalid is not None:
        return LoadError(shown, f"is not valid UTF-8 (byte {invalid[0]})", line=invalid[1])
    start = data[:3] if data is not None else _head(path, 3)
    if start == b"\xef\xbb\xbf":
        return LoadError(
            shown,
            "starts with a byte-order mark (U+FEFF; EF BB BF in UTF-8), which Turtle and N-Triples do not "
            "allow: save the file as UTF-8 without a BOM",
            line=1,
        )
    message = error.msg
    line: int | None = error.lineno
    column = error.offset
    if message.startswith("Parser error"):
        message = message.split(": ", 1)[-1]
    if "LoadDocumentCallback" in message:
        message = "a remote JSON-LD @context is not fetched; embed the context in the file"
        found = re.search(_REMOTE_CONTEXT, data) if data is not None else None
        if found and data is not None and line is None:
            line = data[: found.start()].count(b"\n") + 1
    elif "<!ENTITY" in message:
        message += " (external entities are never loaded)"
    return LoadError(shown, f"syntax error: {message}", line=line, column=column)


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
    base_iri = file_uri(path)
    if data is not None and (not data or data.isspace()):
        return []
    try:
        if data is None:
            return [quad.triple for quad in ox.parse(path=path, format=rdf_format, base_iri=base_iri)]
        return [quad.triple for quad in ox.parse(data, rdf_format, base_iri=base_iri)]
    except (SyntaxError, MemoryError) as error:
        raise _syntax_error(path, error, data) from error


def load_file(store: ox.Store, path: Path | str, graph_name: ox.NamedNode) -> None:
    """Load one RDF file into a named graph of the store, parsed in Rust with no Python triples.

    A file with no triples (empty, or only whitespace and comments) is an empty graph, a graph of
    the store all the same: a query over it alone runs over an empty dataset, and FROM or
    default-graph-uri can name it.
    """
    path = Path(path)
    data, rdf_format = _read_rdf(path)
    if data is not None and (not data or data.isspace()):
        store.add_graph(graph_name)
        return
    base_iri = file_uri(path)
    try:
        if data is None:
            store.load(path=path, format=rdf_format, base_iri=base_iri, to_graph=graph_name)
        else:
            store.load(data, rdf_format, base_iri=base_iri, to_graph=graph_name)
    except (SyntaxError, MemoryError) as error:
        raise _syntax_error(path, error, data) from error
    store.add_graph(graph_name)  # loading no triples (a file of comments) names no graph by itself
