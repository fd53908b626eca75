"""Errors as ``application/problem+json`` (RFC 9457), with a pointer per bad field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus

from flask import Response
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"

# What each status means for a caller, said once.
DETAILS = {
    400: "The request is not well formed. Check it against the API description.",
    401: "Send a valid personal access token: Authorization: Bearer <token>.",
    403: "Your token's owner may not do this, or the token's scope does not allow it.",
    404: "There is nothing at this address, or it is not shared with you.",
    405: "This address does not accept that method.",
    406: "This address answers with JSON only.",
    409: "Someone else changed this meanwhile. Read it again, then make your change.",
    412: "The resource has changed since the version named in If-Match. Read it again.",
    413: "The request body is larger than this installation accepts.",
    415: "Send the request body as application/json.",
    422: "Some fields are not valid; see errors.",
    429: "Too many requests for this token. Wait for the time given in Retry-After.",
    500: "The server hit an error and nothing was changed.",
}


class ApiProblem(HTTPException):
    """Raised anywhere under /api/v1 to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: Iterable[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ):
        super().__init__(description=detail)
        self.code = status
        self.problem_detail = detail
        self.field_errors = list(errors)
        self.extra_headers = dict(headers or {})
        self.problem_code = code

    def get_response(self, environ=None, scope=None) -> Response:
        return problem_response(
            self.code,
            self.problem_detail,
            errors=self.field_errors,
            headers=self.extra_headers,
            code=self.problem_code,
        )


def field_errors(messages: Mapping[str, str]) -> list[dict[str, str]]:
    """Field messages as RFC 9457 errors: a JSON pointer into the request body and a detail."""
    return [
        {"pointer": f"#/{name}" if name else "#", "detail": message}
        for name, message in messages.items()
    ]


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    errors: Iterable[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
    code: str | None = None,
) -> Response:
    body: dict = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or DETAILS.get(status, HTTPStatus(status).description),
    }
    if code:
        body["code"] = code
    errors = list(errors)
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_error(error: HTTPException) -> Response:
    """Any HTTP error raised under /api/v1 (404 from a loader, 405 from routing...)."""
    if isinstance(error, ApiProblem):
        return error.get_response()
    status = error.code or 500
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    retry_after = getattr(error, "retry_after", None)
    if status == 429 and retry_after:
        headers["Retry-After"] = str(retry_after)
    detail = DETAILS.get(status)
    return problem_response(status, detail, headers=headers)
