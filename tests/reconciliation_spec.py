"""Checks of the W3C Entity Reconciliation API 0.2's response shapes, written from the specification.

The specification's JSON schemas (reconciliation-api/specs, 0.2/schemas/) ship in no installed
package and are not copied here: each check below states, with the schema file it comes from,
what those schemas require. Each function returns the list of what is wrong (empty: it conforms).
"""

from __future__ import annotations

import re

#: 0.2/schemas/data-extension-response.json: a date value is a full date-time
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def manifest_problems(manifest: object) -> list[str]:
    """0.2/schemas/manifest.json."""
    if not isinstance(manifest, dict):
        return ["the manifest is not an object"]
    problems = []
    for key in ("versions", "name", "identifierSpace", "schemaSpace"):
        if key not in manifest:
            problems.append(f"required {key} missing")
    if not isinstance(manifest.get("versions"), list) or "0.2" not in manifest.get("versions", []):
        problems.append("versions must be an array containing '0.2'")
    for key in ("name", "identifierSpace", "schemaSpace"):
        if key in manifest and not isinstance(manifest[key], str):
            problems.append(f"{key} must be a string")
    types = manifest.get("defaultTypes", [])
    if not isinstance(types, list) or any(not isinstance(t, dict) or not {"id", "name"} <= set(t) for t in types):
        problems.append("defaultTypes must be an array of {id, name}")
    elif len({t["id"] for t in types}) != len(types):
        problems.append("defaultTypes must be unique")
    for key in ("view", "feature_view"):
        if key in manifest and not re.match(r".*\{\{id\}\}.*", str(manifest[key].get("url", ""))):
            problems.append(f"{key}.url must contain {{{{id}}}}")
    preview = manifest.get("preview")
    if preview is not None:
        if not {"url", "width", "height"} <= set(preview):
            problems.append("preview needs url, width and height")
        elif not (
            "{{id}}" in preview["url"] and isinstance(preview["width"], int) and isinstance(preview["height"], int)
        ):
            problems.append("preview.url must contain {{id}}; width and height must be integers")
    for kind, service in (manifest.get("suggest") or {}).items():
        if kind not in ("entity", "property", "type"):
            problems.append(f"suggest.{kind} is not a suggest service")
        elif not isinstance(service, dict) or set(service) - {
            "service_url",
            "service_path",
            "flyout_service_url",
            "flyout_service_path",
        }:
            problems.append(f"suggest.{kind} has fields other than service_url, service_path and the flyout's")
    return problems


def query_result_problems(batch: dict, answer: object) -> list[str]:
    """0.2/schemas/reconciliation-result-batch.json against the batch it answers."""
    if not isinstance(answer, dict):
        return ["the answer is not an object"]
    problems = []
    if set(answer) != set(batch):
        problems.append(f"the answer's keys {sorted(answer)} are not the batch's {sorted(batch)}")
    for key, value in answer.items():
        if not isinstance(value, dict) or set(value) != {"result"} or not isinstance(value["result"], list):
            problems.append(f"{key}: must be exactly {{'result': [...]}}")
            continue
        scores = []
        for candidate in value["result"]:
            problems += [f"{key}: {p}" for p in candidate_problems(candidate)]
            scores.append(candidate.get("score", 0))
        if scores != sorted(scores, reverse=True):
            problems.append(f"{key}: candidates should be sorted by decreasing score")
        limit = batch[key].get("limit")
        if limit is not None and len(value["result"]) > limit:
            problems.append(f"{key}: more candidates than its limit")
    return problems


def candidate_problems(candidate: object) -> list[str]:
    if not isinstance(candidate, dict):
        return ["a candidate is not an object"]
    problems = []
    if set(candidate) - {"id", "name", "description", "type", "score", "features", "match"}:
        problems.append(
            f"a candidate has unknown fields {sorted(set(candidate) - {'id', 'name', 'description', 'type', 'score', 'features', 'match'})}"
        )
    if not isinstance(candidate.get("id"), str) or not isinstance(candidate.get("name"), str):
        problems.append("a candidate needs id and name (strings)")
    if not isinstance(candidate.get("score"), (int, float)) or isinstance(candidate.get("score"), bool):
        problems.append("a candidate needs a numeric score")
    if "match" in candidate and not isinstance(candidate["match"], bool):
        problems.append("match must be a boolean")
    for item in candidate.get("type", []):
        if not (isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("id"), str))):
            problems.append("type must be an array of ids or {id, name}")
    features = candidate.get("features", [])
    ids = [f.get("id") for f in features if isinstance(f, dict)]
    if len(ids) != len(features) or len(set(ids)) != len(ids):
        problems.append("features must be {id, value} objects with unique ids")
    for feature in features:
        if not isinstance(feature.get("value"), (bool, int, float)):
            problems.append("a feature's value must be a boolean or a number")
    return problems


def suggest_problems(answer: object, kind: str) -> list[str]:
    """0.2/schemas/suggest-{entities,types,properties}-response.json."""
    if not isinstance(answer, dict) or not isinstance(answer.get("result"), list):
        return ["a suggest answer must be {'result': [...]}"]
    problems = []
    for item in answer["result"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("name"), str):
            problems.append(f"a {kind} suggestion needs id and name")
        elif kind == "entity" and "notable" in item and not isinstance(item["notable"], list):
            problems.append("notable must be an array")
    return problems


def extend_problems(request: dict, answer: object) -> list[str]:
    """0.2/schemas/data-extension-response.json against the request it answers."""
    if not isinstance(answer, dict) or not {"meta", "rows"} <= set(answer):
        return ["an extend answer needs meta and rows"]
    problems = []
    if [m.get("id") for m in answer["meta"]] != [p["id"] for p in request["properties"]]:
        problems.append("meta must name every property asked for, in order")
    if any(not isinstance(m.get("name"), str) for m in answer["meta"]):
        problems.append("every meta entry needs a name")
    if set(answer["rows"]) != set(request["ids"]):
        problems.append("rows must hold every id asked for")
    for row in answer["rows"].values():
        for values in row.values():
            for value in values:
                keys = set(value)
                if keys == set():
                    continue
                if keys in ({"str"}, {"float"}, {"int"}, {"date"}):
                    if "date" in keys and not DATE_TIME.match(value["date"]):
                        problems.append(f"a date value must be a date-time: {value['date']!r}")
                elif keys not in ({"id", "name"}, {"id", "name", "description"}):
                    problems.append(f"a value must be {{}}, an entity, str, float, int or date: {value!r}")
    return problems
