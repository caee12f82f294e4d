"""How ``serve`` answers what went wrong: the one place errors become HTTP responses.

Each package error carries its ``http_status`` (see :mod:`kosovo_kg.errors`); the handlers here
turn it, Starlette's own HTTP errors and any bug into the same JSON body, ``{"error", "status"}``.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kosovo_kg.errors import FederationRefused, KosovoKGError, ServerBusy, environment_fault


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


async def package_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, KosovoKGError)
    message = str(error)
    if isinstance(error, FederationRefused):
        message += " when starting the server"
    headers = {"Retry-After": "1"} if isinstance(error, ServerBusy) else None
    return error_response(error.http_status, message, headers)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = f"nothing at {request.url.path}; see / for the query UI and /openapi.json for the API"
    elif error.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(error.detail)
    return error_response(error.status_code, message, dict(error.headers or {}))


async def internal_error(request: Request, error: Exception) -> Response:
    fault = environment_fault(error)
    if fault is not None:  # the machine's (no memory, a full disk), not the client's; no server path is told
        return error_response(fault.http_status, f"the server cannot answer this now ({type(error).__name__})")
    # a bug: the client is told so in one line, never a traceback
    return error_response(500, f"internal error ({type(error).__name__}); please report it")


#: Starlette's exception_handlers for the application.
HANDLERS = {KosovoKGError: package_error, HTTPException: http_error, Exception: internal_error}

__all__ = ["HANDLERS", "error_response"]
