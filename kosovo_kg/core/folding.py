"""How names are compared: folded to Latin letters without case or diacritics, split into the
words that say which entity is meant, and shortened to initials (see :mod:`kosovo_kg.core.nameindex`)."""

from __future__ import annotations

import re

#: Words that say nothing of which entity is meant ("President of Serbia", "Partnership for Peace").
STOPWORDS = frozenset("of the and for in on at to a an by with from".split())


def fold(text: str) -> str:
    """A name as the index compares it: Latin script, no diacritics, lower case, words apart.

    >>> fold("Вучић"), fold("Ελλάδα"), fold("Republika e Kosovës"), fold("U.S.–Kosovo")
    ('vucic', 'ellada', 'republika e kosoves', 'u s kosovo')
    """
    import cyrtranslit
    from unidecode import unidecode

    # a lone surrogate (a command-line byte that is not UTF-8) is no letter of a name; unidecode
    # would warn on stderr for each one
    text = text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text
    latin = cyrtranslit.to_latin(text, "sr") if has_cyrillic(text) else text
    return " ".join(re.findall(r"[a-z0-9]+", unidecode(latin).lower()))


def as_written(text: str) -> str:
    """A name in its own script, without case or diacritics: which of the names that fold alike
    was typed (Грчка or Grčka, both "grcka")."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def content_words(folded: str) -> tuple[str, ...]:
    """The words of a folded name that say which entity is meant (all of them if every one is a stopword)."""
    words = tuple(folded.split())
    kept = tuple(w for w in words if w not in STOPWORDS)
    return kept or words


def initials(label: str) -> str | None:
    """The initials of a label's words, an abbreviation kept as it is and a number kept whole; None
    for fewer than three letters or more than five words.

    >>> initials("UN Security Council Resolution 1244"), initials("Federal Republic of Yugoslavia")
    ('UNSCR 1244', 'FRY')
    >>> initials("Kosovo Force") is None
    True
    """
    words = [w for w in re.findall(r"[A-Za-z0-9]+", label) if w.lower() not in STOPWORDS]
    if not 2 <= len(words) <= 5:
        return None
    letters = "".join(w if w.isupper() and len(w) > 1 else w[0].upper() for w in words if not w.isdigit())
    numbers = [w for w in words if w.isdigit()]
    return " ".join([letters, *numbers]) if len(letters) >= 3 else None


__all__ = ["STOPWORDS", "as_written", "content_words", "fold", "has_cyrillic", "initials"]
