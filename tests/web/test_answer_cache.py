"""web/answer_cache.py: answers kept by (text, media type) within a byte budget that counts keys
too, least recently used out first; answers that change from run to run never kept."""

from __future__ import annotations

import pytest

from kosovo_kg.web.answer_cache import AnswerCache


def test_the_answer_cache_keeps_the_recently_used_within_its_budget():
    entry = AnswerCache.cost(("a", "text/csv"), b"x" * 100)  # the answer and its key
    cache = AnswerCache(budget=9 * entry)  # nine such answers: the tenth puts out the least recently used
    for name in ("a", "b", "c"):
        cache.put((name, "text/csv"), b"x" * 100)
    assert cache.get(("a", "text/csv")) == b"x" * 100  # now the most recently used
    for name in ("d", "e", "f", "g", "h", "i", "j"):
        cache.put((name, "text/csv"), b"x" * 100)
    assert cache.get(("a", "text/csv")) is not None and cache.get(("b", "text/csv")) is None
    assert cache.size <= 9 * entry and (cache.hits, cache.misses) == (2, 1)
    cache.put(("a", "text/csv"), b"y" * 10)  # an answer already kept is not replaced
    assert cache.get(("a", "text/csv")) == b"x" * 100


@pytest.mark.parametrize("function", ["RAND", "NOW", "UUID", "STRUUID", "BNODE"])
def test_answers_that_change_from_run_to_run_are_never_cached(function):
    assert not AnswerCache.cacheable(f"SELECT ({function.lower()}() AS ?x) WHERE {{}}")
    assert AnswerCache.cacheable(f'SELECT ?x WHERE {{ ?x rdfs:comment "{function}" }}')


def test_answer_cache_is_bounded_and_skips_volatile_queries():
    entry = AnswerCache.cost(("q00", "text/csv"), b"x" * 90)
    cache = AnswerCache(budget=10 * entry)
    assert not cache.cacheable("SELECT (RAND() AS ?r) {}") and not cache.cacheable("SELECT (STRUUID() AS ?u) {}")
    assert cache.cacheable('SELECT ?x { ?x rdfs:label "RAND" }')
    for index in range(20):
        cache.put((f"q{index:02d}", "text/csv"), b"x" * 90)
    assert cache.size <= 10 * entry and len(cache.entries) == 10
    assert cache.get(("q00", "text/csv")) is None and cache.get(("q19", "text/csv")) == b"x" * 90
    cache.put(("huge", "text/csv"), b"x" * (2 * entry))  # over an eighth of the budget: not kept
    assert cache.get(("huge", "text/csv")) is None


def test_the_answer_cache_holds_no_more_memory_than_its_budget_keys_included():
    """200 distinct ~1 MB queries with an 8 MB budget (as `serve --cache-mb 8`) grew serve by 297 MB
    when only the answers' bytes were counted: the memory the cache holds is measured here, texts of
    characters beyond Latin-1 (4 bytes each in Python) included."""
    import tracemalloc

    budget = 8_000_000
    cache = AnswerCache(budget)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(200):
            text = f"SELECT * WHERE {{ ?s ?p '{index}' }} # " + ("\U0001f600" if index % 2 else "x") * 250_000
            cache.put((text, "application/sparql-results+json"), b"{}" * (index % 7))
            small = f"SELECT * WHERE {{ ?s ?p {index} }}"
            cache.put((small, "application/sparql-results+json"), b"r" * 100_000)
        del text, small
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.size <= budget
    assert held <= budget * 1.05, f"the cache holds {held:,} bytes for a budget of {budget:,}"
