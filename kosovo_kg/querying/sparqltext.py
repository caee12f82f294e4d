"""Just enough lexing of SPARQL text to guard and bind queries without a full parser.

The lexer skips comments, strings and IRIs, so a keyword inside them never counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from functools import cache, lru_cache, wraps

from kosovo_kg.errors import FederationRefused, QueryRefused

TYPE_CHECKING = False  # typing is not imported at run time: see core/records.py
if TYPE_CHECKING:
    from typing import TypeVar

    Found = TypeVar("Found")

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
    beyond_ascii = not query.isascii() and not code_after_header(query).isascii()
    for match in _token_regex(beyond_ascii).finditer(query):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start())


#: Texts up to this long are remembered by the screens below (the longest stored query is 2,890
#: characters), the last 256 by each: at most 4 MB a screen (4 bytes a character), 1 MB in ASCII.
#: A longer text, which a client may send by the million, is worked out afresh each time:
#: remembered whatever their length, 200 distinct 1 MB queries grew serve by ~95 MB per 100.
REMEMBERED_LENGTH = 4096


def _remembered(function: Callable[..., Found]) -> Callable[..., Found]:
    """``function`` of a text (and more arguments), remembered for the last 256 texts of at most
    :data:`REMEMBERED_LENGTH` characters: every request is screened, a stored question on every
    run, and unremembered the screens were half of serve's CPU per request."""
    cached = lru_cache(maxsize=256)(function)

    @wraps(function)
    def lookup(text: str, *args: object) -> Found:
        return cached(text, *args) if len(text) <= REMEMBERED_LENGTH else function(text, *args)

    return lookup


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
    "FROM": "FROM / FROM NAMED may make a remote endpoint fetch the named graph's IRI",
}


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
def may_name_keyword(query: str, words: Collection[str]) -> bool:
    """Whether one of ``words`` (upper case) may stand in the query as a keyword: it is in the
    query after the comments that open it (:func:`code_after_header`), and not as a variable's
    name (?FROM and $SERVICE are variables wherever they stand: the grammar's longest match makes
    a ? or $ before a name a variable's sigil, so those cannot hide a keyword). Where it says so,
    :func:`keywords` tells for certain; where it does not, no tokenizing is needed, which costs a
    one-off query more than running it and was the largest share of serve's CPU per request that
    its screens took. (``words``: a tuple or frozenset, as the answer is remembered.)

    >>> may_name_keyword("SELECT ?from { ?s ?p ?o } ORDER BY ?from", ("FROM",))
    False
    >>> may_name_keyword('SELECT * { ?s ?p "from" }', ("FROM",))
    True
    """
    return re.search(r"(?<![?$])(?:" + "|".join(words) + ")", code_after_header(query)) is not None


def has_keyword(query: str, word: str) -> bool:
    """Whether ``word`` (upper case) is one of the query's keywords, read as written.

    >>> has_keyword('SELECT ?from { ?s ?p "FROM" }', "FROM"), has_keyword("SELECT * FROM <g> { }", "FROM")
    (False, True)
    """
    return may_name_keyword(query, (word,)) and word in keywords(query)


@_remembered
def code_after_header(query: str) -> str:
    """The query upper-cased from its first code on, without the comments that open it (a stored
    query's header, which says "with" and "from" in prose): for a first look for keywords that is
    cheaper than tokenizing.

    Only the opening comments are left out: before any code no string can be open, and a SPARQL
    comment ends at CR or LF, nowhere else. A later line that starts with ``#`` may be the end of
    a long string with code after it (its three closing quotes, then ``SERVICE <…>``), and
    Python's other line breaks (U+0085, U+2028) may stand inside a short string, so the rest is
    kept whole: reading either as a comment hid a SERVICE from the screen while Oxigraph ran it.
    Codepoint escapes are not expanded here: callers look for them in the whole text first.

    >>> code_after_header("#+ summary: who said what, from 1999\\r\\n  # more\\nSELECT * { ?s ?p ?o } # from")
    'SELECT * { ?S ?P ?O } # FROM'
    """
    at = 0
    while True:
        while at < len(query) and query[at] in " \t\r\n":  # SPARQL's white space
            at += 1
        if not query.startswith("#", at):
            return query[at:].upper()
        ends = [end for end in (query.find("\n", at), query.find("\r", at)) if end >= 0]
        at = min(ends) if ends else len(query)


def refuse_federation(query: str, *, from_clauses: bool = True) -> None:
    """Raise :class:`FederationRefused` if the query could make an engine fetch another URL.

    With ``from_clauses=False``, FROM and FROM NAMED are left to :mod:`kosovo_kg.querying.datasets`: on the
    embedded engines they choose among the store's graphs and fetch nothing.

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
    if "\\U" not in query.upper() and not may_name_keyword(query, tuple(_FETCHING)):
        return
    found = (keywords(query) | keywords(expand_codepoint_escapes(query))) & _FETCHING.keys()
    if not from_clauses:
        found -= {"FROM"}
    if found:
        reasons = "; ".join(_FETCHING[word] for word in sorted(found))
        raise FederationRefused(f"refused: {reasons}; pass --allow-federation to allow it")


#: Deepest nesting of { ( [ and quoted triples << >> a query may have. Oxigraph's parser recurses
#: per level and crashed the process (stack overflow, SIGSEGV) at a few thousand, and took seconds
#: per doubling of << long before; stored queries need fewer than ten.
MAX_NESTING = 64

# The lexer's modes while measuring nesting: code, a comment, the four kinds of string.
_CODE, _COMMENT, _SHORT1, _SHORT2, _LONG1, _LONG2 = range(6)
#: The characters that can change a mode or the depth; the others are skipped by the regex engine.
_NESTING_EVENTS = r"""[#'"<>\\\r\n(){}\[\]]"""
#: An IRI's scheme and "//": an absolute IRI with an authority (http://, https://, file://).
_ABSOLUTE = r"[A-Za-z][A-Za-z0-9+.\-]*://"
_IRIREF = r'<(?:[^<>"{}|^`\\\x00-\x20]|' + _UCHAR + ")*>"


def _nesting_transitions(mode: int, char: str, text: str, i: int) -> tuple[tuple[int, int], ...]:
    """Every (mode, position to resume at) a reading of ``text`` can be in after the character at
    ``i``, from ``mode``: where two readings are possible, both (see :func:`nesting_depth`)."""
    if mode == _CODE:
        if char == "#":
            return ((_COMMENT, i + 1),)
        if char in "'\"":
            short, long = (_SHORT1, _LONG1) if char == "'" else (_SHORT2, _LONG2)
            if text.startswith(char * 3, i):  # a long string, or an empty string and a short one
                return ((long, i + 3), (short, i + 1))
            return ((short, i + 1),)
        if char == "<":  # the less-than operator, or an IRI (which the engine reads as one token)
            iri = _iriref_regex().match(text, i)
            if iri is None:
                return ((_CODE, i + 1),)
            if _iriref_regex(_ABSOLUTE).match(text, i + 1):
                # "<http://…": read as an operator, "http:" would be an operand and "//" two
                # divisions in a row, an error in every grammar that reads "<" as an operator
                return ((_CODE, iri.end()),)
            return ((_CODE, i + 1), (_CODE, iri.end()))
        if char == "\\":  # a prefixed name's escape (ex:a\#b) takes the next character, or a stray backslash
            return ((_CODE, i + 1), (_CODE, i + 2))
        return ((_CODE, i + 1),)
    if mode == _COMMENT:
        if char == "\n":
            return ((_CODE, i + 1),)
        if char == "\r":  # the grammar ends a comment at CR; a parser that ends it at LF only reads on
            return ((_CODE, i + 1), (_COMMENT, i + 1))
        return ((_COMMENT, i + 1),)
    quote = "'" if mode in (_SHORT1, _LONG1) else '"'
    if char == "\\":
        return ((mode, i + 2),)
    if mode in (_SHORT1, _SHORT2):
        if char == quote:
            return ((_CODE, i + 1),)
        return () if char in "\r\n" else ((mode, i + 1),)  # a short string ends at its line, or is an error
    if char == quote and text.startswith(quote * 3, i):
        return ((_CODE, i + 3), (mode, i + 1))
    return ((mode, i + 1),)


@cache
def _iriref_regex(pattern: str = _IRIREF) -> re.Pattern[str]:
    """Compiled on first use (see :func:`_token_regex`)."""
    return re.compile(pattern)


@_remembered
def nesting_depth(text: str, limit: int = MAX_NESTING) -> tuple[int, int]:
    """How deep ``text`` nests { ( [ and the quoted triples' << >> in any reading an engine can make
    of it, and where it first passes ``limit`` (-1 if it does not).

    A lexer of our own in front of the engine is a parser differential: where the two read the
    text differently, brackets the engine counts can be hidden from the guard (a ``<`` is the
    less-than operator in ``FILTER(?o <((((1))))> 2)``, where Oxigraph recursed until it crashed,
    but the start of an IRI token to a lexer that takes ``<((((1))))>`` for one). So the text is
    not read one way: every reading the grammar allows is followed at once, as the modes a
    nondeterministic lexer can be in (an IRI or an operator at each ``<``, a prefixed name's
    escape or a stray backslash at each ``\\``, a long string or two short ones at each triple
    quote, a comment that ends at CR or at LF only). An opening bracket counts where any reading
    takes it for code; a closing one only where every reading does. The count is then at least
    the depth of every reading at every point: no engine, whatever its reading, nests deeper
    than measured. A run of ``<`` or ``>`` is read as pairs, each ``<<`` an opening and each ``>>``
    a closing (an opening too many where a ``<`` is an operator or an IRI's start, never a closing
    too many).

    >>> nesting_depth("ASK { << <a> <b> << <c> <d> <e> >> >> <p> <o> }")
    (3, -1)
    """
    states: set[tuple[int, int]] = {(_CODE, 0)}
    depth = deepest = 0
    passed = -1
    pair_ends = 0  # where the last << or >> read as a pair ends: <<<< is two, not three
    for event in re.finditer(_NESTING_EVENTS, text):
        i, char = event.start(), event.group()
        active = {mode for mode, resume in states if resume <= i}
        # (a ">" that ends an IRI in some reading is that IRI's: <c>>> closes the IRI, then a pair)
        ends_iri = char == ">" and any(resume == i + 1 for _, resume in states)
        pair = char in "<>" and i >= pair_ends and not ends_iri and text.startswith(char * 2, i)
        if pair:
            pair_ends = i + 2
        if char in "{([" or (pair and char == "<"):
            if _CODE in active:
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > limit and passed < 0:
                        passed = i
        elif char in "})]" or (pair and char == ">"):
            if active == {_CODE} and all(resume <= i for _, resume in states):
                depth = max(0, depth - 1)
        following: set[tuple[int, int]] = set()
        for mode, resume in states:
            if resume > i:
                following.add((mode, resume))
            else:
                following.update(_nesting_transitions(mode, char, text, i))
        # (the set stays small: an IRI holds no "<", so the readings' IRIs never overlap)
        states = {(mode, resume if resume > i + 1 else 0) for mode, resume in following}
        states = states or {(_CODE, 0)}  # no reading left: the text is an error in all; read on as code
    return deepest, passed


def refuse_deep_nesting(query: str, limit: int = MAX_NESTING) -> None:
    """Raise :class:`QueryRefused` for a query nested deeper than ``limit`` in any reading of it
    (:func:`nesting_depth`), before an engine parses it.

    >>> refuse_deep_nesting("SELECT * { " + "{ " * 100 + "}" * 100 + " }")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryRefused: refused: the query nests groups, lists, parentheses or quoted triples more than 64 deep (at line 1, column 138); simplify it
    >>> refuse_deep_nesting("SELECT * { ?s ?p ?o FILTER(?o <" + "(" * 100 + "1" + ")" * 100 + "> 2) }")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryRefused: refused: the query nests groups, lists, parentheses or quoted triples more than 64 deep (at line 1, column 94); simplify it
    """
    if sum(query.count(bracket) for bracket in ("{", "(", "[", "<<")) <= limit and "\\" not in query:
        return  # too few brackets to nest that deep
    # rdflib expands codepoint escapes (\u0028 is a parenthesis) before it parses: that text too
    for text in dict.fromkeys((query, expand_codepoint_escapes(query))):
        _, passed = nesting_depth(text, limit)
        if passed >= 0:
            line = text.count("\n", 0, passed) + 1
            column = passed - (text.rfind("\n", 0, passed) + 1) + 1
            raise QueryRefused(
                f"refused: the query nests groups, lists, parentheses or quoted triples more than {limit} deep "
                f"(at line {line}, column {column}); simplify it"
            )


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
