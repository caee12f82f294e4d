"""The console script ``kosovo-kg`` (and ``python -m kosovo_kg``).

For the commands that query the packaged graph in this process, it starts reading the graph
back from the cache on a thread of its own (see :func:`kosovo_kg.core.store.preload_packaged_graph`)
before it imports the command line and its dependencies, which run meanwhile on the other core.
"""

from __future__ import annotations

import sys

#: The commands that query the packaged graph in this process. Not ``serve``, which forks its
#: workers; not ``validate``, which parses the files strictly. Nor a command line with
#: ``--only-data`` or ``--engine`` (a remote engine reads no local graph; ``--engine rdflib``
#: merely goes without the head start).
PRELOADING = ("query", "sparql", "find", "export", "chart", "link")
_NOT_PACKAGED = ("--only-data", "--engine")


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] and argv[0] in PRELOADING and not any(word.split("=")[0] in _NOT_PACKAGED for word in argv):
        from kosovo_kg.core.store import preload_packaged_graph

        preload_packaged_graph()
    from kosovo_kg.cli.main import main as run_command_line

    run_command_line(argv)
