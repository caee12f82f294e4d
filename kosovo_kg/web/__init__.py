"""``kosovo-kg serve``: the read-only SPARQL endpoint, its query UI, the stored-query API and
Linked Data pages, as a Starlette application under uvicorn, with queries in sandboxed workers.

- :mod:`.app`: the routes; :mod:`.protocol`: the SPARQL 1.1 Protocol (where the query is,
  content negotiation); :mod:`.pages` and ``templates/``: the HTML; :mod:`.descriptions`: the
  service description and VoID; :mod:`.workers`: the query workers, their deadline and queue;
  :mod:`.sandbox`: no network and no life after the server for a worker; :mod:`.server`: the
  socket, uvicorn, the access log, start and stop.
"""

from __future__ import annotations

from kosovo_kg.web.settings import ServeSettings

__all__ = ["ServeSettings"]
