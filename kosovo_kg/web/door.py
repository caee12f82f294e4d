"""What a request must be to come in, checked before any route sees it: a ``Host`` header that is
a host (and is then never used), and the request's own address taken from the server's public
base URL.

The ``Host`` header is the client's to choose. Nothing ``serve`` writes names it: the service
description and VoID name the public base URL (``serve --base-url``, else the listening
address), and here the header is replaced by that URL's host before the application runs, so that
nothing downstream (Starlette's redirects, ``request.url``) can reflect it or key anything by it.
A header that is not a host (``a%zz``, a space, a control character, two of them) is a 400.

The bounds on the request's head (its size, its number of headers, the request line) and on the
body's declared size are enforced lower down, in the HTTP protocol itself (see
:func:`kosovo_kg.web.server.guarded_protocol`): by the time a request reaches this door, its head
is known to be small.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

#: RFC 9110's Host: uri-host [ ":" port ], uri-host an IP literal, an IPv4 address or a reg-name
#: (RFC 3986: unreserved, percent-encoded and sub-delims characters).
_HOST = re.compile(
    rb"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]{0,5})?",
)
#: A DNS name is at most 253 characters; with a port, a little more.
MAX_HOST = 260


def valid_host(value: bytes) -> bool:
    """Whether a Host header's value is a host with an optional port.

    >>> valid_host(b"example.org:8000"), valid_host(b"[::1]:80"), valid_host(b"a%zz"), valid_host(b"a b")
    (True, True, False, False)
    """
    return len(value) <= MAX_HOST and _HOST.fullmatch(value) is not None


class HostDoor:
    """ASGI middleware: a request with a malformed or repeated ``Host`` is answered 400; every
    other gets the public base URL's host and scheme in place of its own."""

    def __init__(self, app: Any, base_url: str):
        self.app = app
        public = urllib.parse.urlsplit(base_url)
        self.scheme = public.scheme or "http"
        self.host = public.netloc.encode("idna" if not public.netloc.isascii() else "ascii")

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        if len(hosts) > 1 or (hosts and not valid_host(hosts[0])):
            problem = "more than one Host header" if len(hosts) > 1 else "a Host header that is not a host[:port]"
            await _refuse(send, 400, f"the request has {problem}")
            return
        scope = dict(scope)
        scope["headers"] = [(name, value) for name, value in scope["headers"] if name != b"host"]
        scope["headers"].append((b"host", self.host))
        scope["scheme"] = self.scheme
        await self.app(scope, receive, send)


async def _refuse(send: Callable[..., Any], status: int, message: str) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["MAX_HOST", "HostDoor", "valid_host"]
