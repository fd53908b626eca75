"""Security headers on every response; text no database could store refused on every request."""

from __future__ import annotations

from flask import Flask, Request, Response, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest

from .api.openapi import PREFIX as API_PREFIX
from .api.problems import problem_response
from .errors import render_error

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        # Pages can show material meant for one person: keep them out of shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def add_strict_transport(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


class UnstorableText(BadRequest):
    """A form or query value holding a NUL character, which PostgreSQL text cannot hold."""

    description = (
        "What you sent contains a NUL character, which cannot be stored, so nothing was "
        "changed. Remove it and try again."
    )


class CheckedValues(ImmutableMultiDict):
    """Form and query values, checked once as they are parsed, before any view reads them."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in self.lists():
            if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
                raise UnstorableText()


def _refuse_unstorable(error: UnstorableText):
    if request.path.startswith(API_PREFIX):
        return problem_response(400, error.description)
    return render_error(400, error.description)


class CheckedRequest(Request):
    parameter_storage_class = CheckedValues


def init_app(app: Flask) -> None:
    # Checked where values are parsed, not in a before_request hook: reading the form there
    # would parse uploads before the briefing views raise their size limit.
    app.request_class = CheckedRequest
    app.register_error_handler(UnstorableText, _refuse_unstorable)
    app.after_request(add_security_headers)
    if app.config["ENV"] == "production":
        app.after_request(add_strict_transport)
