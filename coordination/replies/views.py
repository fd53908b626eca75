"""The administrators' page of calendar replies that changed nothing."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..db import get_session
from ..pagination import page_number
from ..permissions import Action, guard
from . import queries

blueprint = Blueprint("replies", __name__)


@blueprint.route("/admin/replies")
@guard(Action.ADMINISTER)
def quarantine():
    """Calendar replies the receiver could not match, newest first."""
    page = queries.quarantine_page(
        get_session(), page_number(request.args.get("page")), current_app.config["PER_PAGE"]
    )
    return render_template("admin/replies.html", page=page)
