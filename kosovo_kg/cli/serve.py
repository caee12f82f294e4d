"""``kosovo-kg serve``: the read-only SPARQL endpoint, its pages and API, until stopped."""

from __future__ import annotations

import argparse
import os

from kosovo_kg.cli.options import add_data_options, number, progress, query_options, say

SUMMARY = "Serve the graph until stopped (Ctrl-C or SIGTERM, which let running queries finish)."
DETAILS = (
    "A read-only SPARQL 1.1 endpoint at /sparql (without a query: its service description) with a query UI\n"
    "and the charts at /, the stored questions at /api/queries, OpenAPI at /openapi.json, VoID at\n"
    "/.well-known/void, and every resource at /resource/NAME (HTML, Turtle, N-Triples or JSON-LD by the\n"
    "Accept header). Queries run in worker processes without network access, each under --timeout."
)


def _memory_mb() -> float:
    """This machine's memory in MB: a cache larger than it bounds nothing."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (ValueError, OSError):  # not known here
        return float(1 << 30)


def _proxy_addresses(text: str) -> str:
    """An argparse type: addresses or networks, comma-separated, or ``*`` alone (any), read as
    uvicorn reads them; uvicorn itself would take a misspelt one as a name that never matches."""
    import ipaddress

    if text.strip() == "*":
        return "*"  # uvicorn trusts any only for "*" exactly
    for item in (part.strip() for part in text.split(",")):
        try:
            ipaddress.ip_network(item) if "/" in item else ipaddress.ip_address(item)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{item!r} is not an IP address or network (such as 10.0.0.1 or 10.0.0.0/8); * alone trusts any"
            ) from None
    return text


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", default="127.0.0.1", help="Address to listen on (loopback by default).")
    command.add_argument("--port", default=8000, type=number(0, 65535, kind=int), help="Port (0 picks a free one).")
    cores = min(os.cpu_count() or 2, 64)
    command.add_argument(
        "--workers",
        default=cores,
        type=number(1, 64, kind=int),
        help=f"Query worker processes (default: one per core, {cores} here).",
    )
    command.add_argument(
        "--timeout", default=10.0, type=number(0.1, 3600), help="Seconds a query may run before its worker is killed."
    )
    command.add_argument("--max-result-mb", default=20.0, type=number(0.001), help="Largest result sent, in MB.")
    command.add_argument(
        "--queue",
        default=256,
        type=number(0, 100_000, kind=int),
        help="Queries that may wait for a worker (then 503).",
    )
    command.add_argument(
        "--cache-mb",
        default=64.0,
        type=number(0, _memory_mb()),
        help="Memory for answers kept by their exact query text and format (0: no cache; at most this machine's memory).",
    )
    command.add_argument(
        "--allow-federation",
        action="store_true",
        help="Allow SERVICE, and give the workers the network (they have none without it).",
    )
    command.add_argument(
        "--base-url",
        metavar="URL",
        help="The server's public address, named in its service description and VoID (default: the "
        "listening address); the client's Host header is never used for it.",
    )
    command.add_argument(
        "--proxy-headers",
        action="store_true",
        help="Behind a reverse proxy: take the client's address and scheme from X-Forwarded-For and "
        "X-Forwarded-Proto, from the addresses of --forwarded-allow-ips only.",
    )
    command.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        type=_proxy_addresses,
        help="The proxies whose X-Forwarded-* headers are trusted, comma-separated (implies --proxy-headers; "
        "with --proxy-headers alone: 127.0.0.1,::1).",
    )
    add_data_options(command, only="Serve")


def run(args: argparse.Namespace) -> int:
    from kosovo_kg.core.extras import require_extra

    require_extra("web", "kosovo-kg serve")
    from kosovo_kg.web.server import listen, serve_until_stopped
    from kosovo_kg.web.settings import ServeSettings

    if args.base_url is not None:
        from kosovo_kg.querying.pipeline import check_url

        check_url("--base-url", args.base_url)
    # the address first: a busy port is told at once, before the graph is loaded
    listen(args.host, args.port).close()
    progress("loading the graph" + (" and the --data files" if args.data else ""))
    kg = query_options(args).load_graph()
    assert kg is not None
    settings = ServeSettings(
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout=args.timeout,
        max_result_bytes=int(args.max_result_mb * 1_000_000),
        allow_federation=args.allow_federation,
        queue=args.queue,
        cache_bytes=int(args.cache_mb * 1_000_000),
        base_url=args.base_url,
        proxy_headers=args.proxy_headers or args.forwarded_allow_ips is not None,
        forwarded_allow_ips=args.forwarded_allow_ips or "127.0.0.1,::1",
    )
    serve_until_stopped(kg, settings, announce=say)
    return 0
