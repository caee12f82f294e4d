"""Text for a terminal: what a label, a value or a file name holds is shown, never obeyed.

A value from the graph, a ``--data`` file or a remote engine can hold ESC, OSC and CSI sequences,
BEL, a carriage return that overwrites what came before, a bidirectional override that reorders
what follows, or C1 controls that some terminals read as ESC sequences. Written raw, they would
move the cursor, retitle the window or hide text; here each such character is written as its
Python escape (``\\x1b``, ``\\u202e``), which the terminal shows as text. Spaces of every kind stay
as they are.
"""

from __future__ import annotations


def _escaped(character: str) -> str:
    if character.isprintable():
        return character
    import unicodedata

    if unicodedata.category(character) == "Zs":  # a no-break space and the like: harmless
        return character
    return repr(character)[1:-1]


def terminal_text(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control and format character escaped; with ``newlines``, LF is kept
    (a multi-line value in a table cell, a report of several lines) and every other line break
    (CR, VT, FF, NEL, U+2028) is escaped.

    >>> terminal_text("Kosovo\\x1b]0;owned\\x07 \\u202eevil\\r\\nnext")
    'Kosovo\\\\x1b]0;owned\\\\x07 \\\\u202eevil\\\\r\\\\nnext'
    >>> terminal_text("two\\nlines\\tand a tab", newlines=True)
    'two\\nlines\\\\tand a tab'
    """
    if text.isprintable():
        return text
    if newlines:
        return "\n".join("".join(map(_escaped, line)) for line in text.split("\n"))
    return "".join(map(_escaped, text))


__all__ = ["terminal_text"]
