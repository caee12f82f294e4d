"""Stored queries: one ``.rq`` file per question in ``queries/``, with a grlc-style header.

A header is made of ``#+ key: value`` lines (YAML, as grlc reads them). Parameters are
variables named the grlc way: ``?_name_type`` (required) or ``?__name_type`` (optional),
where the type is ``iri``, ``string``, ``integer``, ``decimal``, ``date`` or ``gYear``.
Values are checked, typed and bound as RDF terms (a VALUES block, see
``pipeline.prepare``), never pasted into the query text as strings.
"""

from __future__ import annotations

import os
import re
from functools import cache

import pyoxigraph as ox

from kosovo_kg.core import paths
from kosovo_kg.core.records import Record
from kosovo_kg.errors import ParameterError, QueryError
from kosovo_kg.namespaces import KKG, KKR, PREFIXES, XSD, shorten
from kosovo_kg.querying.sparqltext import has_keyword, parameter_variables

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "date", "gYear")
# Patterns as text: the re module compiles each on first use and keeps it, so a command that
# never needs one does not pay for compiling it at import.
_IRI_FORBIDDEN = r'[\s<>"{}|^`\\]'
_QUERY_NAME = r"[a-z0-9][a-z0-9-]*"


class Parameter(Record):
    """A stored query's parameter: its name, the variable it binds, its type and default."""

    __slots__ = ("default", "name", "required", "type", "variable")
    name: str
    variable: str
    type: str
    required: bool
    default: str | None

    def __init__(self, name: str, variable: str, type: str, required: bool, default: str | None = None) -> None:
        self._set(name=name, variable=variable, type=type, required=required, default=default)

    def describe(self) -> str:
        text = f"{self.name} ({self.type}"
        text += ", required" if self.required and self.default is None else ", optional"
        if self.default is not None:
            text += f", default {self.default}"
        return text + ")"


class StoredQuery(Record):
    """A stored question: its name, file, SPARQL text and header."""

    __slots__ = ("description", "name", "parameters", "path", "summary", "tags", "text")
    name: str
    path: str
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]

    def __init__(
        self,
        name: str,
        path: str,
        text: str,
        summary: str,
        description: str = "",
        tags: tuple[str, ...] = (),
        parameters: tuple[Parameter, ...] = (),
    ) -> None:
        self._set(
            name=name, path=path, text=text, summary=summary, description=description, tags=tags, parameters=parameters
        )

    @property
    def federated(self) -> bool:
        """Whether the query asks another endpoint (SERVICE), so needs --allow-federation.

        Tokenized only when SERVICE may be a keyword (listing the catalogue asks this of every
        stored query); the screen itself, refuse_federation, reads every query whole.
        """
        return has_keyword(self.text, "SERVICE")


def parse_header(text: str, shown_path: str) -> dict[str, object]:
    """Read the ``#+`` header: scalar values, lists of scalars, and lists of one-key maps.

    >>> parse_header("#+ summary: NATO members\\n#+ tags:\\n#+   - contract\\n#+ defaults:\\n#+   - asof: 2024-01-01\\nSELECT", "q.rq")
    {'summary': 'NATO members', 'tags': ['contract'], 'defaults': [{'asof': '2024-01-01'}]}
    """
    header: dict[str, object] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        body = line[2:]
        stripped = body.strip()
        if not stripped:
            continue
        if stripped.startswith("- "):
            if current is None or not isinstance(header.get(current), list):
                raise QueryError(f"{shown_path}:{number}: list item outside a list key")
            item = stripped[2:].strip()
            key, sep, value = item.partition(":")
            entry: object = {key.strip(): _unquote(value.strip())} if sep and " " not in key.strip() else _unquote(item)
            items = header[current]
            assert isinstance(items, list)  # checked above
            items.append(entry)
            continue
        key, sep, value = stripped.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z_]+", key.strip()):
            raise QueryError(f"{shown_path}:{number}: header line is not 'key: value': {stripped!r}")
        current = key.strip()
        header[current] = _unquote(value.strip()) if value.strip() else []
    return header


def _listed(value: object) -> list[object]:
    """A header key's items: its list, or nothing when it is absent or empty."""
    return value if isinstance(value, list) else []


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _parameter(variable: str, defaults: dict[str, str], shown_path: str) -> Parameter:
    required = not variable.startswith("__")
    name, _, kind = variable.lstrip("_").partition("_")
    kind = kind or "string"
    if kind not in PARAMETER_TYPES:
        raise QueryError(
            f"{shown_path}: parameter ?{variable} has unknown type {kind!r}; use one of {', '.join(PARAMETER_TYPES)}"
        )
    return Parameter(name, variable, kind, required, defaults.get(name))


def read_stored_query(path: str | os.PathLike[str]) -> StoredQuery:
    path = os.fspath(path)
    shown = paths.shown_in_project(path)
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    header = parse_header(text, shown)
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary:
        raise QueryError(f"{shown}: the header needs a '#+ summary:' line")
    defaults: dict[str, str] = {}
    for entry in _listed(header.get("defaults")):
        if isinstance(entry, dict):
            defaults.update({k: str(v) for k, v in entry.items()})
    tags = tuple(str(t) for t in _listed(header.get("tags")))
    parameters = tuple(_parameter(v, defaults, shown) for v in parameter_variables(text))
    description = header.get("description", "")
    name = os.path.splitext(os.path.basename(path))[0]
    return StoredQuery(name, path, text, summary, str(description), tags, parameters)


@cache
def _read_cached(path: str, modified_ns: int) -> StoredQuery:
    return read_stored_query(path)


def _stored_query_at(path: str) -> StoredQuery:
    """The query in this file, read again only when the file has changed."""
    return _read_cached(path, os.stat(path).st_mtime_ns)


def catalogue() -> dict[str, StoredQuery]:
    """Every stored question, by name (quality checks live apart, in ``queries/checks/``)."""
    queries = (_stored_query_at(path) for path in paths.query_file_paths())
    return {query.name: query for query in queries}


def get_stored_query(name: str) -> StoredQuery:
    """One stored question by name; a one-off query reads its own file and no other.

    >>> get_stored_query("kfor-strength").summary
    'KFOR troop strength at each date recorded'
    >>> get_stored_query("../graph/actors")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.QueryError: no stored query named '../graph/actors'; run 'kosovo-kg queries' for the list
    """
    if re.fullmatch(_QUERY_NAME, name):
        path = paths.query_file_path(name)
        if os.path.isfile(path):
            return _stored_query_at(path)
    import difflib

    close = difflib.get_close_matches(name, list(catalogue()), n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; run 'kosovo-kg queries' for the list"
    raise QueryError(f"no stored query named {name!r}{hint}")


def bind_parameters(
    query: StoredQuery, values: dict[str, object], kg: KnowledgeGraph | None = None
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check and type the given parameter values; returns variable name -> RDF term."""
    known = {p.name: p for p in query.parameters}
    for name in values:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, list(known), n=1)
            if known:
                hint = f"did you mean {close[0]}? " if close else ""
                accepted = ", ".join(p.describe() for p in query.parameters)
                raise ParameterError(f"unknown parameter {name!r} for {query.name}: {hint}it takes {accepted}")
            raise ParameterError(f"unknown parameter {name!r}: {query.name} takes no parameters")
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for parameter in query.parameters:
        raw = values.get(parameter.name, parameter.default)
        if raw is None:
            if parameter.required:
                raise ParameterError(
                    f"missing parameter {parameter.name!r} for {query.name}: give it as --param {parameter.name}=… ({parameter.describe()})"
                )
            continue
        if kg is not None and parameter.type == "iri":
            from kosovo_kg.querying.terms import controlled_values

            allowed = controlled_values(query.text, parameter.variable, kg)
            if allowed is not None:
                bound[parameter.variable] = ox.NamedNode(_controlled_term(parameter, str(raw), allowed))
                continue
        term = typed_value(parameter, raw, kg)
        if kg is not None and isinstance(term, ox.NamedNode):
            _check_term(parameter, term.value, kg)
        bound[parameter.variable] = term
    return bound


def _controlled_term(parameter: Parameter, text: str, allowed: list[str]) -> str:
    """A value of a controlled vocabulary (a stance, say): one of its terms, as an IRI, a prefixed
    name or its name (``kkg:Opposes``, ``Opposes``, ``opposes``); else a :class:`ParameterError`
    with the closest and every term it takes."""
    from kosovo_kg.querying.terms import closest

    text = text.strip()
    prefix, colon, local = text.partition(":")
    iri = PREFIXES[prefix] + local if colon and prefix in PREFIXES else text
    if iri in allowed:
        return iri
    by_name = {term.rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower(): term for term in allowed}
    if not colon and text.lower() in by_name:
        return by_name[text.lower()]
    close = closest(iri if colon else KKG + text, allowed, n=1)
    hint = f"did you mean {shorten(close[0])}? " if close else ""
    raise ParameterError(
        f"parameter {parameter.name!r}: {text!r} is not one of its terms; {hint}"
        f"it takes {', '.join(shorten(term) for term in allowed)}"
    )


def _check_term(parameter: Parameter, iri: str, kg: KnowledgeGraph) -> None:
    """A resource or term the graph holds; else a :class:`ParameterError` with the closest."""
    from kosovo_kg.querying.terms import KKG, closest, declared_terms

    name = parameter.name
    if not iri.startswith((KKR, KKG)) or kg.describes(iri):
        return
    namespace = KKG if iri.startswith(KKG) else KKR
    close = closest(iri, declared_terms(kg, namespace), n=3)
    # a resource as the value may be written, by its bare name
    shown = [term[len(KKR) :] if namespace == KKR else shorten(term) for term in close]
    hint = f"; did you mean {', '.join(shown)}?" if close else ""
    what = (
        f"no resource {iri[len(KKR) :]!r} in the graph"
        if namespace == KKR
        else f"{shorten(iri)} is not declared in the ontology"
    )
    raise ParameterError(f"parameter {name!r}: {what}{hint}")


def typed_value(parameter: Parameter, raw: object, kg: KnowledgeGraph | None = None) -> ox.NamedNode | ox.Literal:
    """One parameter value as an RDF term of the parameter's type, or a :class:`ParameterError`.

    >>> p = Parameter("asof", "_asof_date", "date", True)
    >>> typed_value(p, "2008-02-18")
    <Literal value=2008-02-18 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
    >>> typed_value(p, "18/02/2008")
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.ParameterError: parameter 'asof' must be a date as YYYY-MM-DD, got '18/02/2008'
    """
    import datetime

    text = raw.isoformat() if isinstance(raw, datetime.date) else str(raw)
    name, kind = parameter.name, parameter.type

    def fail(expected: str) -> ParameterError:
        return ParameterError(f"parameter {name!r} must be {expected}, got {text!r}")

    if kind == "iri":
        return ox.NamedNode(_expand_iri(name, text, kg))
    if kind == "string":
        if len(text) > 2000:
            raise fail("a string of at most 2000 characters")
        return ox.Literal(text)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", text, re.ASCII):
            raise fail("a whole number")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        from decimal import Decimal, InvalidOperation

        try:
            value = Decimal(text)
        except InvalidOperation as error:
            raise fail("a number") from error
        if not value.is_finite() or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text, re.ASCII):
            raise fail("a number")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if kind == "date":
        from kosovo_kg.core.lexical import problem

        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII) or problem(text, XSD + "date"):
            raise fail("a date as YYYY-MM-DD")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    if kind == "gYear":
        if not re.fullmatch(r"\d{4}", text, re.ASCII):
            raise fail("a year as YYYY")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
    raise ParameterError(f"parameter {name!r} has an unsupported type {kind!r}")


def _expand_iri(name: str, text: str, kg: KnowledgeGraph | None) -> str:
    """A full IRI, a prefixed name (kkr:kosovo), a resource name (kosovo) or, with a local graph,
    any of an entity's names in any language or spelling (``Вучић``, ``Serbian president``,
    ``opposes``; see :mod:`kosovo_kg.core.nameindex`) as a full IRI.

    >>> from kosovo_kg.core.store import load_graph
    >>> kg = load_graph()
    >>> _expand_iri("speaker", "Александар Вучић", kg)
    'https://w3id.org/kosovo-kg/resource/aleksandar-vucic'
    >>> _expand_iri("speaker", "Yugoslavia", kg)
    Traceback (most recent call last):
    ...
    kosovo_kg.errors.ParameterError: parameter 'speaker': 'Yugoslavia' could be Federal Republic of Yugoslavia (fr-yugoslavia) or Socialist Federal Republic of Yugoslavia (sfr-yugoslavia); give the one you mean
    """
    text = text.strip()
    if not text:
        raise ParameterError(
            f"parameter {name!r} must be an IRI, a prefixed name such as kkr:kosovo or a name such as Kosovo, got ''"
        )
    prefix, colon, local = text.partition(":")
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text) or text.startswith("urn:"):
        iri = text
    elif colon and prefix in PREFIXES:
        iri = PREFIXES[prefix] + local
    elif colon and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*:\S*", text):
        raise ParameterError(
            f"parameter {name!r}: unknown prefix {prefix!r} in {text!r}; known prefixes: {', '.join(PREFIXES)}"
        )
    elif kg is not None and not (re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]*", text) and kg.describes(KKR + text)):
        return _resolve_name(name, text, kg)
    elif re.search(_IRI_FORBIDDEN, text) or colon:
        raise ParameterError(
            f"parameter {name!r} must be an IRI, a prefixed name such as kkr:kosovo or a resource name such as kosovo, got {text!r}"
        )
    else:
        iri = KKR + text
    if re.search(_IRI_FORBIDDEN, iri):
        raise ParameterError(
            f"parameter {name!r} must be an IRI, a prefixed name such as kkr:kosovo or a name such as Kosovo, got {text!r}"
        )
    try:  # Oxigraph's own IRI parser decides, the one that will read the bound term
        ox.NamedNode(iri)
    except ValueError as error:
        raise ParameterError(f"parameter {name!r} is not a valid IRI ({error}): {text!r}") from error
    if kg is not None and iri.startswith(KKR) and not kg.describes(iri):
        return _resolve_name(name, text, kg)
    return iri


def _resolve_name(parameter: str, text: str, kg: KnowledgeGraph) -> str:
    """The entity a name given as a parameter stands for, through the name index; a name that
    could be several, or none, is a :class:`ParameterError` naming the candidates."""
    match, candidates = kg.name_index.resolve(text)
    if match is not None:
        return match.iri

    def named(found) -> str:
        short = found.iri[len(KKR) :] if found.iri.startswith(KKR) else found.iri.rsplit("#", 1)[-1]
        return f"{found.label} ({short})"

    if not candidates:
        raise ParameterError(f"parameter {parameter!r}: nothing in the graph is named {text!r}")
    exact = candidates[0].score >= 90  # a name several entities share (see nameindex's bands)
    close = [named(found) for found in candidates[:5] if found.score >= 90 or not exact]
    listed = " or ".join(close) if len(close) <= 2 else ", ".join(close[:-1]) + " or " + close[-1]
    if exact:
        raise ParameterError(f"parameter {parameter!r}: {text!r} could be {listed}; give the one you mean")
    raise ParameterError(f"parameter {parameter!r}: no resource named {text!r} in the graph; did you mean {listed}?")
