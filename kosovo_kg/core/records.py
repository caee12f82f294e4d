"""Immutable records with named fields, for the modules a one-off query imports.

``typing.NamedTuple`` and ``dataclasses`` would do this job, but importing them is what a
one-off ``kosovo-kg query`` cannot afford: measured with valgrind (instruction counts, which
the load on the machine does not change), ``import typing`` costs 16M instructions and
``import dataclasses`` more (it imports ``inspect``), against 48M for the whole of
``python -c "import pyoxigraph"``. A record here is a class with ``__slots__`` and its own
typed ``__init__``; this base gives it what a named tuple has: equality, hashing, a readable
``repr``, immutability and ``replace``.

>>> class Point(Record):
...     __slots__ = ("x", "y")
...     def __init__(self, x: int, y: int = 0) -> None:
...         self._set(x=x, y=y)
>>> p = Point(1)
>>> p, p == Point(1, 0), p.replace(y=2)
(Point(x=1, y=0), True, Point(x=1, y=2))
>>> p.x = 5
Traceback (most recent call last):
...
AttributeError: Point is immutable: use replace()
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Self


class Record:
    __slots__: tuple[str, ...] = ()

    def _set(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use replace()")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and type(other) is type(self) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._fields()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed."""
        copy = object.__new__(type(self))
        for name in self.__slots__:
            object.__setattr__(copy, name, changes.pop(name, getattr(self, name)))
        if changes:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(changes))!r}")
        return copy
