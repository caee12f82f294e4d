"""web/openapi.py: the API described for machines: the OpenAPI 3 description validates, names
every stored question with its typed parameters, and each question as /api/queries lists it."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from kosovo_kg.querying.catalogue import catalogue, get_stored_query
from kosovo_kg.version import VERSION
from kosovo_kg.web.openapi import ERRORS, describe_query, openapi_description, parameter_schema, question_path


@pytest.fixture(scope="module")
def description():
    return openapi_description()


def test_the_description_is_valid_openapi_3(description):
    validate(description)
    assert description["openapi"] == "3.0.3"
    assert description["info"]["title"] == "kosovo-kg" and description["info"]["version"] == VERSION


def test_every_stored_question_and_route_has_a_path(description):
    paths = description["paths"]
    assert {f"/api/queries/{name}" for name in catalogue()} <= set(paths)
    assert {"/api/queries", "/sparql", "/resource/{name}", "/.well-known/void"} <= set(paths)
    operations = [operation["operationId"] for path in paths.values() for operation in path.values()]
    assert len(operations) == len(set(operations))


def test_a_questions_path_types_its_parameters_and_lists_its_answers_and_errors():
    path = question_path(get_stored_query("recognized-before"))["get"]
    assert path["operationId"] == "query_recognized_before"
    date, fmt = path["parameters"]
    assert date == {
        "name": "date",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "format": "date", "default": "2008-03-01"},
    }
    assert fmt["name"] == "format" and fmt["schema"]["enum"] == ["json", "csv"]
    assert set(path["responses"]) == {"200", *ERRORS}
    assert set(path["responses"]["200"]["content"]) == {"application/sparql-results+json", "text/csv"}


@pytest.mark.parametrize(
    ("kind", "default", "schema"),
    [
        ("iri", None, {"type": "string", "description": "an IRI, a prefixed name or a resource name"}),
        ("string", "Kosovo", {"type": "string", "default": "Kosovo"}),
        ("integer", "3", {"type": "integer", "default": "3"}),
        ("decimal", None, {"type": "number"}),
        ("date", None, {"type": "string", "format": "date"}),
        ("gYear", "2008", {"type": "string", "pattern": "^[0-9]{4}$", "default": "2008"}),
    ],
)
def test_each_parameter_type_has_its_schema(kind, default, schema):
    assert parameter_schema(kind, default) == schema
    assert "default" not in parameter_schema(kind, None)  # the table itself is not changed


def test_a_question_is_listed_with_its_summary_tags_parameters_and_url():
    stored = get_stored_query("recognized-before")
    assert describe_query(stored) == {
        "name": "recognized-before",
        "summary": stored.summary,
        "description": stored.description,
        "tags": ["recognition"],
        "federated": False,
        "parameters": [{"name": "date", "type": "date", "required": False, "default": "2008-03-01"}],
        "url": "/api/queries/recognized-before",
    }
    assert describe_query(get_stored_query("other-memberships-of-kosovo"))["federated"] is True
