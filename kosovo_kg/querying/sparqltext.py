"""Just enough lexing of SPARQL text to guard and bind queries without a full parser.

The lexer skips comments, strings and IRIs, so a keyword inside them never counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache, wraps

from kosovo_kg.errors import FederationRefused, QueryRefused

# The terminals of the SPARQL 1.1 grammar (https://www.w3.org/TR/sparql11-query/#sparqlGrammar),
# written as they are there, so that this lexer ends a comment, a string, an IRI or a name exactly
# where an engine does: any difference is a way to hide a keyword from the screens. (The lexer this
# replaced ended comments at LF only, took "ex:a\#" for a name and a comment, and "true.SERVICE"
# for one word: each hid a SERVICE from refuse_federation while Oxigraph ran it.)
_PN_CHARS_BASE_ASCII = "A-Za-z"
_PN_CHARS_BASE_BEYOND_ASCII = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_BEYOND_ASCII = "\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf\\"']"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"


def _token_pattern(beyond_ascii: bool) -> str:
    """The lexer's pattern; without the grammar's characters beyond ASCII when ``beyond_ascii``
    is false. On a query that is all ASCII the two match alike (a character class only loses
    characters the text cannot hold), and the ASCII one compiles in a fraction of the time: the
    classes of PN_CHARS span most of Unicode, and compiling them cost 42 ms, measured, more than
    the whole of a one-off query."""
    base = _PN_CHARS_BASE_ASCII + (_PN_CHARS_BASE_BEYOND_ASCII if beyond_ascii else "")
    chars_u = base + "_"
    chars = chars_u + r"\-0-9" + (_PN_CHARS_BEYOND_ASCII if beyond_ascii else "")
    prefix = "[" + base + "](?:[" + chars + ".]*[" + chars + "])?"
    local = (
        "(?:[" + chars_u + ":0-9]|" + _PLX + ")"
        "(?:(?:[" + chars + ".:]|" + _PLX + ")*(?:[" + chars + ":]|" + _PLX + "))?"
    )
    varname = "[" + chars_u + "0-9][" + chars_u + "0-9" + (_PN_CHARS_BEYOND_ASCII if beyond_ascii else "") + "]*"
    string_body = {
        # STRING_LITERAL1/2 hold no line break and no bare backslash; the long forms hold any
        # character but an unescaped backslash, and at most two quotes in a row
        "'": r"(?:[^'\\\n\r]|" + _ECHAR + "|" + _UCHAR + ")*",
        '"': r'(?:[^"\\\n\r]|' + _ECHAR + "|" + _UCHAR + ")*",
        "'''": r"(?:(?:'|'')?(?:[^'\\]|" + _ECHAR + "|" + _UCHAR + "))*",
        '"""': r'(?:(?:"|"")?(?:[^"\\]|' + _ECHAR + "|" + _UCHAR + "))*",
    }
    return "|".join(
        [
            r"(?P<comment>\#[^\r\n]*)",  # a comment ends at CR or LF
            "(?P<string>"
            + "|".join(f"{quote}{body}{quote}" for quote, body in sorted(string_body.items(), key=lambda q: -len(q[0])))
            + ")",
            r'(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|' + _UCHAR + ")*>)",  # IRIREF: no space, control or <>"{}|^`\
            "(?P<variable>[?$]" + varname + ")",
            "(?P<bnode>_:[" + chars_u + "0-9](?:[" + chars + ".]*[" + chars + "])?)",
            # a prefixed name (PNAME_LN, PNAME_NS), or a keyword: keywords are letters, digits and _ only
            "(?P<word>(?:" + prefix + ")?:(?:" + local + ")?|[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<open>\{)",
            r"(?P<close>\})",
            r"(?P<space>[\x20\t\r\n]+)",  # WS: the grammar's four characters, no other
            r"(?P<other>.)",
        ]
    )


@cache
def _token_regex(beyond_ascii: bool = True) -> re.Pattern[str]:
    """Compiled on first use: compiling it costs more than a whole one-off query that never needs it."""
    return re.compile(_token_pattern(beyond_ascii), re.DOTALL)


class Token(tuple[str, str, int]):
    """A token: its kind, text and offset. A tuple, as a named tuple is, without importing
    typing (see records.py): a query has thousands of them, so they must be cheap to make."""

    __slots__ = ()

    def __new__(cls, kind: str, text: str, start: int) -> Token:
        return tuple.__new__(cls, (kind, text, start))

    @property
    def kind(self) -> str:
        return self[0]

    @property
    def text(self) -> str:
        return self[1]

    @property
    def start(self) -> int:
        return self[2]


def tokens(query: str) -> Iterator[Token]:
    # Characters beyond ASCII on whole-line comments only (a stored query's header) are lexed
    # alike by both patterns: a comment, or a long string's body, takes any character.
    beyond_ascii = not query.isascii() and not code_lines(query).isascii()
    for match in _token_regex(beyond_ascii).finditer(query):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start())


#: Texts up to this long are remembered by the screens below (the longest stored query is 2,890
#: characters), the last 256 by each: at most 8 MB for the four (texts and answers of up to 4 bytes
#: a character), 2 MB in ASCII. A longer text, which a client may send by the million, is screened
#: afresh each time: remembered whatever their length, 200 distinct 1 MB queries grew serve by 297 MB.
_REMEMBERED_CHARS = 4096
TYPE_CHECKING = False  # typing is not imported at run time: see core/records.py
if TYPE_CHECKING:
    from typing import TypeVar

    _Result = TypeVar("_Result")


def _remembered(screen: Callable[[str], _Result]) -> Callable[[str], _Result]:
    """``screen`` with the answers for the last 256 short texts kept: every request is screened, a
    stored question on every run, and unremembered the screens were half of serve's CPU per request."""
    known = lru_cache(maxsize=256)(screen)

    @wraps(screen)
    def remembering(query: str) -> _Result:
        return known(query) if len(query) <= _REMEMBERED_CHARS else screen(query)

    return remembering


@_remembered
def keywords(query: str) -> frozenset[str]:
    """The bare words of a query, upper-cased (prefixed names and variables excluded).

    >>> sorted(keywords('SELECT ?service WHERE { ?s <http://x/SERVICE> "LOAD" } # FROM'))
    ['SELECT', 'WHERE']
    """
    return frozenset(t.text.upper() for t in tokens(query) if t.kind == "word" and ":" not in t.text)


@_remembered
def operation_keyword(query: str) -> str | None:
    """The query's first bare word after its PREFIX and BASE declarations, upper-cased.

    >>> operation_keyword("PREFIX ex: <http://x.test/> # a comment\\n INSERT DATA { ex:a ex:b ex:c }")
    'INSERT'
    """
    for token in tokens(query):
        if token.kind == "word" and ":" not in token.text and token.text.upper() not in ("PREFIX", "BASE"):
            return token.text.upper()
    return None


_FETCHING = {
    "SERVICE": "SERVICE makes the engine query another endpoint",
    "LOAD": "LOAD makes the engine fetch a document",
    "FROM": "FROM / FROM NAMED makes the rdflib engine fetch the named graph's IRI",
}
#: A fetching keyword where it could be one: not after a variable's sigil.
_FETCHING_WORD = r"(?<![?$])(?:" + "|".join(_FETCHING) + ")"


#: A codepoint escape. SPARQL lets \uXXXX or \UXXXXXXXX stand for a character anywhere in a query,
#: and rdflib expands them over the whole text before it parses (Oxigraph only inside strings).
_CODEPOINT_ESCAPE = r"\\[uU]([0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{4})?)"  # compiled by re on first use
#: In N-Triples text, an escaped backslash (an even run) right before u or U: a value's own "\u".
_BACKSLASH_BEFORE_U = r"(?<!\\)((?:\\\\)+)([uU])"


def expand_codepoint_escapes(query: str) -> str:
    """The query as rdflib's parser reads it: every codepoint escape replaced by its character.

    >>> expand_codepoint_escapes(r"SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> {} }")
    'SELECT * { SERVICE <http://127.0.0.1:9/> {} }'
    """

    def expand(match: re.Match) -> str:
        try:
            return chr(int(match.group(1), 16))
        except ValueError:  # beyond U+10FFFF: leave it for the parser to reject
            return match.group()

    return re.sub(_CODEPOINT_ESCAPE, expand, query)


@_remembered
def code_lines(query: str) -> str:
    """The query upper-cased without its whole-line comments, for a first look for keywords that
    is cheaper than tokenizing (stored queries' headers say "with" and "from" in prose).

    A line that starts with ``#`` is a comment, or the inside of a long string: no keyword either
    way. Python's line breaks include CR and LF, the two that end a SPARQL comment (and others,
    which only keep more lines). Codepoint escapes are not expanded here: callers look for them
    in the whole text first.

    >>> code_lines("#+ summary: who said what, from 1999\\nSELECT * { ?s ?p ?o }")
    'SELECT * { ?S ?P ?O }'
    """
    return "".join(line for line in query.upper().splitlines(True) if not line.lstrip(" \t").startswith("#"))


def refuse_federation(query: str) -> None:
    """Raise :class:`FederationRefused` if the query could make an engine fetch another URL.

    The keywords are read both as written and with codepoint escapes expanded, so that
    ``\\u0053ERVICE`` (which rdflib reads as SERVICE) is refused too.

    >>> refuse_federation("SELECT * WHERE { ?s ?p ?o }")
    >>> refuse_federation("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.FederationRefused: refused: SERVICE makes the engine query another endpoint; pass --allow-federation to allow it
    """
    # \u escapes can spell a keyword, or end a comment (rdflib expands them before parsing): with
    # any in the text, it is tokenized twice; without, only when a keyword is in its code lines
    # (?FROM and $SERVICE are variables wherever they stand: the grammar's longest match makes
    # a ? or $ before a name a variable's sigil, so those cannot hide a keyword)
    if "\\U" not in query.upper() and not re.search(_FETCHING_WORD, code_lines(query)):
        return
    found = (keywords(query) | keywords(expand_codepoint_escapes(query))) & _FETCHING.keys()
    if found:
        reasons = "; ".join(_FETCHING[word] for word in sorted(found))
        raise FederationRefused(f"refused: {reasons}; pass --allow-federation to allow it")


#: Deepest nesting of { ( [ a query may have. Oxigraph's parser recurses per level and crashed the
#: process (stack overflow, SIGSEGV) at a few thousand; stored queries need fewer than ten.
MAX_NESTING = 64
_OPENING, _CLOSING = {"{", "(", "["}, {"}", ")", "]"}


def refuse_deep_nesting(query: str, limit: int = MAX_NESTING) -> None:
    """Raise :class:`QueryError` for a query nested deeper than ``limit``, before an engine parses it.

    >>> refuse_deep_nesting("SELECT * { " + "{ " * 100 + "}" * 100 + " }")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryRefused: refused: the query nests groups, lists or parentheses more than 64 deep (at line 1, column 138); simplify it
    """
    if sum(query.count(bracket) for bracket in "{([") <= limit and "\\" not in query:
        return  # too few brackets to nest that deep
    for text in dict.fromkeys((query, expand_codepoint_escapes(query))):
        depth = 0
        for token in tokens(text):
            if token.text in _OPENING:
                depth += 1
                if depth > limit:
                    line = text.count("\n", 0, token.start) + 1
                    column = token.start - (text.rfind("\n", 0, token.start) + 1) + 1
                    raise QueryRefused(
                        f"refused: the query nests groups, lists or parentheses more than {limit} deep "
                        f"(at line {line}, column {column}); simplify it"
                    )
            elif token.text in _CLOSING:
                depth = max(0, depth - 1)


def parameter_variables(query: str) -> list[str]:
    """Variables that follow grlc's parameter convention (``?_name_type`` or ``?__name_type``), in order.

    >>> parameter_variables("SELECT ?x WHERE { ?x ?p ?_asof_date . FILTER(?x != ?__who_iri) } # ?_no")
    ['_asof_date', '__who_iri']
    """
    seen: list[str] = []
    if "?_" not in query and "$_" not in query:
        return seen
    for token in tokens(query):
        name = token.text[1:]
        if token.kind == "variable" and name.startswith("_") and name not in seen:
            seen.append(name)
    return seen


def insert_values(query: str, bindings: dict[str, str]) -> str:
    """Bind variables by a VALUES block opening the query's top-level WHERE group.

    The values are RDF terms serialized in N-Triples syntax (escaped by pyoxigraph), so a
    value cannot end the block or add a pattern: it changes what matches, never the
    query's structure.

    >>> insert_values('SELECT ?x WHERE { ?x ?p ?_v }', {'_v': '"a\\\\"}"'})
    'SELECT ?x WHERE { VALUES (?_v) { ("a\\\\"}") } ?x ?p ?_v }'
    """
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(_shield_codepoint_escapes(value) for value in bindings.values())
    block = f" VALUES ({names}) {{ ({row}) }}"
    opening = _bindings_position(query)
    return query[: opening + 1] + block + query[opening + 1 :]


@_remembered
def _bindings_position(query: str) -> int:
    """Where the query's top-level WHERE group opens (else its first group)."""
    seen_where = False
    first_open: int | None = None
    for token in tokens(query):
        if token.kind == "word" and token.text.upper() == "WHERE":
            seen_where = True
        elif token.kind == "open":
            if seen_where:
                return token.start
            if first_open is None:
                first_open = token.start
    if first_open is None:
        raise ValueError("query has no group pattern to bind parameters in")
    return first_open


def _shield_codepoint_escapes(term: str) -> str:
    r"""An N-Triples term that reads the same after rdflib's codepoint-escape pre-pass.

    A string value holding a backslash then ``u0022`` is written ``"\\u0022"``; rdflib would expand
    the ``\u0022`` inside that text to a quote and so change the value. Writing the ``u`` itself as
    ``\U00000075`` keeps the value whole on both engines (Oxigraph reads that escape in strings).

    >>> print(_shield_codepoint_escapes(r'"a\\u0022b"'))
    "a\\\U000000750022b"
    """
    return re.sub(
        _BACKSLASH_BEFORE_U, lambda m: m.group(1) + (r"\U00000075" if m.group(2) == "u" else r"\U00000055"), term
    )


def replace_iri(query: str, old: str, new: str) -> str:
    """Replace one IRI, written in full (``<old>``), by another wherever it stands as an IRI token.

    >>> replace_iri('SELECT * { SERVICE <https://a.test/sparql> { ?s ?p "<https://a.test/sparql>" } }',
    ...             "https://a.test/sparql", "http://127.0.0.1:7878/query")
    'SELECT * { SERVICE <http://127.0.0.1:7878/query> { ?s ?p "<https://a.test/sparql>" } }'
    """
    pieces, last = [], 0
    for token in tokens(query):
        if token.kind == "iri" and token.text == f"<{old}>":
            pieces += [query[last : token.start], f"<{new}>"]
            last = token.start + len(token.text)
    return "".join(pieces) + query[last:]
