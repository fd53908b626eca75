"""Date poll pages: the team's page (slots, voters, the grid, reminders, closing) and the
voter's ballot, reached through the invitation's link or the focal point's account.

A voter sees the poll's title, its slots and their own answers: nothing else of the draft.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..csv_export import csv_lines
from ..db import get_session
from ..form_fields import parse_version
from ..models import Convening, Invitation, InvitationStatus, Poll, PollStatus
from ..permissions import Action, guard, load, public
from ..principal import LINK_GRANTS_KEY, current_principal
from ..timezones import is_known_zone, zone_names
from ..tokens import hash_token
from ..view_helpers import run_service
from . import services
from .csv import csv_rows
from .forms import (
    ButtonForm,
    CloseForm,
    PollForm,
    SlotChoiceForm,
    SlotForm,
    VotersForm,
    ballot_form,
)
from .queries import grid, poll_of, voter_for

blueprint = Blueprint("polls", __name__)

CONVENING = load(Convening, "convening_id", "convening")
POLL = "/convenings/<id:convening_id>/poll"


def _poll_or_404(convening: Convening) -> Poll:
    poll = poll_of(get_session(), convening.id)
    if poll is None:
        abort(404)
    return poll


def _render_team(convening: Convening, status: int = 200, **forms):
    poll = poll_of(get_session(), convening.id)
    invitations = []
    if poll is not None and poll.status != PollStatus.CLOSED:
        invitations = list(
            get_session().scalars(
                select(Invitation)
                .where(
                    Invitation.convening_id == convening.id,
                    Invitation.status != InvitationStatus.WITHDRAWN,
                )
                .options(joinedload(Invitation.organisation))
                .order_by(Invitation.id)
            )
        )
    if poll is not None and "close_form" not in forms:
        forms["close_form"] = CloseForm(formdata=None, version=str(poll.version))
    return (
        render_template(
            "polls/show.html",
            convening=convening,
            poll=poll,
            table=grid(poll) if poll is not None else None,
            invitations=invitations,
            poll_form=forms.get("poll_form") or PollForm(formdata=None, title=convening.title),
            slot_form=forms.get("slot_form") or SlotForm(formdata=None),
            voters_form=forms.get("voters_form") or VotersForm(formdata=None),
            close_form=forms["close_form"] if poll is not None else None,
            button_form=ButtonForm(formdata=None),
            problem=forms.get("problem"),
        ),
        status,
    )


def _back(convening_id: int, anchor: str = ""):
    return redirect(url_for(".show", convening_id=convening_id, _anchor=anchor or None), code=303)


def _form_step(convening: Convening, form, name: str, call, done: str, anchor: str = ""):
    """Check ``form``, run ``call(db)`` on it, and answer: back to the poll with ``done``, or
    the team's page again with the form (passed as ``name``) and what was refused."""
    if not form.validate_on_submit():
        return _render_team(convening, 400, **{name: form})
    convening_id = convening.id
    outcome = run_service(call, form)
    if not outcome.ok:
        return _render_team(convening, outcome.status, problem=outcome.problem, **{name: form})
    flash(done, "success")
    return _back(convening_id, anchor)


@blueprint.route(POLL)
@guard(Action.VIEW_TEAM_AREA, CONVENING)
def show(convening: Convening):
    """The poll's page for the team: its slots, voters, grid and the actions on it."""
    return _render_team(convening)


@blueprint.route(f"{POLL}/new", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def create(convening: Convening):
    """Start a date poll on a draft convening."""
    form = PollForm()
    return _form_step(
        convening,
        form,
        "poll_form",
        lambda db: services.create_poll(db, current_principal(), convening, form.title.data),
        "The poll is started: propose slots and choose who votes.",
    )


@blueprint.route(f"{POLL}/slots", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def add_slot(convening: Convening):
    """Propose a slot, in the convening's time zone."""
    poll = _poll_or_404(convening)
    form = SlotForm()
    return _form_step(
        convening,
        form,
        "slot_form",
        lambda db: services.add_slot(
            db, current_principal(), poll, form.starts_at.data, form.ends_at.data
        ),
        "Slot proposed.",
        "slots",
    )


@blueprint.route(f"{POLL}/slots/remove", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def remove_slot(convening: Convening):
    """Withdraw a proposed slot."""
    poll = _poll_or_404(convening)
    form = SlotChoiceForm()
    if not form.validate_on_submit():
        return _render_team(convening, 400, problem="Choose one of the poll's slots.")
    convening_id = convening.id
    outcome = run_service(
        lambda db: services.remove_slot(db, current_principal(), poll, form.slot.data),
        flash_refusal=True,
    )
    if outcome.ok:
        flash("Slot withdrawn.", "success")
    return _back(convening_id, "slots")


@blueprint.route(f"{POLL}/voters", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def set_voters(convening: Convening):
    """Choose the organisations who vote and those who must attend."""
    poll = _poll_or_404(convening)
    form = VotersForm()
    return _form_step(
        convening,
        form,
        "voters_form",
        lambda db: services.set_voters(
            db, current_principal(), poll, form.voters.data, form.must_attend.data
        ),
        "Voters saved.",
        "voters",
    )


@blueprint.route(f"{POLL}/open", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def open_poll(convening: Convening):
    """Open the poll and email each voter a link."""
    poll = _poll_or_404(convening)
    if not ButtonForm().validate_on_submit():
        abort(400)
    convening_id = convening.id
    outcome = run_service(
        lambda db: services.open_poll(db, current_principal(), poll), flash_refusal=True
    )
    if outcome.ok:
        flash(f"The poll is open: {outcome.result} voter(s) emailed a link.", "success")
    return _back(convening_id)


@blueprint.route(f"{POLL}/remind", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def remind(convening: Convening):
    """Email a reminder to each voter who has not answered."""
    poll = _poll_or_404(convening)
    if not ButtonForm().validate_on_submit():
        abort(400)
    convening_id = convening.id
    outcome = run_service(
        lambda db: services.remind(db, current_principal(), poll), flash_refusal=True
    )
    if outcome.ok:
        flash(f"{outcome.result} reminder(s) queued.", "success")
    return _back(convening_id, "grid")


@blueprint.route(f"{POLL}/close", methods=["POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def close(convening: Convening):
    """Close the poll on a slot: it becomes the convening's time; voters are told."""
    poll = _poll_or_404(convening)
    form = CloseForm()
    return _form_step(
        convening,
        form,
        "close_form",
        lambda db: services.close_poll(
            db, current_principal(), poll, form.slot.data, parse_version(form.version.data)
        ),
        "The poll is closed and the convening's time is set. Publish it, then send the "
        "invitations.",
    )


@blueprint.route(f"{POLL}.csv")
@guard(Action.VIEW_TEAM_AREA, CONVENING)
def export_csv(convening: Convening):
    """Download the grid as CSV, times in the convening's zone."""
    poll = _poll_or_404(convening)
    rows = list(csv_rows(poll, convening.timezone))
    response = Response(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="poll-{convening.id}-{date.today().isoformat()}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/poll/<token>")
@public
def open_link(token: str):
    """Exchange a voter's link for a grant in this browser session, then show the ballot."""
    invitation = None
    if token and len(token) <= 200:
        invitation = get_session().scalar(
            select(Invitation).where(Invitation.token_hash == hash_token(token))
        )
    if (
        invitation is None
        or invitation.status == InvitationStatus.WITHDRAWN
        or voter_for(get_session(), invitation) is None
    ):
        response = render_template("polls/link_invalid.html"), 410
        return _no_referrer(response)
    grants = dict(session.get(LINK_GRANTS_KEY) or {})
    grants[str(invitation.id)] = invitation.token_hash
    session[LINK_GRANTS_KEY] = grants
    return _no_referrer(redirect(url_for(".vote", invitation_id=invitation.id), code=303))


def _no_referrer(response):
    response = make_response(response)
    # The token is in this address: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _viewer_zone() -> str | None:
    zone = request.args.get("zone", "")
    return zone if is_known_zone(zone) else None


@blueprint.route("/poll/invitations/<id:invitation_id>", methods=["GET", "POST"])
@guard(Action.VOTE_IN_POLL, load(Invitation, "invitation_id", "invitation"))
def vote(invitation: Invitation):
    """The voter's ballot: yes, if need be or no for each slot, until the poll closes."""
    voter = voter_for(get_session(), invitation)
    if voter is None or voter.poll.status == PollStatus.DRAFT:
        abort(404)
    poll = voter.poll
    votes = {vote.slot_id: vote.choice for vote in voter.votes}
    status = 200
    problem = None
    if request.method == "POST":
        form = ballot_form(poll.slots, formdata=request.form)
        if poll.status != PollStatus.OPEN:
            problem, status = "This poll is closed: answers can no longer change.", 409
        elif form.validate_on_submit():
            choices = {slot.id: form._fields[f"slot-{slot.id}"].data for slot in poll.slots}
            invitation_id = invitation.id
            outcome = run_service(
                lambda db: services.vote(
                    db,
                    current_principal(),
                    voter,
                    services.Ballot(choices=choices, comment=form.comment.data or ""),
                ),
                form,
            )
            if outcome.ok:
                flash(
                    "Thank you: your answers are saved. You can change them until the poll closes.",
                    "success",
                )
                return redirect(
                    url_for(".vote", invitation_id=invitation_id, zone=_viewer_zone()), code=303
                )
            problem, status = outcome.problem, outcome.status
        else:
            status = 400
    else:
        form = ballot_form(poll.slots, votes=votes, comment=voter.comment)
    zone = poll.convening.timezone
    return (
        render_template(
            "polls/vote.html",
            poll=poll,
            voter=voter,
            form=form,
            zone=zone,
            viewer_zone=_viewer_zone(),
            zone_names=zone_names(),
            problem=problem,
            invitation_id=invitation.id,
        ),
        status,
    )
