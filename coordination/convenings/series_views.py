"""Views of series: the list, one series, and starting a new one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..db import get_session
from ..models import Series
from ..pagination import page_number
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import run_service
from . import queries
from . import series as series_services
from .blueprint import blueprint, per_page
from .forms import SeriesForm


@blueprint.route("/series")
@guard(Action.SIGNED_IN)
def list_series():
    """Series with the convenings the viewer may see in each."""
    principal = current_principal()
    page, grouped = series_services.list_series(
        get_session(), principal, page_number(request.args.get("page")), per_page()
    )
    return render_template(
        "convenings/series_list.html",
        page=page,
        grouped=grouped,
        tabs=queries.tabs_for(principal),
        tab_labels=queries.TABS,
    )


@blueprint.route("/series/<id:series_id>")
@guard(Action.VIEW_SERIES, load(Series, "series_id", "series"))
def show_series(series: Series):
    """One series and the convenings the viewer may see in it."""
    convenings = series_services.series_convenings(get_session(), current_principal(), series)
    return render_template("convenings/series_show.html", series=series, convenings=convenings)


@blueprint.route("/series/new", methods=["GET", "POST"])
@guard(Action.CREATE_CONVENING)
def create_series():
    """Start a series to group convenings."""
    form = SeriesForm()
    problem, status = None, 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: series_services.create_series(
                session, current_principal(), form.name.data, form.description.data or ""
            ),
            form,
        )
        if outcome.ok:
            series = outcome.result
            flash(f"The series {series.name} is started.", "success")
            return redirect(url_for(".show_series", series_id=series.id))
        problem, status = outcome.problem, outcome.status
    return render_template("convenings/series_form.html", form=form, problem=problem), status
