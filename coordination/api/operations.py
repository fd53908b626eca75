"""Operations of the API: one pydantic model validates each input and describes it.

A view under /api/v1 is decorated with ``operation``, which reads the query string and the
JSON body into the models it names, answering 415, 400 or 422 as a problem when they do not
fit. ``describe`` builds the OpenAPI 3.1 description from the same models, so what is
documented and what is checked cannot drift apart.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import request
from pydantic import BaseModel, ValidationError

from .problems import ApiProblem

ModelType = type[BaseModel]

JSON = "application/json"


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str
    tags: tuple[str, ...]
    query: ModelType | None
    body: ModelType | None
    response: ModelType | None
    status: int
    # The resource answers with an ETag and takes If-Match on its changes.
    versioned: bool
    # The change is refused (428) without If-Match: for removals, which nothing undoes.
    if_match_required: bool
    # Media types of a file answered instead of JSON.
    file_types: tuple[str, ...]
    # Statuses the operation may answer besides success and the ones every call may.
    errors: tuple[int, ...]


def _pointer(location: tuple) -> str:
    return "#/" + "/".join(str(part) for part in location) if location else "#"


def _body_errors(error: ValidationError) -> list[dict[str, str]]:
    return [
        {"pointer": _pointer(item["loc"]), "detail": item["msg"]}
        for item in error.errors(include_url=False)
    ]


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(typing.get_origin(arg) is list for arg in typing.get_args(annotation))


def read_query(model: ModelType) -> BaseModel:
    """The query string read into ``model``; repeated parameters fill its list fields."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in request.args:
            continue
        values[key] = (
            request.args.getlist(key) if _is_list(field.annotation) else request.args.get(key)
        )
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ApiProblem(
            422,
            "Some query parameters are not valid; see errors.",
            errors=[
                {"parameter": str(item["loc"][0]) if item["loc"] else "", "detail": item["msg"]}
                for item in error.errors(include_url=False)
            ],
        ) from None


def read_body(model: ModelType) -> BaseModel:
    """The JSON body read into ``model``, strictly: a number is never taken from a string."""
    if request.mimetype != JSON:
        raise ApiProblem(415)
    raw = request.get_data(cache=True)
    try:
        json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, "The request body is not valid JSON.") from None
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise ApiProblem(422, errors=_body_errors(error)) from None


def operation(
    *,
    tags: tuple[str, ...] | str,
    query: ModelType | None = None,
    body: ModelType | None = None,
    response: ModelType | None = None,
    status: int = 200,
    versioned: bool = False,
    if_match_required: bool = False,
    file_types: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
) -> Callable:
    """Declare an API view's inputs and answer; the view gets ``query`` and ``body``."""

    def decorator(view: Callable) -> Callable:
        doc = (view.__doc__ or "").strip()
        summary, _, description = doc.partition("\n")
        described = Operation(
            summary=summary.strip(),
            description=" ".join(description.split()),
            tags=(tags,) if isinstance(tags, str) else tuple(tags),
            query=query,
            body=body,
            response=response,
            status=status,
            versioned=versioned or if_match_required,
            if_match_required=if_match_required,
            file_types=file_types,
            errors=(*errors, 428) if if_match_required else errors,
        )

        @wraps(view)
        def wrapper(**view_args: Any):
            if if_match_required and "If-Match" not in request.headers:
                raise ApiProblem(
                    428,
                    "Send If-Match with the ETag last read, so that nothing changed since you "
                    "read it is removed unseen.",
                    code="precondition_required",
                )
            if query is not None:
                view_args["query"] = read_query(query)
            if body is not None:
                view_args["body"] = read_body(body)
            return view(**view_args)

        wrapper.api_operation = described
        return wrapper

    return decorator
