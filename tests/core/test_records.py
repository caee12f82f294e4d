"""core/records.py: immutable records with named fields (what NamedTuple gives, without importing
typing): equality by type and fields, hashing, a readable repr, replace()."""

from __future__ import annotations

import pytest

from kosovo_kg.core.records import Record


class Point(Record):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int = 0) -> None:
        self._set(x=x, y=y)


class Pair(Record):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self._set(x=x, y=y)


def test_equal_fields_of_the_same_type_are_equal_and_hash_alike():
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert len({Point(1, 2), Point(1, 2), Point(1)}) == 2
    # a record of another type with the same fields is another thing, and no tuple is a record
    assert Point(1, 2) != Pair(1, 2) and Point(1, 2) != (1, 2)


def test_the_repr_names_the_type_and_every_field():
    assert repr(Point(1)) == "Point(x=1, y=0)"
    assert repr(Pair("a", None)) == "Pair(x='a', y=None)"


def test_a_record_cannot_be_changed_or_given_new_attributes():
    point = Point(1)
    with pytest.raises(AttributeError, match=r"^Point is immutable: use replace\(\)$"):
        point.x = 5
    with pytest.raises(AttributeError, match="Point is immutable"):
        point.z = 5
    assert point == Point(1, 0)


def test_replace_copies_with_some_fields_changed_and_refuses_an_unknown_field():
    point = Point(1, 2)
    moved = point.replace(y=3)
    assert moved == Point(1, 3) and point == Point(1, 2) and type(moved) is Point
    assert point.replace() == point and point.replace() is not point
    with pytest.raises(TypeError, match=r"^Point has no field 'z'$"):
        point.replace(z=1)


def test_the_package_records_behave_alike():
    from kosovo_kg.querying.pipeline import PreparedQuery, QueryOptions

    options = QueryOptions(timeout=5)
    assert options == QueryOptions(timeout=5.0) and options.replace(timeout=None) == QueryOptions()
    assert repr(PreparedQuery("ASK {}")) == "PreparedQuery(stored=None, text='ASK {}')"
