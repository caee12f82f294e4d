"""Text for a terminal: what a label, a value or a file name holds is shown, never obeyed.

A value from the graph, a ``--data`` file or a remote engine can hold ESC, OSC and CSI sequences,
BEL, a carriage return that overwrites what came before, a bidirectional override that reorders
what follows, or C1 controls that some terminals read as ESC sequences. Written raw, they would
move the cursor, retitle the window or hide text; here each such character is written as its
Python escape (``\\x1b``, ``\\u202e``), which the terminal shows as text. Spaces of every kind stay
as they are.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: see records.py
if TYPE_CHECKING:
    from collections.abc import Callable


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


def _escape_in(grammar: str) -> Callable[[str], str]:
    """How a character that could drive a terminal is written in ``grammar``'s own escapes, so
    that the text still reads as that format: JSON's \\uXXXX (an astral character as its two
    surrogates), Turtle's and N-Triples' \\uXXXX or \\UXXXXXXXX, XML's &#xX;."""
    if grammar == "json":

        def json_escape(character: str) -> str:
            units = character.encode("utf-16-be")
            return "".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2))

        return json_escape
    if grammar == "turtle":
        return lambda c: f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
    return lambda c: f"&#x{ord(c):x};"


def answer_for_terminal(text: str, grammar: str) -> str:
    r"""An answer (a table, CSV, JSON, Turtle) bound for a terminal rather than a pipe or a file: each
    character that could drive the terminal escaped in the answer's own grammar (``"json"``,
    ``"turtle"`` for Turtle and N-Triples, ``"xml"``), or shown as an escape (``"text"``: tables,
    CSV, TSV, whose grammars have none; CSV's CRLF is a line end there). Tabs and line ends stay.

    >>> answer_for_terminal('{"x": "\u202eevil"}', "json")
    '{"x": "\\u202eevil"}'
    >>> answer_for_terminal("a,b\r\n\x1b[2J,c\r\n", "text")
    'a,b\n\\x1b[2J,c\n'
    """
    if text.isprintable():
        return text
    if grammar == "text":
        text = text.replace("\r\n", "\n")
    escape = _escaped if grammar == "text" else _escape_in(grammar)

    def kept(character: str) -> str:
        if character in "\t\n" or _escaped(character) == character:
            return character
        return escape(character)

    return "".join(map(kept, text))


__all__ = ["answer_for_terminal", "terminal_text"]
