"""The API's blueprint: bearer tokens only, a problem document for every error."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import HTTPException

from ..db import SAFE_METHODS, get_database, get_session
from ..extensions import csrf
from ..models import utcnow
from ..principal import load_principal
from . import tokens
from .openapi import PREFIX
from .problems import ApiProblem, from_http_error

blueprint = Blueprint("api", __name__, url_prefix=PREFIX)
# The API takes no cookies, so a forged cross-site request carries no credentials.
csrf.exempt(blueprint)

# Endpoints anyone may read: the description and its reference page.
OPEN_ENDPOINTS = {"api.openapi_document", "api.reference"}

CHALLENGE = 'Bearer realm="coordination"'


def _unauthorised(detail: str, error: str = "invalid_token") -> ApiProblem:
    return ApiProblem(
        401,
        detail,
        headers={"WWW-Authenticate": f'{CHALLENGE}, error="{error}"'},
        code=error,
    )


def _presented_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


@blueprint.before_request
def authenticate():
    """Act as the owner of the bearer token, or refuse; cookies are never read here."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    secret = _presented_secret()
    if secret is None:
        raise ApiProblem(
            401,
            "Send a personal access token: Authorization: Bearer <token>. Make one on your "
            "account page. Cookies are not accepted here.",
            headers={"WWW-Authenticate": CHALLENGE},
            code="missing_token",
        )
    now = utcnow()
    # The count is written in its own transaction, so it holds whatever the request does.
    with get_database().write_sessions() as counting:
        token = tokens.find(counting, secret)
        refusal = tokens.why_refused(token, now)
        if refusal is not None:
            raise _unauthorised(refusal)
        wait = tokens.count_request(
            counting, token, now, int(current_app.config["API_REQUESTS_PER_MINUTE"])
        )
        counting.commit()
    if wait is not None:
        raise ApiProblem(429, headers={"Retry-After": str(wait)}, code="rate_limited")
    if request.method not in SAFE_METHODS and not token.can_write:
        raise ApiProblem(
            403,
            "This token may only read. Make a token with the write scope to change things.",
            headers={"WWW-Authenticate": f'{CHALLENGE}, error="insufficient_scope"'},
            code="insufficient_scope",
        )
    session = get_session()
    user = session.get(type(token.user), token.user_id)
    # Flask-Login reads the user from here; the session cookie is never consulted.
    g._login_user = user
    g.principal = load_principal(session, user)
    g.api_token_id = token.id
    return None


@blueprint.after_request
def no_caching_by_others(response):
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.add("Authorization")
    return response


@blueprint.errorhandler(HTTPException)
def problem_for(error: HTTPException):
    return from_http_error(error)
