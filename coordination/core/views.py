"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from ..convenings.queries import dashboard_convenings
from ..db import get_session
from ..permissions import Action, guard, public
from ..principal import current_principal

blueprint = Blueprint("core", __name__)


@blueprint.route("/")
@public
def index():
    """Send people to their dashboard, or to sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/dashboard")
@guard(Action.SIGNED_IN)
def dashboard():
    """My convenings by role, upcoming first."""
    sections = dashboard_convenings(get_session(), current_principal())
    return render_template("dashboard.html", sections=sections)


@blueprint.route("/health")
@public
def health():
    """Answer 200 when the database answers."""
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}
