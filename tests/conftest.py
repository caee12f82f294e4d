from __future__ import annotations

import pytest

from kosovo_kg import KnowledgeGraph, load_graph


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The repository's graph, parsed once for the whole session."""
    return load_graph()
