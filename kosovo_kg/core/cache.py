"""The on-disk cache, and how every entry is verified before it is used.

Entries live in ``$KOSOVO_KG_CACHE``, else ``$XDG_CACHE_HOME/kosovo-kg``, else
``~/.cache/kosovo-kg``; ``KOSOVO_KG_CACHE=off`` (or ``--no-cache``) turns the cache off. A cache
that cannot be written is skipped, never an error. Three kinds of entry:

* **Results that take seconds to compute** (the OWL reasoner's), keyed by the SHA-256 of
  exactly what the computation reads: :func:`cached`.
* **The packaged graph**, as N-Quads, named after the identity of the files it was parsed from
  (see :mod:`kosovo_kg.core.store`): :func:`read_entry`, :func:`write_entry`.
* **Users' data** (``--data FILE``), as an on-disk Oxigraph store that is opened read-only, in
  milliseconds, instead of being parsed again: :func:`open_store_entry`, :func:`save_store_entry`.
  Their total size is capped (``$KOSOVO_KG_CACHE_MB``, default :data:`DEFAULT_CAP_MB`); past the
  cap the least recently used go first.

Whatever its kind, an entry is never trusted as it is found. Each carries the identity of its
inputs and a checksum of its content, checked when it is read: an entry that was emptied, cut
short (at a line end or anywhere), changed in place, or made for other inputs is deleted and
rebuilt, never used. A file's identity is its path, size, modification time, change time
(``ctime``), inode and device: an edit in place that keeps the size and puts the old
modification time back (``touch -r``) still changes the change time, which no user call can
set. The checksum is CRC-32 (zlib's, 4 GB/s here: 25 ms for a 100 MB store), which catches
damage, not forgery; nothing in the cache is a security boundary.

>>> import tempfile, os
>>> os.environ["KOSOVO_KG_CACHE"] = tempfile.mkdtemp()
>>> calls = []
>>> def compute():
...     calls.append(1)
...     return b"result"
>>> cached("demo", [b"input"], compute), cached("demo", [b"input"], compute), len(calls)
(b'result', b'result', 1)
>>> cached("demo", [b"changed input"], compute), len(calls)
(b'result', 2)
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing and pathlib are not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import pyoxigraph as ox

DISABLED = ("off", "0", "no", "false")
#: Users' data entries together may hold this many megabytes unless ``$KOSOVO_KG_CACHE_MB`` says otherwise.
DEFAULT_CAP_MB = 4096
#: The first line of an entry of bytes: ``# kosovo-kg cache 2 <identity>``, then the length and
#: CRC-32 of each of its sections, which follow one after the other.
_MAGIC = b"# kosovo-kg cache 2 "
#: The prefix of users' data entries, and of their manifests' first line.
STORE_PREFIX = "data-"
_STORE_FORMAT = "kosovo-kg store 1"
_MANIFEST = "manifest"


_disabled = False


def disable() -> None:
    """Turn the cache off for the rest of this process (``--no-cache``): nothing is read or written."""
    global _disabled
    _disabled = True


def cache_dir() -> str | None:
    """Where entries live, or None when the user turned the cache off."""
    if _disabled:
        return None
    configured = os.environ.get("KOSOVO_KG_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in DISABLED else configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kosovo-kg")


def file_identity(path: str) -> str:
    """One line naming a file as it is now (raises OSError when it cannot be read).

    What Python's own .pyc check reads (size, modification time) and what an edit in place
    cannot keep (change time, and the inode a save-by-rename replaces).
    """
    status = os.stat(path)
    return f"{path!r} {status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} {status.st_ino} {status.st_dev}\n"


def checksum(data: bytes | memoryview) -> int:
    import zlib  # 0.5M instructions, under 1% of a one-off query

    return zlib.crc32(data)


_MERSENNE_127 = (1 << 127) - 1


def short_digest(data: bytes) -> str:
    """32 hex digits that change with ``data``: the bytes read as one number, reduced modulo the
    prime 2^127 - 1. Any change of fewer than 16 bytes always changes it, a larger one but for a
    chance of 2^-127. For names of entries that also carry, and check, what they were made from:
    not SHA-256, as importing hashlib costs 11M instructions and 4 MB of memory (OpenSSL).

    >>> short_digest(b"a") != short_digest(b"b")
    True
    """
    return f"{int.from_bytes(data, 'big') % _MERSENNE_127:032x}"


def content_key(kind: str, parts: Iterable[bytes]) -> str:
    import hashlib  # OpenSSL's: 11M instructions to import, more than a one-off query's parse

    digest = hashlib.sha256(kind.encode() + b"\0")
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def cached(kind: str, parts: Iterable[bytes], compute: Callable[[], bytes]) -> bytes:
    """``compute()``'s bytes, taken from the cache when the same ``parts`` were seen before."""
    name = f"{kind}-{content_key(kind, parts)}"
    found = read_entry(name, identity=name)
    if found is None or len(found) != 1:
        value = compute()
        write_entry(name, [value], identity=name)
        return value
    return found[0]


def _header(identity: str, sections: Iterable[bytes | memoryview]) -> bytes:
    sizes = " ".join(f"{len(section)} {checksum(section):08x}" for section in sections)
    return _MAGIC + f"{identity} {sizes}\n".encode()


def read_entry(name: str, identity: str, sections: int | None = None) -> list[bytes] | None:
    """The sections of the entry ``name`` (only the first ``sections`` of them, if given), each
    checked; None when there is none, the cache is off, or the entry fails its check (it is then
    deleted). A section left unread is not read at all: only its length is checked, against the
    file's (so a cut entry is never used).

    ``identity`` is what the entry must have been made from (one word, no spaces).
    """
    folder = cache_dir()
    if folder is None:
        return None
    path = os.path.join(folder, name)
    try:
        with open(path, "rb") as stream:
            header = stream.readline(4096)
            words = header[len(_MAGIC) : -1].split(b" ")
            sizes = [int(word) for word in words[1::2]]
            wanted = sizes if sections is None else sizes[:sections]
            found = [stream.read(size) for size in wanted]
            whole = os.fstat(stream.fileno()).st_size == len(header) + sum(sizes)
    except OSError:
        return None
    except ValueError:  # not a header of ours
        whole, found = False, []
    expected = b" ".join(words[:1] + [b"%d %08x" % (len(part), checksum(part)) for part in found])
    if not (
        whole
        and header.startswith(_MAGIC)
        and header.endswith(b"\n")
        and b" ".join(words[: 1 + 2 * len(found)]) == expected
    ):
        discard(path)
        return None
    if words[0] != identity.encode():
        discard(path)
        return None
    return found


def write_entry(name: str, sections: list[bytes], identity: str) -> None:
    """Store an entry: a first line with its identity and each section's length and checksum,
    then the sections; readers see the whole entry or none. A cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    entry = os.path.join(folder, name)
    partial = os.path.join(folder, f".{name}.{os.getpid()}.part")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(partial, "wb") as stream:
            stream.write(_header(identity, sections))
            for section in sections:
                stream.write(section)
        os.replace(partial, entry)
    except OSError:
        discard(partial)


def discard(path: str) -> None:
    """Delete an entry (a file or a folder) that must not be used; one already gone is fine."""
    import shutil

    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def prune(prefix: str, keep: int) -> None:
    """Remove all but the ``keep`` newest entries whose names start with ``prefix``.

    For entries that are only ever read for files as they are now (the packaged graph's): each
    edit of those files would otherwise leave one more behind for good. More than one is kept
    because several checkouts or installs may share the cache.
    """
    folder = cache_dir()
    if folder is None:
        return
    try:
        entries = [os.path.join(folder, name) for name in os.listdir(folder) if name.startswith(prefix)]
        entries.sort(key=os.path.getmtime, reverse=True)
        for stale in entries[keep:]:
            os.unlink(stale)
    except OSError:  # another process pruned first, or the folder is not ours to change
        pass


# Users' data: on-disk stores -------------------------------------------------------------------


def cap_bytes() -> int:
    """The most users' data entries may hold together (``$KOSOVO_KG_CACHE_MB``; 0 keeps none)."""
    configured = os.environ.get("KOSOVO_KG_CACHE_MB", "").strip()
    try:
        megabytes = float(configured) if configured else DEFAULT_CAP_MB
    except ValueError:
        megabytes = DEFAULT_CAP_MB
    return max(0, int(megabytes * (1 << 20)))


def store_entry_name(identity: str) -> str:
    """The folder name of the entry for inputs of this identity (their :func:`file_identity` lines)."""
    return STORE_PREFIX + short_digest(f"{_STORE_FORMAT}\n{identity}".encode())


def open_store_entry(name: str, identity: str) -> tuple[ox.Store, dict[str, str]] | None:
    """The store of entry ``name``, opened read-only, and its graphs' file names; or None when
    there is no such entry or it fails its check (it is then deleted).

    The check: the manifest is whole (its own checksum), names these inputs, and lists exactly
    the store's files with their sizes and checksums, every one of which is read and checked.
    Reading them also brings them into the page cache, where Oxigraph's reads will find them.
    """
    import json

    folder = cache_dir()
    if folder is None:
        return None
    entry = os.path.join(folder, name)
    try:
        with open(os.path.join(entry, _MANIFEST), "rb") as stream:
            text = stream.read()
    except OSError:
        if os.path.isdir(entry):  # a folder without its manifest is no entry
            discard(entry)
        return None
    try:
        body, _, trailer = text.rpartition(b"\n# crc32 ")
        manifest = json.loads(body)
        valid = (
            trailer == f"{checksum(body):08x}\n".encode()
            and manifest["format"] == _STORE_FORMAT
            and manifest["identity"] == identity
            and _store_files_match(os.path.join(entry, "store"), manifest["files"])
        )
        graph_files = dict(manifest["graph_files"])
    except (ValueError, KeyError, TypeError, OSError):
        valid = False
    if not valid:
        discard(entry)
        return None
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(os.path.join(entry, "store"))
    except (OSError, RuntimeError, ValueError):  # RocksDB refused it: damaged in a way the check did not see
        discard(entry)
        return None
    try:
        os.utime(os.path.join(entry, _MANIFEST))  # used now: the last to be evicted
    except OSError:
        pass
    return store, graph_files


#: Files of an on-disk store that RocksDB itself writes to when it opens the store read-only.
_UNCHECKED = ("LOG", "LOCK")


def _store_files(folder: str) -> dict[str, list[int]]:
    """Each file of a store's folder with its size and checksum (read a MiB at a time: a store's
    files reach hundreds of MB, and reading one whole would add its size to a query's peak memory)."""
    import zlib

    found = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith(_UNCHECKED):
            continue
        size = crc = 0
        with open(os.path.join(folder, name), "rb") as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                crc = zlib.crc32(chunk, crc)
        found[name] = [size, crc]
    return found


def _store_files_match(folder: str, expected: dict[str, list[int]]) -> bool:
    present = sorted(name for name in os.listdir(folder) if not name.startswith(_UNCHECKED))
    if present != sorted(expected):
        return False
    for name in present:  # sizes first: a cut or emptied file is found without reading the rest
        if os.stat(os.path.join(folder, name)).st_size != expected[name][0]:
            return False
    return _store_files(folder) == expected


def save_store_entry(
    name: str, identity: str, store: ox.Store, graph_files: dict[str, str], started: float | None = None
) -> bool:
    """Write ``store`` as the on-disk entry ``name`` for inputs of ``identity``; True if it was.

    The manifest also says how long the build took since ``started`` (``time.monotonic()``) and
    the builder's peak memory, for benchmarks/data.py.

    Built under a temporary name beside the entries and renamed into place whole; a folder that
    another process is building (its process alive) is left to it. Then the least recently used
    entries are evicted until all fit under :func:`cap_bytes`, this one last.
    """
    import json
    import tempfile
    import time

    import pyoxigraph as ox

    folder = cache_dir()
    if folder is None or cap_bytes() == 0:
        return False
    entry = os.path.join(folder, name)
    building = os.path.join(folder, f".{name}.building")
    try:
        os.makedirs(folder, exist_ok=True)
        if os.path.isdir(entry) or not _claim(building):
            return False
    except OSError:
        return False
    try:
        target = os.path.join(building, "store")
        with tempfile.NamedTemporaryFile(dir=building, suffix=".nq") as dump:
            # N-Quads through a file: Oxigraph's bulk loader reads it in Rust, with no copy in memory
            store.dump(output=dump.name, format=ox.RdfFormat.N_QUADS)
            on_disk = ox.Store(target)
            on_disk.bulk_load(path=dump.name, format=ox.RdfFormat.N_QUADS, lenient=True)
            on_disk.flush()
            on_disk.optimize()
            del on_disk  # closed: RocksDB writes nothing more
        manifest = json.dumps(
            {
                "format": _STORE_FORMAT,
                "identity": identity,
                "graph_files": graph_files,
                "files": _store_files(target),
                "quads": len(store),
                "built": {"seconds": time.monotonic() - (started or 0), "peak_mb": _peak_mb()} if started else {},
            },
            ensure_ascii=False,
            indent=0,
        ).encode()
        with open(os.path.join(building, _MANIFEST), "wb") as stream:
            stream.write(manifest + f"\n# crc32 {checksum(manifest):08x}\n".encode())
        os.unlink(os.path.join(building, "owner"))
        if entry_size(building) > cap_bytes():
            raise OSError("larger than the cache's cap")
        os.rename(building, entry)
    except (OSError, ValueError):
        discard(building)
        return False
    evict(keep=name)
    return True


def _peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM), in MiB."""
    try:
        with open("/proc/self/status") as stream:
            for line in stream:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _claim(building: str) -> bool:
    """Make ``building`` ours (an atomic mkdir holding our process id); take it over from a
    process that died while building; False while a live one holds it."""
    for _ in range(2):
        try:
            os.mkdir(building)
        except FileExistsError:
            try:
                with open(os.path.join(building, "owner")) as stream:
                    owner = int(stream.read())
                os.kill(owner, 0)
                return False  # alive: its build goes on
            except ProcessLookupError:
                discard(building)  # its builder died
                continue
            except (OSError, ValueError):  # no owner written yet (or not ours to signal)
                if _age(building) < _ABANDONED_SECONDS:
                    return False
                discard(building)  # its builder died before it could say who it was
                continue
        with open(os.path.join(building, "owner"), "w") as stream:
            stream.write(str(os.getpid()))
        return True
    return False


#: A folder being built whose builder never wrote its name is taken over after this long.
_ABANDONED_SECONDS = 600


def _age(path: str) -> float:
    import time

    try:
        return time.time() - os.stat(path).st_mtime
    except OSError:
        return 0.0


def entry_size(path: str) -> int:
    total = 0
    for top, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(top, name)).st_size
            except OSError:
                pass
    return total


def evict(keep: str = "") -> None:
    """Delete users' data entries, least recently used first, until they fit under the cap."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        names = [name for name in os.listdir(folder) if name.startswith(STORE_PREFIX)]
    except OSError:
        return
    entries = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            used = os.stat(os.path.join(path, _MANIFEST)).st_mtime_ns
        except OSError:
            used = 0
        entries.append((name == keep, used, entry_size(path), path))
    entries.sort()  # the one just written last, then by last use, oldest first
    total, cap = sum(size for _, _, size, _ in entries), cap_bytes()
    for _, _, size, path in entries:
        if total <= cap:
            break
        discard(path)
        total -= size
