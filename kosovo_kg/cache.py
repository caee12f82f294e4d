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

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

DISABLED = ("off", "0", "no", "false")


def cache_dir() -> Path | None:
    """Where entries live, or None when the user turned the cache off."""
    configured = os.environ.get("KOSOVO_KG_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in DISABLED else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kosovo-kg"


def content_key(kind: str, parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256(kind.encode() + b"\0")
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def cached(kind: str, parts: Iterable[bytes], compute: Callable[[], bytes]) -> bytes:
    """``compute()``'s bytes, taken from the cache when the same ``parts`` were seen before."""
    folder = cache_dir()
    if folder is None:
        return compute()
    entry = folder / f"{kind}-{content_key(kind, parts)}"
    try:
        return entry.read_bytes()
    except OSError:
        pass
    value = compute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}.part")
        partial.write_bytes(value)
        os.replace(partial, entry)  # readers see the whole entry or none
    except OSError:
        pass
    return value
