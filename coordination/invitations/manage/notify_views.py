"""Telling everyone invited that the convening's time, place or status changed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...db import get_session
from ...models import Convening
from ...permissions import Action, guard
from ...principal import current_principal
from ...service import InputError
from ...view_helpers import run_service
from ..blueprint import blueprint
from . import notify
from .view_helpers import CONVENING, after_action, plural


def _based_on(raw: str | None) -> int | None:
    """The calendar sequence the notice page showed; -1 (never current) when it is garbled."""
    if raw is None:
        return None
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else -1


@blueprint.route("/convenings/<id:convening_id>/invitations/notify", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, CONVENING)
def notify_change(convening: Convening):
    """Tell everyone invited that the time, place or status changed (updated calendar event)."""
    if request.method == "POST":
        convening_id = convening.id
        based_on = _based_on(request.form.get("based_on"))
        outcome = run_service(
            lambda session: notify.notify_change(
                session, current_principal(), convening, based_on=based_on
            )
        )
        if not outcome.ok:
            # The refusal's own words: a convening changed since the page was shown says how.
            flash(str(outcome.error), "error")
            return redirect(url_for(".notify_change", convening_id=convening_id))
        sent = outcome.result
        return after_action(convening_id, sent, f"{plural(sent.emails, 'email')} on their way.")
    problem = None
    try:
        notify.check_can_notify(convening)
    except InputError as error:
        problem = str(error)
    session = get_session()
    return render_template(
        "invitations/manage/notify.html",
        convening=convening,
        changes=notify.pending_changes(session, convening),
        audience=notify.audience(session, convening),
        problem=problem,
    )
