"""The answer cache of ``serve``: answers by the exact prepared text and media type.

The graph is read-only while serving, so the same text always has the same answer, except for
queries that call RAND, NOW, UUID, STRUUID or BNODE, which are never cached.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from typing import NamedTuple

from kosovo_kg.querying.sparqltext import keywords

#: Functions whose answer changes from one run to the next: such queries are not cached.
VOLATILE = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})


class Answer(NamedTuple):
    body: bytes
    media_type: str
    cached: bool


class AnswerCache:
    """Answers by (prepared text, media type), least recently used out first, within a byte budget.

    An entry costs what it holds: the text and the body as Python objects (``sys.getsizeof``: a
    text of non-Latin-1 characters takes 2 or 4 bytes each) and the entry's own bookkeeping
    (the key's tuple and the ordered dict's node, measured with tracemalloc: 240 bytes).
    """

    ENTRY_OVERHEAD = 240

    def __init__(self, budget: int):
        self.budget, self.size = budget, 0
        self.entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.hits = self.misses = 0

    @staticmethod
    def cacheable(text: str) -> bool:
        return not (keywords(text) & VOLATILE)

    @classmethod
    def cost(cls, key: tuple[str, str], body: bytes) -> int:
        return sys.getsizeof(key[0]) + sys.getsizeof(key[1]) + sys.getsizeof(body) + cls.ENTRY_OVERHEAD

    def get(self, key: tuple[str, str]) -> bytes | None:
        body = self.entries.get(key)
        if body is None:
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        cost = self.cost(key, body)
        if cost > self.budget // 8 or key in self.entries:  # one answer may not crowd out the rest
            return
        self.entries[key] = body
        self.size += cost
        while self.size > self.budget:
            dropped_key, dropped = self.entries.popitem(last=False)
            self.size -= self.cost(dropped_key, dropped)


__all__ = ["VOLATILE", "Answer", "AnswerCache"]
