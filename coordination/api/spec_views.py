"""The API's description, and a reference page a person can read."""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from ..permissions import public
from .blueprint import blueprint
from .openapi import describe

_DOCUMENT_KEY = "coordination.api.openapi"


def document() -> dict:
    """The description, built once per process: the routes do not change while it runs."""
    cached = current_app.extensions.get(_DOCUMENT_KEY)
    if cached is None:
        cached = current_app.extensions[_DOCUMENT_KEY] = describe(current_app)
    return cached


@blueprint.get("/reference")
@public
def reference():
    """The API described for people: every operation, its parameters and answers."""
    return render_template("api/reference.html", spec=document())


@blueprint.get("/openapi.json")
@public
def openapi_document():
    """The OpenAPI 3.1 description of this API."""
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
