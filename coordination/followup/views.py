"""Follow-up report per convening, series dashboard and stakeholder history."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..db import get_session
from ..models import Convening, Organisation, Series
from ..pagination import page_number
from ..permissions import Action, guard, load
from ..principal import current_principal
from .history import stakeholder_history
from .report import follow_up_report
from .series import series_dashboard as build_series_dashboard

blueprint = Blueprint("followup", __name__)


@blueprint.route("/convenings/<id:convening_id>/follow-up")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def report(convening: Convening):
    """The follow-up report: attendance, decisions and actions, on screen and on paper."""
    report = follow_up_report(get_session(), convening)
    return render_template(
        "followup/report.html",
        convening=convening,
        report=report,
        totals=report.totals,
    )


@blueprint.route("/series/<id:series_id>/dashboard")
@guard(Action.VIEW_SERIES_DASHBOARD, load(Series, "series_id", "series"))
def series_dashboard(series: Series):
    """A series at a glance: its convenings' actions and organisations' participation."""
    dashboard = build_series_dashboard(
        get_session(), current_principal(), series, page_number(request.args.get("page"))
    )
    return render_template("followup/series_dashboard.html", series=series, dashboard=dashboard)


@blueprint.route("/organisations/<id:organisation_id>/history")
@guard(Action.VIEW_STAKEHOLDER_HISTORY, load(Organisation, "organisation_id", "organisation"))
def history(organisation: Organisation):
    """An organisation's history with the convenings the viewer is on the team of."""
    history = stakeholder_history(
        get_session(),
        current_principal(),
        organisation,
        page_number(request.args.get("page")),
        int(current_app.config["PER_PAGE"]),
    )
    return render_template(
        "followup/history.html",
        organisation=organisation,
        history=history,
        counts=history.counts,
    )
