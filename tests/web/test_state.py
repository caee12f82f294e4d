"""web/state.py: what every route of serve shares on app.state: the graph, the settings, the
checked query options, what is made once and kept (once), the pipeline's screens (on a thread for a
long query), and the address the server is reached at."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from kosovo_kg.errors import FederationRefused, QueryRefused
from kosovo_kg.querying.catalogue import get_stored_query
from kosovo_kg.web.settings import ServeSettings
from kosovo_kg.web.state import SCREEN_INLINE, ServeState, base_of, state_of


@pytest.fixture(scope="module")
def state(kg):
    return ServeState(kg, ServeSettings(), workers=None)  # type: ignore[arg-type]  # the workers are not used here


def test_the_state_holds_the_graph_settings_and_checked_options(kg, state):
    assert state.kg is kg and state.settings == ServeSettings()
    assert state.options.engine == "oxigraph" and not state.options.allow_federation
    allowed = ServeState(kg, ServeSettings(allow_federation=True), workers=None)  # type: ignore[arg-type]
    assert allowed.options.allow_federation and allowed.pages.allow_federation


def test_once_makes_a_thing_on_first_use_and_keeps_it_even_when_asked_from_many_threads(state):
    made = []

    def make() -> str:
        made.append(1)
        time.sleep(0.05)  # long enough for the other threads to ask meanwhile
        return "the description"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(state.once("thing", make))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["the description"] * 8 and made == [1]
    assert state.once("thing", lambda: "another") == "the description"
    assert state.once("other thing", lambda: "another") == "another"


def test_a_query_is_screened_the_same_inline_or_on_a_thread(state):
    short = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    long = short + "\n#" + "x" * SCREEN_INLINE
    assert asyncio.run(state.screened(short, None)).text == short
    assert asyncio.run(state.screened(long, None)).text == long
    for text in ("CLEAR ALL", "CLEAR ALL\n#" + "x" * SCREEN_INLINE):
        with pytest.raises(QueryRefused, match="refused: CLEAR is a SPARQL Update operation"):
            asyncio.run(state.screened(text, None))
    with pytest.raises(FederationRefused):
        asyncio.run(state.screened(get_stored_query("other-memberships-of-kosovo"), {}))
    bound = asyncio.run(state.screened(get_stored_query("recognized-before"), {"date": "2008-02-19"}))
    assert '"2008-02-19"^^<http://www.w3.org/2001/XMLSchema#date>' in bound.text


def test_routes_reach_the_state_and_the_servers_address_never_the_clients_host(state):
    async def where(request: Request) -> JSONResponse:
        return JSONResponse({"base": base_of(request), "same": state_of(request) is state})

    app = Starlette(routes=[Route("/where", where)])
    app.state.serve = state
    with TestClient(app, base_url="http://127.0.0.1:8123") as client:
        assert client.get("/where").json() == {"base": "http://127.0.0.1:8000", "same": True}
        assert client.get("/where", headers={"Host": "evil.example"}).json()["base"] == "http://127.0.0.1:8000"


def test_an_answer_served_here_cites_the_release_that_release_makes_of_the_same_files():
    """The citation named the package's version (0.1.0) with the files' date: a release no command
    makes (``release`` versions by date unless told otherwise)."""
    from kosovo_kg.core import paths
    from kosovo_kg.publish.release.dates import release_date
    from kosovo_kg.web.state import served_release

    date = release_date(None, paths.data_files()).date
    cited = served_release()
    assert (cited.version, cited.date) == (date.replace("-", "."), date)
