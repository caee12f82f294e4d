"""``/queries/NAME``: a stored question's page (its answer as a table, parameter choosers, downloads,
a citation) and ``/queries/NAME.csv|tsv|json|xml|rq``: its answer, or its query, to download.

The page runs the question in a worker like the API does (``/api/queries/NAME``, whose answers stay
as they are); the downloads are written by the command line's own writers, so a CSV or JSON file is
byte for byte what ``kosovo-kg query NAME --format csv|json`` prints.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kosovo_kg.errors import ParameterError, QueryError, RequestError
from kosovo_kg.publish.questions import question_page
from kosovo_kg.querying.catalogue import StoredQuery, get_stored_query
from kosovo_kg.querying.output import render, to_xml
from kosovo_kg.web.errors import wants_html
from kosovo_kg.web.protocol import with_charset
from kosovo_kg.web.routes.pages import HTML, PAGE_CACHE
from kosovo_kg.web.routes.questions import parameters
from kosovo_kg.web.state import base_of, state_of

#: What each download is, by its suffix.
DOWNLOADS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "rq": "application/sparql-query",
}


def named(name: str) -> StoredQuery:
    try:
        return get_stored_query(name)
    except QueryError as error:
        raise RequestError(404, str(error)) from None


async def question(request: Request) -> Response:
    state = state_of(request)
    name, dot, suffix = request.path_params["file"].partition(".")
    query = named(name)
    given = {k: str(v) for k, v in parameters(request).items()}
    if dot:
        return await download(request, query, given, suffix)
    page_url = base_of(request) + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if query.federated and not state.settings.allow_federation:
        page = question_page(state.pages, query, given, None, None, page_url=page_url)
        return Response(page, media_type=HTML, headers={"Cache-Control": PAGE_CACHE})
    try:
        prepared = await state.screened(query, dict[str, object](given))
    except ParameterError as error:
        if not wants_html(request):
            raise
        page = question_page(state.pages, query, given, None, None, error=str(error), page_url=page_url)
        return Response(page, media_type=HTML, status_code=400)
    result = await state.workers.result(prepared)
    page = question_page(state.pages, query, given, result, prepared, page_url=page_url)
    return Response(page, media_type=HTML, headers={"Cache-Control": PAGE_CACHE})


async def download(request: Request, query: StoredQuery, given: dict[str, str], suffix: str) -> Response:
    state = state_of(request)
    if suffix not in DOWNLOADS:
        raise RequestError(
            404, f"no download {query.name}.{suffix}; there are {', '.join(f'{query.name}.{s}' for s in DOWNLOADS)}"
        )
    if query.federated and not state.settings.allow_federation:
        raise RequestError(
            403, f"{query.name} asks Wikidata's query service; the server was started without --allow-federation"
        )
    prepared = await state.screened(query, dict[str, object](given))
    media = DOWNLOADS[suffix]
    if suffix == "rq":
        body = prepared.text
    else:
        result = await state.workers.result(prepared)
        body = to_xml(result) if suffix == "xml" else render(result, suffix)
    headers = {"Content-Disposition": f'attachment; filename="{query.name}.{suffix}"', "Cache-Control": PAGE_CACHE}
    return Response(body.encode("utf-8"), media_type=with_charset(media), headers=headers)


ROUTES = [Route("/queries/{file}", question, methods=["GET"])]
