"""How ``serve`` runs: the command line's options, in one immutable record."""

from __future__ import annotations

from typing import NamedTuple


class ServeSettings(NamedTuple):
    """How ``serve`` runs; the command line's options."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    timeout: float = 10.0
    max_result_bytes: int = 20_000_000
    allow_federation: bool = False
    #: queries that may wait for a worker, beyond those running
    queue: int = 256
    #: the answer cache's budget in bytes (0: no cache)
    cache_bytes: int = 64_000_000
    #: seconds a client may take to send a request's headers, and then its body
    read_timeout: float = 10.0


__all__ = ["ServeSettings"]
