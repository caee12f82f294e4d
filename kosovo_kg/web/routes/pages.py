"""The pages people open: the home page (answers on arrival, the questions by topic), the SPARQL
editor, the charts as SVG, the favicon and the static files (content-addressed ones kept a year)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from kosovo_kg.core.extras import require_extra
from kosovo_kg.errors import RequestError
from kosovo_kg.publish.home import home_page
from kosovo_kg.publish.links import STATIC, unhashed
from kosovo_kg.publish.questions import editor_page
from kosovo_kg.web.state import state_of

#: A content-addressed file never changes: a new version has a new name.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A page is the same until the server is restarted on another graph: browsers may keep it a while.
PAGE_CACHE = "public, max-age=300"
HTML = "text/html; charset=utf-8"


class Static(StaticFiles):
    """The static files: by their content-addressed names (``site.3f2a….css``) for a year, by their
    plain names (``yasgui/LICENSE``) revalidated on each use."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        original = unhashed(path)
        response = await super().get_response(original or path, scope)
        response.headers["Cache-Control"] = IMMUTABLE if original else "no-cache"
        return response


async def home(request: Request) -> Response:
    state = state_of(request)
    require_extra("charts", "the home page's charts")
    page = await run_in_threadpool(home_page, state.pages)
    return Response(page, media_type=HTML, headers={"Cache-Control": PAGE_CACHE})


async def editor(request: Request) -> Response:
    page = await run_in_threadpool(editor_page, state_of(request).pages)
    return Response(page, media_type=HTML, headers={"Cache-Control": PAGE_CACHE})


async def favicon(request: Request) -> Response:
    return Response(
        (STATIC / "favicon.svg").read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


async def chart(request: Request) -> Response:
    from kosovo_kg.publish.charts.data import CHARTS
    from kosovo_kg.publish.charts.drawing import render_chart

    state = state_of(request)
    require_extra("charts", "the charts")
    file_name = request.path_params["file"]
    name, _, suffix = file_name.rpartition(".")
    if suffix != "svg" or name not in CHARTS:
        raise RequestError(404, f"no chart {file_name!r}; charts: {', '.join(f'{n}.svg' for n in CHARTS)}")
    # drawn once, on a thread (matplotlib takes a second), one at a time (its state is global)
    svg = await run_in_threadpool(state.once, f"chart {name}", lambda: render_chart(name, state.kg, "svg"))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/editor", editor, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/charts/{file:path}", chart, methods=["GET"]),
    Mount("/static", app=Static(directory=STATIC), name="static"),
]
