"""The W3C Entity Reconciliation API, version 0.2 (what OpenRefine 3.x speaks), over the name index.

This module holds what the service answers; :mod:`kosovo_kg.web.routes.reconcile` holds the HTTP.
A candidate's ``id`` is the entity's IRI, its ``type`` the entity's most specific class, its
``score`` the name index's (0–100); ``match`` is true only when the name is exactly one entity's
(an identifier, a label or an alternative name no other entity shares) and no property given
with the query contradicts it. Properties a query may carry (``pid``): ``wikidata`` (the Wikidata
identifier, which then decides) and ``year`` (a year the entity's dates cover).

>>> from kosovo_kg.core.store import load_graph
>>> service = Reconciliation(load_graph())
>>> answer = service.reconcile({"q0": {"query": "Ελλάδα", "type": "State"}})
>>> top = answer["q0"]["result"][0]
>>> top["id"], top["name"], top["match"]
('https://w3id.org/kosovo-kg/resource/greece', 'Greece', True)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kosovo_kg.core.nameindex import REORDERED_ALTERNATIVE, Match, class_iri
from kosovo_kg.errors import RequestError
from kosovo_kg.namespaces import KKG, KKR, OWL, RDFS_LABEL, SKOS, WD

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: At most this many queries in one batch (OpenRefine sends 10; a sheet's 100 rows fit in one), and characters in one name.
BATCH_SIZE = 100
MAX_TEXT = 500
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
#: The types a user picks from first (the manifest's defaultTypes), by local name.
DEFAULT_TYPES = ("State", "Person", "Organization", "Office", "Event", "Source")
#: Properties a query may constrain on and data extension may add: id -> (name, description).
PROPERTIES = {
    "wikidata": ("Wikidata identifier", "The entity's Wikidata item, as Q-number"),
    "grade": ("Wikidata link evidence", "strong (two pairings) or single (one curated pairing)"),
    "type": ("Type", "The entity's most specific class"),
    "start": ("Start", "The earliest date of the entity's facts, at the precision the source gives"),
    "end": ("End", "The latest date of the entity's facts"),
    "name-sq": ("Name in Albanian", "Its name in Albanian, where the graph has one"),
    "name-sr": ("Name in Serbian (Cyrillic)", "Its name in Serbian, Cyrillic script"),
    "name-sr-Latn": ("Name in Serbian (Latin)", "Its name in Serbian, Latin script"),
    "source": ("Sources", "The sources of the entity's facts"),
}
_QUERY_KEYS = {"query", "type", "limit", "properties", "type_strict"}


class Reconciliation:
    """The service over one graph (its name index is built once)."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.index = kg.name_index

    # --- the manifest -----------------------------------------------------------------------

    def manifest(self, base: str) -> dict[str, object]:
        """The service manifest; ``base`` is the server's public address (never a request's Host)."""
        return {
            "versions": ["0.2"],
            "name": "kosovo-kg: Kosovo–NATO relations",
            "identifierSpace": KKR,
            "schemaSpace": KKG,
            "batchSize": BATCH_SIZE,
            "defaultTypes": [self.type_entry(name) for name in DEFAULT_TYPES],
            "view": {"url": f"{base}/reconcile/view?id={{{{id}}}}"},
            "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 140},
            "suggest": {
                kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
                for kind in ("entity", "type", "property")
            },
            "extend": {
                "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
                "property_settings": [],
            },
        }

    def type_entry(self, local_or_iri: str) -> dict[str, str]:
        iri = class_iri(local_or_iri)
        return {"id": iri, "name": self.kg.labels.get(iri, iri.rsplit("#", 1)[-1])}

    # --- reconciliation queries ---------------------------------------------------------------

    def reconcile(self, batch: object) -> dict[str, dict[str, list[dict[str, object]]]]:
        """Answer a batch: the same keys, each ``{"result": [candidate, ...]}`` best first."""
        if not isinstance(batch, dict):
            raise RequestError(400, 'queries must be a JSON object of queries, such as {"q0": {"query": "Kosovo"}}')
        if len(batch) > BATCH_SIZE:
            raise RequestError(413, f"a batch holds at most {BATCH_SIZE} queries, this one {len(batch)}")
        checked = {str(key): _checked_query(str(key), query) for key, query in batch.items()}
        return {key: {"result": self.candidates(*query)} for key, query in checked.items()}

    def candidates(
        self, text: str, types: list[str], limit: int, properties: list[tuple[str, list[object]]]
    ) -> list[dict[str, object]]:
        found: list[Match] = []
        seen: set[str] = set()
        for type_ in types or [None]:  # type: ignore[list-item]
            for match in self.index.search(text, type=type_, limit=MAX_LIMIT) if text else []:
                if match.iri.startswith(KKR) and match.iri not in seen:
                    seen.add(match.iri)
                    found.append(match)
        wikidata = [str(v).strip().upper() for pid, values in properties if pid == "wikidata" for v in values]
        if not text and wikidata:  # an identifier column alone
            found = [m for q in wikidata for m in self.index.search(q, limit=1)]
        unique, _ = self.index.resolve(text) if text else (None, [])
        results = []
        for match in found:
            features, agrees = self._features(match, properties)
            score = match.score
            if agrees is False:
                score = min(score, 50)
            elif agrees is True and wikidata:
                score = 100
            exact = unique is not None and unique.iri == match.iri and match.score >= REORDERED_ALTERNATIVE
            results.append(
                {
                    "id": match.iri,
                    "name": match.label,
                    "description": match.description,
                    "type": [{"id": match.type_iri, "name": match.type}] if match.type_iri else [],
                    "score": score,
                    "features": [{"id": "name", "value": round(match.score / 100, 2)}, *features],
                    "match": bool((exact or (agrees is True and wikidata)) and agrees is not False),
                }
            )
        results.sort(key=lambda c: -float(c["score"]))  # type: ignore[arg-type]
        if sum(1 for c in results if c["match"]) > 1:
            for candidate in results:
                candidate["match"] = False
        return results[:limit]

    def _features(self, match: Match, properties: list[tuple[str, list[object]]]) -> tuple[list[dict], bool | None]:
        """How each given property compares with the entity: the features, and whether they all
        agree (None when none was given)."""
        features: list[dict[str, object]] = []
        verdicts: list[bool] = []
        for pid, values in properties:
            if pid == "wikidata":
                own = self.wikidata_of(match.iri)
                agrees = own is not None and own in {str(v).strip().upper() for v in values}
            elif pid == "year":
                start, end = self.value(match.iri, "start"), self.value(match.iri, "end")
                years = [str(v).strip()[:4] for v in values]
                agrees = bool(start) and any((start or "")[:4] <= y <= (end or start or "")[:4] for y in years)
            else:
                continue
            features.append({"id": pid, "value": agrees})
            verdicts.append(agrees)
        return features, (all(verdicts) if verdicts else None)

    # --- suggest, preview, data extension ------------------------------------------------------

    def suggest_entities(self, prefix: str, cursor: int = 0) -> dict[str, list[dict[str, object]]]:
        matches = [
            m for m in self.index.search(_checked_text(prefix, "prefix"), limit=cursor + 10) if m.iri.startswith(KKR)
        ]
        return {
            "result": [
                {
                    "id": m.iri,
                    "name": m.label,
                    "description": m.description,
                    "notable": [{"id": m.type_iri, "name": m.type}],
                }
                for m in matches[cursor : cursor + 10]
            ]
        }

    def suggest_types(self, prefix: str, cursor: int = 0) -> dict[str, list[dict[str, str]]]:
        wanted = _checked_text(prefix, "prefix").lower()
        classes = sorted({c for e in self.index.entities for c in e.classes if c.startswith(KKG)})
        found = [self.type_entry(c) for c in classes]
        found = [
            t
            for t in found
            if t["name"].lower().startswith(wanted) or t["id"].rsplit("#", 1)[-1].lower().startswith(wanted)
        ]
        return {"result": found[cursor : cursor + 10]}

    def suggest_properties(self, prefix: str, cursor: int = 0) -> dict[str, list[dict[str, str]]]:
        wanted = _checked_text(prefix, "prefix").lower()
        found = [
            {"id": pid, "name": name, "description": description}
            for pid, (name, description) in PROPERTIES.items()
            if pid.startswith(wanted) or name.lower().startswith(wanted) or not wanted
        ]
        return {"result": found[cursor : cursor + 10]}

    def propose_properties(self, type_: str | None, limit: int | None) -> dict[str, object]:
        proposed = [{"id": pid, "name": name, "description": d} for pid, (name, d) in PROPERTIES.items()]
        answer: dict[str, object] = {"properties": proposed[:limit] if limit else proposed, "type": type_ or ""}
        if limit:
            answer["limit"] = limit
        return answer

    def extend(self, request: object) -> dict[str, object]:
        """Data extension: for each entity id, the values of each property asked for."""
        if (
            not isinstance(request, dict)
            or not isinstance(request.get("ids"), list)
            or not isinstance(request.get("properties"), list)
        ):
            raise RequestError(400, 'extend must be a JSON object {"ids": [...], "properties": [{"id": ...}]}')
        ids, properties = request["ids"], request["properties"]
        if len(ids) > 10 * BATCH_SIZE:
            raise RequestError(413, f"extend takes at most {10 * BATCH_SIZE} ids, this one {len(ids)}")
        wanted = []
        for item in properties:
            pid = item.get("id") if isinstance(item, dict) else None
            if pid not in PROPERTIES:
                raise RequestError(400, f"unknown property {pid!r}; the properties: {', '.join(PROPERTIES)}")
            wanted.append(pid)
        rows: dict[str, dict[str, list[dict[str, object]]]] = {}
        for iri in ids:
            if not isinstance(iri, str):
                raise RequestError(400, "every id of extend must be a string (an entity's IRI)")
            rows[iri] = {pid: self.values(iri, pid) for pid in wanted}
        return {"meta": [{"id": pid, "name": PROPERTIES[pid][0]} for pid in wanted], "rows": rows}

    def values(self, iri: str, pid: str) -> list[dict[str, object]]:
        """One property's values of an entity, as the data extension answer writes them."""
        if self.index.entity(iri) is None:
            return []
        if pid == "source":
            return [{"id": s, "name": self.kg.label(s)} for s in self.sources_of(iri)]
        if pid.startswith("name-"):
            language = pid.removeprefix("name-").lower()
            return [{"str": text} for text in self.names_in(iri, language)]
        value = self.value(iri, pid)
        return [{"str": value}] if value else []

    def value(self, iri: str, pid: str) -> str | None:
        entity = self.index.entity(iri)
        if entity is None:
            return None
        if pid == "wikidata":
            return self.wikidata_of(iri)
        if pid == "type":
            return entity.type_label
        if pid == "grade":
            return self._literal(iri, KKG + "evidenceGrade", through_label=True)
        if pid in ("start", "end"):  # at the precision the source gives: a year, a month or a day
            props = ("date", "startDate") if pid == "start" else ("date", "endDate")
            dates = sorted(
                q.object.value
                for prop in props
                for q in self.kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(KKG + prop), None)
                if isinstance(q.object, ox.Literal)
            )
            return (dates[0] if pid == "start" else dates[-1]) if dates else None
        return None

    def wikidata_of(self, iri: str) -> str | None:
        for quad in self.kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(OWL + "sameAs"), None):
            if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(WD):
                return quad.object.value[len(WD) :]
        return None

    def names_in(self, iri: str, language: str) -> list[str]:
        found = []
        for prop in (RDFS_LABEL, SKOS + "prefLabel"):
            for quad in self.kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None):
                if isinstance(quad.object, ox.Literal) and (quad.object.language or "").lower() == language:
                    found.append(quad.object.value)
        return sorted(set(found))

    def sources_of(self, iri: str) -> list[str]:
        node = ox.NamedNode(iri)
        source = ox.NamedNode(KKG + "source")
        found = {
            q.object.value
            for q in self.kg.store.quads_for_pattern(node, source, None)
            if isinstance(q.object, ox.NamedNode)
        }
        for quad in self.kg.store.quads_for_pattern(None, None, node):  # the facts that name it
            fact = quad.subject
            if isinstance(fact, ox.NamedNode):
                found.update(
                    q.object.value
                    for q in self.kg.store.quads_for_pattern(fact, source, None)
                    if isinstance(q.object, ox.NamedNode)
                )
        return sorted(found)

    def _literal(self, iri: str, prop: str, through_label: bool = False) -> str | None:
        for quad in self.kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
            if through_label and isinstance(quad.object, ox.NamedNode):
                return self.kg.label(quad.object.value)
        return None

    def preview(self, iri: str) -> dict[str, object] | None:
        """What the preview shows of an entity: its label, type, description and Wikidata link."""
        entity = self.index.entity(iri)
        if entity is None or not iri.startswith(KKR):
            return None
        return {
            "iri": iri,
            "name": iri[len(KKR) :],
            "label": entity.label,
            "type": entity.type_label,
            "description": entity.description,
            "wikidata": self.wikidata_of(iri),
        }


def _checked_text(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise RequestError(400, f"{what} must be a string")
    if len(text) > MAX_TEXT:
        raise RequestError(400, f"{what} is {len(text):,} characters long; at most {MAX_TEXT} are taken")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise RequestError(400, f"{what} holds control characters")
    return text


def _checked_query(key: str, query: object) -> tuple[str, list[str], int, list[tuple[str, list[object]]]]:
    """One query of a batch as (text, types, limit, properties), or a 400 naming the key and the fault."""

    def bad(message: str) -> RequestError:
        return RequestError(400, f"query {key!r}: {message}")

    if not isinstance(query, dict):
        raise bad('each query must be a JSON object such as {"query": "Kosovo"}')
    unknown = sorted(set(query) - _QUERY_KEYS)
    if unknown:
        raise bad(f"unknown field {unknown[0]!r}; a query takes {', '.join(sorted(_QUERY_KEYS))}")
    try:
        text = _checked_text(query.get("query", ""), "query").strip()
    except RequestError as error:
        raise bad(str(error)) from None
    raw_types = query.get("type") or []
    types = [raw_types] if isinstance(raw_types, str) else raw_types
    if not isinstance(types, list) or not all(isinstance(t, str) and t and len(t) <= 200 for t in types):
        raise bad("type must be a class (its IRI or local name, such as State) or a list of them")
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise bad(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if query.get("type_strict", "any") not in ("any", "should", "all"):
        raise bad("type_strict must be any, should or all")
    raw_properties = query.get("properties") or []
    if not isinstance(raw_properties, list):
        raise bad('properties must be a list of {"pid": ..., "v": ...}')
    properties: list[tuple[str, list[object]]] = []
    for item in raw_properties:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise bad('each property must be {"pid": "...", "v": value}')
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        plain = [v.get("id") if isinstance(v, dict) else v for v in values]
        if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in plain):
            raise bad(f'property {item["pid"]!r}: a value must be a string, a number or {{"id": ...}}')
        properties.append((item["pid"], plain))
    if not text and not any(pid == "wikidata" for pid, _ in properties):
        raise bad("give the name to look for as query (or a wikidata property)")
    return text, [class_iri(t) for t in types], limit, properties


def parse_json(text: str | bytes, what: str) -> Any:
    """A request's JSON, or a 400 saying what could not be read."""
    import json

    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        message = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        raise RequestError(400, f"{what} is not JSON: {message}") from None


def id_to_name(iri: str) -> str | None:
    """The resource name of an entity IRI (what /resource/NAME takes), or None for another IRI."""
    if iri.startswith(KKR) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]*", iri[len(KKR) :]):
        return iri[len(KKR) :]
    return None


__all__ = ["BATCH_SIZE", "MAX_TEXT", "PROPERTIES", "Reconciliation", "id_to_name", "parse_json"]
