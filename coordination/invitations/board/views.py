"""The team's view of the answers: the RSVP board and the attendee list (page and CSV)."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, request

from ...csv_export import csv_lines
from ...db import get_session
from ...models import Convening, utcnow
from ...permissions import Action, guard
from ...replies import queries as reply_queries
from ..blueprint import blueprint
from .attendees import attendee_list, csv_rows
from .board import rsvp_board
from .forms import BoardFilterForm
from .view_helpers import CONVENING, has_endpoint, render_page

DECIDE_SEATS_ENDPOINT = "invitations.decide_seats"


@blueprint.route("/convenings/<id:convening_id>/rsvp")
@guard(Action.VIEW_TEAM_AREA, CONVENING)
def board(convening: Convening):
    """Each invited organisation's answer and delegates, with totals, filters and search."""
    form = BoardFilterForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    session = get_session()
    answers = rsvp_board(session, convening, filters)
    return render_page(
        "board.html",
        convening=convening,
        board=answers,
        proposals=reply_queries.proposals_by_invitation(session, answers.rows),
        filters=filters,
        form=form,
        decide_seats=has_endpoint(DECIDE_SEATS_ENDPOINT),
    )


@blueprint.route("/convenings/<id:convening_id>/attendees")
@guard(Action.VIEW_TEAM_AREA, CONVENING)
def attendees(convening: Convening):
    """The delegates expected, by organisation with the head of delegation first; printable."""
    return render_page(
        "attendees.html",
        convening=convening,
        attendees=attendee_list(get_session(), convening),
        generated_at=utcnow(),
    )


def _file_stem(convening: Convening) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", (convening.codename or convening.title).lower())
    return words.strip("-")[:60] or f"convening-{convening.id}"


@blueprint.route("/convenings/<id:convening_id>/attendees.csv")
@guard(Action.VIEW_TEAM_AREA, CONVENING)
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
