"""How ``serve`` answers what went wrong: the one place errors become HTTP responses.

Each package error carries its ``http_status`` (see :mod:`kosovo_kg.errors`); the handlers here
turn it, Starlette's own HTTP errors and any bug into the same JSON body, ``{"error", "status"}``,
for API clients, and into an HTML page with the same message for a browser (one whose Accept header
names text/html before JSON): a 404 page suggests the pages closest to the address asked for.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kosovo_kg.errors import FederationRefused, KosovoKGError, ServerBusy
from kosovo_kg.web.protocol import negotiate


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def wants_html(request: Request) -> bool:
    """Whether the client is a browser: its Accept header names text/html, and prefers it to JSON."""
    accept = request.headers.get("accept", "")
    if "text/html" not in accept.lower():
        return False
    return negotiate(accept, ("text/html", "application/json")) == "text/html"


def answer(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error as a page for a browser, as JSON for anyone else."""
    if wants_html(request):
        serving = getattr(request.app.state, "serve", None)
        if serving is not None:
            try:
                page = serving.pages.error(status, message, request.url.path)
            except Exception:  # the page is a courtesy: the JSON answer says the same
                page = None
            if page is not None:
                return Response(page, status_code=status, media_type="text/html; charset=utf-8", headers=headers)
    return error_response(status, message, headers)


async def package_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, KosovoKGError)
    message = str(error)
    if isinstance(error, FederationRefused):
        message += " when starting the server"
    headers = {"Retry-After": "1"} if isinstance(error, ServerBusy) else None
    return answer(request, error.http_status, message, headers)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = (
            f"nothing at {request.url.path}; see / for the questions and their answers and /openapi.json for the API"
        )
    elif error.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(error.detail)
    return answer(request, error.status_code, message, dict(error.headers or {}))


async def internal_error(request: Request, error: Exception) -> Response:
    # a bug: the client is told so in one line, never a traceback
    return answer(request, 500, f"internal error ({type(error).__name__}); please report it")


#: Starlette's exception_handlers for the application.
HANDLERS = {KosovoKGError: package_error, HTTPException: http_error, Exception: internal_error}

__all__ = ["HANDLERS", "error_response", "wants_html"]
