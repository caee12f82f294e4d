"""The pages people open: the home page with its charts, the charts as SVG, the static files."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kosovo_kg.core.extras import require_extra
from kosovo_kg.errors import RequestError
from kosovo_kg.publish.pages import STATIC, charts_section
from kosovo_kg.web.state import state_of


async def home(request: Request) -> Response:
    state = state_of(request)
    charts = await run_in_threadpool(state.once, "charts", lambda: charts_section(state.kg))
    page = await run_in_threadpool(state.pages.home, charts)
    return Response(page, media_type="text/html; charset=utf-8")


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
    Route("/charts/{file:path}", chart, methods=["GET"]),
    Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
]
