"""Friendly error pages in the layout."""

from __future__ import annotations

import logging

from flask import Flask, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from .api.openapi import PREFIX as API_PREFIX
from .api.problems import from_http_error, problem_response

log = logging.getLogger("coordination.errors")

MESSAGES = {
    400: (
        "Bad request",
        "The request could not be understood. Go back, check what you entered and try again.",
    ),
    403: (
        "Not allowed",
        "You do not have permission to do this. If you think you should, ask an organiser "
        "of the convening or an administrator.",
    ),
    404: (
        "Not found",
        "There is nothing at this address, or it is not shared with you. Check the link, "
        "or start again from your dashboard.",
    ),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: (
        "Too large",
        "What you sent is larger than this installation accepts. Make it smaller, or split "
        "it, and try again.",
    ),
    429: ("Too many requests", "Too many requests came from you in a short time. Wait a little."),
    500: (
        "Something went wrong",
        "The server hit an error and nothing was changed. Try again in a moment; if it "
        "keeps happening, tell an administrator.",
    ),
}


def render_error(status: int, detail: str | None = None):
    """The error page for the status, with ``detail`` instead of the usual message."""
    title, message = MESSAGES.get(
        status, (f"Error {status}", "The request could not be completed.")
    )
    message = detail or message
    try:
        page = render_template("errors/error.html", status=status, title=title, message=message)
    except Exception:
        page = (
            f"<!doctype html><html lang='en-GB'><title>{escape(title)}</title>"
            f"<h1>{escape(title)}</h1><p>{escape(message)}</p></html>"
        )
    return page, status


def _for_api() -> bool:
    return has_request_context() and request.path.startswith(API_PREFIX)


def handle_http_error(error: HTTPException):
    if _for_api():
        return from_http_error(error)
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        "This form has expired or was not sent from this site, so nothing was changed. "
        "Reload the page and submit the form again.",
    )


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("Unhandled error", exc_info=error)
    if _for_api():
        return problem_response(500)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
