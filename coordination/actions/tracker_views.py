"""The coordinators' tracker of actions across convenings: filters, board, CSV, totals."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    render_template,
    request,
    url_for,
)

from ..db import get_database, get_session
from ..pagination import page_number
from ..permissions import Action, guard
from ..principal import current_principal
from . import tracker, tracker_csv
from .days import Today
from .tracker_forms import TrackerFilterForm

blueprint = Blueprint("tracker", __name__)

INVALID_FILTERS = "Some filters could not be used. Correct them to see the actions."


def _read_filters() -> tuple[TrackerFilterForm, tracker.TrackerFilters | None]:
    """The filter form from the query string, and the filters it asks for if all are valid."""
    scope = tracker.scope_of(current_principal())
    form = TrackerFilterForm(formdata=request.args)
    form.offer(tracker.filter_options(get_session(), scope))
    if not form.validate():
        return form, None
    return form, form.filters()


def _query_without(*names: str) -> dict[str, list[str]]:
    arguments = request.args.to_dict(flat=False)
    for name in names:
        arguments.pop(name, None)
    return arguments


def _today() -> Today:
    """Now, with the zones of the viewer's convenings, read once per request."""
    if "tracker_today" not in g:
        g.tracker_today = tracker.today(get_session(), tracker.scope_of(current_principal()))
    return g.tracker_today


def _render(template: str, form: TrackerFilterForm, valid: bool, **context):
    body = render_template(
        template,
        filters=form,
        problem=None if valid else INVALID_FILTERS,
        owner_label=tracker.owner_label,
        today=_today(),
        export_url=url_for("tracker.export_csv", **_query_without("page")),
        view_arguments=_query_without("page"),
        **context,
    )
    return body, 200 if valid else 400


@blueprint.route("/tracker")
@guard(Action.VIEW_TRACKER)
def list_actions():
    """Every action in the viewer's convenings, filtered, sorted and paginated."""
    form, filters = _read_filters()
    page = None
    if filters is not None:
        page = tracker.list_page(
            get_session(),
            tracker.scope_of(current_principal()),
            filters,
            _today(),
            page_number(request.args.get("page")),
            current_app.config["PER_PAGE"],
        )
    return _render("tracker/list.html", form, filters is not None, page=page)


@blueprint.route("/tracker/board")
@guard(Action.VIEW_TRACKER)
def board():
    """The same actions as columns by status, each capped, with a link to the rest."""
    form, filters = _read_filters()
    columns = None
    if filters is not None:
        columns = tracker.board(
            get_session(), tracker.scope_of(current_principal()), filters, _today()
        )
    list_arguments = _query_without("page", "status")
    more_urls = {
        status: url_for("tracker.list_actions", **list_arguments, status=status.value)
        for status in tracker.BOARD_STATUSES
    }
    return _render(
        "tracker/board.html", form, filters is not None, columns=columns, more_urls=more_urls
    )


@blueprint.route("/tracker.csv")
@guard(Action.VIEW_TRACKER)
def export_csv():
    """Every action matching the filters as CSV, streamed."""
    _form, filters = _read_filters()
    if filters is None:
        return (
            "The filters in this address could not be used; open the tracker, correct them "
            "and export again.\n",
            400,
            {"Content-Type": "text/plain; charset=utf-8"},
        )
    lines = tracker_csv.stream_csv(
        get_database(), tracker.scope_of(current_principal()), filters, _today()
    )
    response = Response(lines, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="actions-{_today().reference.isoformat()}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/tracker/organisations")
@guard(Action.VIEW_TRACKER)
def organisations():
    """How many actions each owner organisation has, by status, with those overdue."""
    form, filters = _read_filters()
    page = total = None
    if filters is not None:
        page, total = tracker.organisation_totals(
            get_session(),
            tracker.scope_of(current_principal()),
            filters,
            _today(),
            page_number(request.args.get("page")),
            current_app.config["PER_PAGE"],
        )
    list_arguments = _query_without("page", "organisation")
    return _render(
        "tracker/organisations.html",
        form,
        filters is not None,
        page=page,
        total=total,
        list_arguments=list_arguments,
    )
