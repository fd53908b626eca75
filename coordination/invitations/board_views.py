"""The organisers' view: RSVP board, attendee list (page and CSV) and check-in on the day."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from ..auth import current_actor as _actor
from ..db import get_session
from ..directory.csv_io import csv_lines
from ..models import Convening, Delegate, utcnow
from ..permissions import Action, guard, load
from ..timezones import utc_to_local
from .attendees import attendee_list, csv_rows
from .board import SEARCH_MAX, rsvp_board
from .board_forms import BoardFilterForm, CheckInSearchForm
from .checkin import CheckInError, check_in_page, mark_arrived, unmark_arrived
from .views import blueprint

DECIDE_SEATS_ENDPOINT = "invitations.decide_seats"
MANAGE_ENDPOINT = "invitations.manage"


def _by_convening(delegate: Delegate) -> Convening:
    return delegate.invitation.convening


def _has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def _render(template: str, **context):
    """Render one of these pages; the sub-navigation links to managing where it exists."""
    return render_template(
        f"invitations/board/{template}", manage_page=_has_endpoint(MANAGE_ENDPOINT), **context
    )


@blueprint.route("/convenings/<id:convening_id>/rsvp")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def board(convening: Convening):
    """Each invited organisation's answer and delegates, with totals, filters and search."""
    form = BoardFilterForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    return _render(
        "board.html",
        convening=convening,
        board=rsvp_board(get_session(), convening, filters),
        filters=filters,
        form=form,
        decide_seats=_has_endpoint(DECIDE_SEATS_ENDPOINT),
    )


@blueprint.route("/convenings/<id:convening_id>/attendees")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def attendees(convening: Convening):
    """The delegates expected, by organisation with the head of delegation first; printable."""
    return _render(
        "attendees.html",
        convening=convening,
        attendees=attendee_list(get_session(), convening),
        generated_at=utcnow(),
    )


def _file_stem(convening: Convening) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", (convening.codename or convening.title).lower())
    return words.strip("-")[:60] or f"convening-{convening.id}"


@blueprint.route("/convenings/<id:convening_id>/attendees.csv")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def attendees_csv(convening: Convening):
    """Download the attendee list as CSV, in the order of the printed list."""
    # Read everything now: the response is streamed after the request's session has closed.
    rows = list(csv_rows(convening, attendee_list(get_session(), convening)))
    response = Response(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="attendees-{_file_stem(convening)}-{date.today().isoformat()}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/convenings/<id:convening_id>/check-in")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
def check_in(convening: Convening):
    """Find expected delegates by name, organisation or email and mark who has arrived."""
    form = CheckInSearchForm(formdata=request.args)
    form.validate()
    query = "" if form.q.errors else (form.q.data or "")
    return _render(
        "check_in.html",
        convening=convening,
        form=form,
        page=check_in_page(get_session(), convening, query),
    )


def _back_to_search(delegate: Delegate):
    query = " ".join(request.form.get("q", "").split())[:SEARCH_MAX]
    return redirect(
        url_for(".check_in", convening_id=delegate.invitation.convening_id, q=query or None)
    )


def _clock(delegate: Delegate) -> str:
    return utc_to_local(delegate.checked_in_at, delegate.invitation.convening.timezone).strftime(
        "%H:%M"
    )


@blueprint.route("/delegates/<id:delegate_id>/arrived", methods=["POST"], endpoint="mark_arrived")
@guard(
    Action.VIEW_TEAM_AREA,
    load(Delegate, "delegate_id", "delegate", judged_by=_by_convening),
)
def mark_arrived_view(delegate: Delegate):
    """Record a delegate's arrival, then return to the search."""
    session = get_session()
    try:
        changed = mark_arrived(session, _actor(), delegate)
    except CheckInError as error:
        session.rollback()
        flash(str(error), "error")
        return _back_to_search(delegate)
    session.commit()
    if changed:
        flash(f"{delegate.name} marked as arrived at {_clock(delegate)}.", "success")
    else:
        flash(f"{delegate.name} was already marked as arrived at {_clock(delegate)}.", "info")
    return _back_to_search(delegate)


@blueprint.route(
    "/delegates/<id:delegate_id>/not-arrived", methods=["POST"], endpoint="unmark_arrived"
)
@guard(
    Action.VIEW_TEAM_AREA,
    load(Delegate, "delegate_id", "delegate", judged_by=_by_convening),
)
def unmark_arrived_view(delegate: Delegate):
    """Undo an arrival recorded by mistake, then return to the search."""
    session = get_session()
    changed = unmark_arrived(session, _actor(), delegate)
    session.commit()
    if changed:
        flash(f"{delegate.name} is no longer marked as arrived.", "success")
    else:
        flash(f"{delegate.name} was not marked as arrived.", "info")
    return _back_to_search(delegate)
