"""Check-in on the day: find an expected delegate and record (or undo) their arrival."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from ...db import get_session
from ...models import Convening, Delegate
from ...permissions import Action, guard, load
from ...principal import current_principal
from ...timezones import utc_to_local
from ...view_helpers import run_service
from ..blueprint import blueprint
from .board import SEARCH_MAX
from .checkin import check_in_page, mark_arrived, unmark_arrived
from .forms import CheckInSearchForm
from .view_helpers import CONVENING, render_page

DELEGATE = load(
    Delegate, "delegate_id", "delegate", judged_by=lambda delegate: delegate.invitation.convening
)


@blueprint.route("/convenings/<id:convening_id>/check-in")
@guard(Action.VIEW_TEAM_AREA, CONVENING)
def check_in(convening: Convening):
    """Find expected delegates by name, organisation or email and mark who has arrived."""
    form = CheckInSearchForm(formdata=request.args)
    form.validate()
    query = "" if form.q.errors else (form.q.data or "")
    return render_page(
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
@guard(Action.VIEW_TEAM_AREA, DELEGATE)
def mark_arrived_view(delegate: Delegate):
    """Record a delegate's arrival, then return to the search."""
    outcome = run_service(
        lambda session: mark_arrived(session, current_principal(), delegate), flash_refusal=True
    )
    if not outcome.ok:
        return _back_to_search(delegate)
    if outcome.result:
        flash(f"{delegate.name} marked as arrived at {_clock(delegate)}.", "success")
    else:
        flash(f"{delegate.name} was already marked as arrived at {_clock(delegate)}.", "info")
    return _back_to_search(delegate)


@blueprint.route(
    "/delegates/<id:delegate_id>/not-arrived", methods=["POST"], endpoint="unmark_arrived"
)
@guard(Action.VIEW_TEAM_AREA, DELEGATE)
def unmark_arrived_view(delegate: Delegate):
    """Undo an arrival recorded by mistake, then return to the search."""
    outcome = run_service(
        lambda session: unmark_arrived(session, current_principal(), delegate), flash_refusal=True
    )
    if not outcome.ok:
        return _back_to_search(delegate)
    if outcome.result:
        flash(f"{delegate.name} is no longer marked as arrived.", "success")
    else:
        flash(f"{delegate.name} was not marked as arrived.", "info")
    return _back_to_search(delegate)
