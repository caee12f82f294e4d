"""The console script ``kosovo-kg`` (and ``python -m kosovo_kg``).

For the commands that query the packaged graph in this process, it starts reading the graph
back from the cache on a thread of its own (see :func:`kosovo_kg.core.loading.preload_packaged_graph`)
before it imports the command line and its dependencies, which run meanwhile on the other core.
"""

from __future__ import annotations

import sys

#: The commands that query the packaged graph in this process. Not ``serve``, which forks its
#: workers; not ``validate``, which parses the files strictly. Nor a command line with
#: ``--only-data`` or ``--engine`` (a remote engine reads no local graph; ``--engine rdflib``
#: merely goes without the head start), ``--data`` (whose cache entry, when there is one, holds
#: the packaged graph too: the preload would only be waited for) or ``--no-cache``.
PRELOADING = ("query", "sparql", "export", "chart", "link")
_NO_PRELOAD = ("--only-data", "--engine", "--data", "--no-cache")
#: The commands that may load users' data (``--data``): their cache entry is written by a
#: process of its own, so that the command's answer does not wait for it.
_LOADING_DATA = ("query", "sparql", "export", "serve", "validate", "release")


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] and argv[0] in _LOADING_DATA:  # the loading module is one these commands import anyway
        from kosovo_kg.core import loading

        loading.BUILD_IN_BACKGROUND = True
    if argv[:1] and argv[0] in PRELOADING and not any(word.split("=")[0] in _NO_PRELOAD for word in argv):
        from kosovo_kg.core.loading import preload_packaged_graph

        # a stored question needs no RDFS entailments (see kosovo_kg.core.entailment)
        preload_packaged_graph(rdfs=argv[0] != "query")
    from kosovo_kg.cli.main import main as run_command_line

    run_command_line(argv)
