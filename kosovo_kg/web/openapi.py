"""The API described for machines: each stored question as it appears in ``/api/queries`` and
the OpenAPI 3 description of the API at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from kosovo_kg.querying.catalogue import StoredQuery, catalogue
from kosovo_kg.version import VERSION


def describe_query(query: StoredQuery) -> dict[str, object]:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "federated": query.federated,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required and p.default is None, "default": p.default}
            for p in query.parameters
        ],
        "url": f"/api/queries/{query.name}",
    }


def parameter_schema(kind: str, default: str | None) -> dict[str, object]:
    schemas: dict[str, dict[str, object]] = {
        "iri": {"type": "string", "description": "an IRI, a prefixed name or a resource name"},
        "string": {"type": "string"},
        "integer": {"type": "integer"},
        "decimal": {"type": "number"},
        "date": {"type": "string", "format": "date"},
        "gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    }
    schema = schemas[kind].copy()
    if default is not None:
        schema["default"] = default
    return schema


#: The error responses every query route may give.
ERRORS: dict[str, Any] = {
    "400": {"description": "A parameter or query that cannot be used (JSON: error, status)"},
    "403": {"description": "Refused: an update, or federation on a server started without --allow-federation"},
    "413": {"description": "The result is larger than the server's limit"},
    "500": {"description": "The worker running the query crashed; the next request is served by another"},
    "503": {"description": "The query ran past the time limit, or the server is busy (Retry-After)"},
}


def question_path(query: StoredQuery) -> dict[str, Any]:
    """The OpenAPI path item of one stored question: its parameters, typed, and its answers."""
    parameters: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": "query",
            "required": p.required and p.default is None,
            "schema": parameter_schema(p.type, p.default),
        }
        for p in query.parameters
    ] + [{"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"]}}]
    return {
        "get": {
            "summary": query.summary,
            "description": query.description,
            "operationId": "query_" + query.name.replace("-", "_"),
            "tags": list(query.tags),
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "SPARQL 1.1 JSON results, or CSV",
                    "content": {
                        "application/sparql-results+json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                **ERRORS,
            },
        }
    }


def openapi_description() -> dict[str, object]:
    """The OpenAPI description of the API: the stored questions, /sparql and /resource."""
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "summary": "The stored questions, with their parameters",
                "operationId": "listQueries",
                "responses": {
                    "200": {
                        "description": "The catalogue",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/sparql": {
            "get": {
                "summary": "SPARQL 1.1 query endpoint (read-only); without a query, the service description",
                "operationId": "sparqlQuery",
                "parameters": [{"name": "query", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Query results in the negotiated format"}, **ERRORS},
            }
        },
        "/resource/{name}": {
            "get": {
                "summary": "A resource of the graph: HTML, Turtle, N-Triples or JSON-LD by the Accept header",
                "operationId": "resource",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}, "example": "kosovo"}
                ],
                "responses": {
                    "200": {"description": "The resource"},
                    "400": {"description": "Not a resource name"},
                    "404": {"description": "No such resource"},
                },
            }
        },
        "/.well-known/void": {
            "get": {
                "summary": "A VoID description of the dataset",
                "operationId": "void",
                "responses": {"200": {"description": "Turtle, N-Triples, JSON-LD or RDF/XML by the Accept header"}},
            }
        },
    }
    for query in catalogue().values():
        paths[f"/api/queries/{query.name}"] = question_path(query)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "kosovo-kg",
            "version": VERSION,
            "description": "Stored questions over a knowledge graph of Kosovo–NATO relations, every fact dated and sourced.",
        },
        "paths": paths,
    }


__all__ = ["describe_query", "openapi_description"]
