"""The OpenAPI 3.1 description of /api/v1, built from the routes and their operations."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from flask import Flask
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from ..ids import MAX_ID
from .operations import JSON, Operation
from .problems import PROBLEM_TYPE

PREFIX = "/api/v1"
API_VERSION = "1.0.0"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Every authenticated call may answer these (400: a query or header the server cannot read).
COMMON_ERRORS = (400, 401, 403, 429)
WRITE_ERRORS = (400, 415, 422)
_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z_]+)(?:\([^)]*\))?:)?(?P<name>[a-z_]+)>")


class FieldProblem(BaseModel):
    pointer: str | None = Field(None, description="Where in the body, as a JSON pointer.")
    parameter: str | None = Field(None, description="Which query parameter.")
    detail: str


class Problem(BaseModel):
    """An error, as RFC 9457 describes."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str | None = None
    errors: list[FieldProblem] | None = None


def _path_and_parameters(rule: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = []

    def replace(match: re.Match) -> str:
        name, converter = match["name"], match["converter"] or "string"
        schema: dict[str, Any]
        if converter in ("id", "int"):
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        else:
            schema = {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _RULE_ARGUMENT.sub(replace, rule), parameters


def _query_parameters(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        parameter = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {key: value for key, value in prop.items() if key != "description"},
        }
        if prop.get("description"):
            parameter["description"] = prop["description"]
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _errors_for(method: str, described: Operation, has_path_ids: bool) -> list[int]:
    statuses = set(COMMON_ERRORS) | set(described.errors)
    if described.file_types:
        statuses |= {412, 416}
    if described.query is not None:
        statuses.add(422)
    if method not in SAFE_METHODS:
        statuses |= set(WRITE_ERRORS) | {409}
        if described.versioned:
            statuses.add(412)
    if has_path_ids:
        # 405 too: a path whose id is out of range matches no operation of that method.
        statuses |= {404, 405}
    return sorted(statuses)


def _inline_query_schema(model: type[BaseModel]) -> dict[str, Any]:
    # Query parameters are described one by one, so their schemas are inlined.
    return model.model_json_schema(ref_template="#/components/schemas/{model}")


def describe(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every operation registered under /api/v1."""
    entries = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        described: Operation | None = getattr(view, "api_operation", None)
        if described is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            entries.append((rule, method, described))

    models: list[tuple[type[BaseModel], str]] = [(Problem, "serialization")]
    for _rule, _method, described in entries:
        if described.body is not None:
            models.append((described.body, "validation"))
        if described.response is not None:
            models.append((described.response, "serialization"))
    keys, definitions = models_json_schema(
        list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}"
    )
    schemas = definitions.get("$defs", {})

    paths: dict[str, dict[str, Any]] = {}
    for rule, method, described in entries:
        path, parameters = _path_and_parameters(rule.rule)
        if described.query is not None:
            query_schema = _inline_query_schema(described.query)
            schemas.update(query_schema.pop("$defs", {}))
            parameters = parameters + _query_parameters(described.query, query_schema)
        if described.versioned and method not in SAFE_METHODS:
            parameters.append(
                {
                    "name": "If-Match",
                    "in": "header",
                    "required": described.if_match_required,
                    "description": "The ETag last read; the change is refused with 412 if "
                    "the resource changed since.",
                    "schema": {"type": "string"},
                }
            )
        responses: dict[str, Any] = {}
        success: dict[str, Any] = {"description": HTTPStatus(described.status).phrase}
        if described.response is not None:
            success["content"] = {JSON: {"schema": keys[(described.response, "serialization")]}}
        elif described.file_types:
            success["content"] = {
                media: {"schema": {"type": "string", "contentMediaType": media}}
                for media in described.file_types
            }
        if described.versioned and described.response is not None:
            success["headers"] = {
                "ETag": {"description": "The version read.", "schema": {"type": "string"}}
            }
        responses[str(described.status)] = success
        if described.file_types:
            # A file answers ranges and conditional requests as a browser's download does.
            responses["206"] = {"description": "Partial Content", "content": success["content"]}
            responses["304"] = {"description": "Not Modified"}
        for status in _errors_for(method, described, bool(parameters)):
            error: dict[str, Any] = {
                "description": HTTPStatus(status).phrase,
                "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
            if status == 429:
                error["headers"] = {
                    "Retry-After": {
                        "description": "Seconds to wait.",
                        "schema": {"type": "integer"},
                    }
                }
            responses[str(status)] = error
        entry: dict[str, Any] = {
            "operationId": rule.endpoint.replace(".", "_") + "_" + method.lower(),
            "summary": described.summary,
            "tags": list(described.tags),
            "parameters": parameters,
            "responses": responses,
        }
        if described.description:
            entry["description"] = described.description
        if described.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {JSON: {"schema": keys[(described.body, "validation")]}},
            }
        if not entry["parameters"]:
            del entry["parameters"]
        paths.setdefault(path, {})[method.lower()] = entry

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "coordination API",
            "version": API_VERSION,
            "description": (
                "Convenings, invitations, agenda, briefings and actions, as the token's "
                "owner may see and change them on the pages. Authenticate with a personal "
                "access token: Authorization: Bearer <token>."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token, made on your account page.",
                }
            },
        },
        "security": [{"bearer": []}],
    }
