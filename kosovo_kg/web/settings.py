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
    #: the public address every self-reference uses (service description, VoID); None: the
    #: listening address. The client's Host header is never used for it.
    base_url: str | None = None
    #: trust X-Forwarded-For / X-Forwarded-Proto, from the addresses in forwarded_allow_ips only
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1,::1"

    @property
    def public_base(self) -> str:
        """The server's public address without a final slash: ``base_url``, else where it listens."""
        if self.base_url:
            return self.base_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


__all__ = ["ServeSettings"]
