"""core/terminal.py: what a terminal is given shows every control character as its escape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kosovo_kg.core.terminal import terminal_text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Kosovo", "Kosovo"),
        ("Приштина · Prishtinë", "Приштина · Prishtinë"),
        ("a\u00a0b", "a\u00a0b"),  # a no-break space is a space
        ("\x1b[2Jclear", "\\x1b[2Jclear"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("over\rwrite", "over\\rwrite"),
        ("c1\x9b31m", "c1\\x9b31m"),
        ("\u202eevil", "\\u202eevil"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("line\u2028break", "line\\u2028break"),
        ("tab\there", "tab\\there"),
        ("two\nlines", "two\\nlines"),
    ],
)
def test_controls_are_escaped_and_the_rest_kept(text, shown):
    assert terminal_text(text) == shown


def test_with_newlines_a_line_feed_is_kept_and_every_other_break_escaped():
    assert terminal_text("a\nb\rc\x0bd\x85e", newlines=True) == "a\nb\\rc\\x0bd\\x85e"


@given(st.text())
def test_nothing_a_terminal_would_obey_is_left(text):
    import unicodedata

    shown = terminal_text(text, newlines=True)
    assert all(c == "\n" or c.isprintable() or unicodedata.category(c) == "Zs" for c in shown)
    assert not any(c in shown for c in "\x1b\x07\r\x9b\u202e\u2028")
