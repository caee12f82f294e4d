"""A content-keyed cache for results that take seconds to compute (the OWL reasoner's).

An entry's key is the SHA-256 of exactly what the computation reads (the reasoner's input,
the versions of the tools that produce it), so an entry can never be stale: change a
file of ``graph/`` or ``ontology/`` and the key changes with it. Entries live in
``$KOSOVO_KG_CACHE``, else ``$XDG_CACHE_HOME/kosovo-kg``, else ``~/.cache/kosovo-kg``;
``KOSOVO_KG_CACHE=off`` turns the cache off. A cache that cannot be written is skipped,
never an error.

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

DISABLED = ("off", "0", "no", "false")


def cache_dir() -> str | None:
    """Where entries live, or None when the user turned the cache off."""
    configured = os.environ.get("KOSOVO_KG_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in DISABLED else configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kosovo-kg")


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
    value = read_entry(name)
    if value is None:
        value = compute()
        write_entry(name, value)
    return value


def read_entry(name: str) -> bytes | None:
    """The entry ``name``, or None when there is none (or the cache is off or unreadable)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(os.path.join(folder, name), "rb") as stream:
            return stream.read()
    except OSError:
        return None


def write_entry(name: str, value: bytes) -> None:
    """Store an entry; readers see the whole entry or none. A cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    entry = os.path.join(folder, name)
    partial = os.path.join(folder, f".{name}.{os.getpid()}.part")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(partial, "wb") as stream:
            stream.write(value)
        os.replace(partial, entry)
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
