"""Answering API calls: JSON bodies, versions as ETags, and services run as the pages run them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Response, request
from pydantic import BaseModel

from ..service import InputError, StaleError
from ..view_helpers import run_service
from .operations import JSON
from .problems import ApiProblem, field_errors

Result = TypeVar("Result")


def json_response(
    body: BaseModel,
    status: int = 200,
    *,
    etag: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    response = Response(body.model_dump_json(), status=status, mimetype=JSON)
    if etag is not None:
        response.headers["ETag"] = etag
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def no_content() -> Response:
    return Response(status=204)


def etag_of(kind: str, object_id: int, version: int) -> str:
    """A strong validator of one version of one resource."""
    return f'"{kind}-{object_id}-{version}"'


def content_etag(kind: str, object_id: int, shown: BaseModel) -> str:
    """A validator for a resource kept without a version column: a digest of what is shown."""
    digest = hashlib.sha256(shown.model_dump_json().encode()).hexdigest()[:24]
    return f'"{kind}-{object_id}-{digest}"'


def expected_version(kind: str, object_id: int, version: int) -> int:
    """The version a change is based on: the current one when If-Match names it (or is
    absent, or ``*``); otherwise the change is refused with 412."""
    check_if_match(etag_of(kind, object_id, version))
    return version


def check_if_match(current: str) -> None:
    """Refuse the change with 412 unless If-Match is absent, ``*``, or names ``current``."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    offered = {part.strip().removeprefix("W/") for part in header.split(",")}
    if "*" in offered or current in offered:
        return
    raise ApiProblem(
        412,
        "The resource has changed since the version named in If-Match. Read it again, then "
        "make your change.",
        code="precondition_failed",
    )


def perform(call: Callable[[Any], Result], *, fields: Mapping[str, str] | None = None) -> Result:
    """Run ``call(session)`` through the pages' service runner: committed when it succeeds,
    rolled back and answered as a problem when it refuses. ``fields`` names the API field
    for a service field where they differ."""
    outcome = run_service(call)
    if outcome.ok:
        return outcome.result
    error = outcome.error
    if isinstance(error, StaleError):
        raise ApiProblem(409, str(error), code="changed_meanwhile")
    assert isinstance(error, InputError)
    messages = {(fields or {}).get(name, name): message for name, message in error.errors.items()}
    if error.status == 403:
        raise ApiProblem(403, str(error) or None, code="not_permitted")
    general = messages.pop("", None)
    raise ApiProblem(
        422,
        general or "Some fields are not valid; see errors.",
        errors=field_errors(messages) if messages else field_errors({"": general or ""}),
        code="invalid_input",
    )
