"""Calendar downloads for a convening, and each person's calendar feed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_wtf import FlaskForm

from ..audiences import viewer_for
from ..db import get_session
from ..models import Convening
from ..permissions import Action, guard, load, public
from ..principal import current_principal
from ..view_helpers import run_service
from . import feeds, services

blueprint = Blueprint("calendar", __name__)

# The new feed address waits here for the page after the POST: it is shown once.
FRESH_FEED_KEY = "calendar_feed_fresh_address"


def _calendar_response(body: bytes, filename: str | None = None):
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8", **headers}


@blueprint.route("/convenings/<id:convening_id>/calendar.ics")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def convening_ics(convening: Convening):
    """The convening as one calendar event."""
    return _calendar_response(feeds.convening_calendar(convening), f"convening-{convening.id}.ics")


@blueprint.route("/convenings/<id:convening_id>/agenda.ics")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def agenda_ics(convening: Convening):
    """The convening and each published agenda item meant for the viewer, as events."""
    session_ = get_session()
    viewer = viewer_for(session_, current_principal(), convening)
    return _calendar_response(
        feeds.agenda_calendar(session_, convening, viewer),
        f"convening-{convening.id}-agenda.ics",
    )


class FeedForm(FlaskForm):
    """A bare POST with CSRF (create, reset or turn off the feed)."""


@blueprint.route("/calendar/feed")
@guard(Action.SIGNED_IN)
def feed_settings():
    """The personal feed: its address once after it is made, and the way to reset it."""
    fresh = session.pop(FRESH_FEED_KEY, None)
    return (
        render_template(
            "calendar/feed.html",
            has_feed=current_principal().user.calendar_feed_token_hash is not None,
            urls=feeds.feed_urls(fresh) if fresh else None,
            form=FeedForm(formdata=None),
        ),
        200,
        {"Cache-Control": "private, no-store"},
    )


@blueprint.route("/calendar/feed", methods=["POST"])
@guard(Action.SIGNED_IN)
def reset_feed():
    """Make a new feed address; any earlier one stops working."""
    if not FeedForm().validate_on_submit():
        abort(400)
    outcome = run_service(
        lambda db: services.reset_feed(db, current_principal()), flash_refusal=True
    )
    if outcome.ok:
        session[FRESH_FEED_KEY] = outcome.result
    return redirect(url_for(".feed_settings"))


@blueprint.route("/calendar/feed/off", methods=["POST"])
@guard(Action.SIGNED_IN)
def turn_off_feed():
    """Stop the feed address working, without making a new one."""
    if not FeedForm().validate_on_submit():
        abort(400)
    outcome = run_service(
        lambda db: services.turn_off_feed(db, current_principal()), flash_refusal=True
    )
    if outcome.result:
        flash("Your calendar feed is turned off: its address no longer works.", "success")
    return redirect(url_for(".feed_settings"))


@blueprint.route("/calendar/feed/<token>.ics")
@public
def feed(token: str):
    """A person's convenings and agenda items; the secret in the address is the permission."""
    db = get_session()
    user = feeds.find_feed_user(db, token)
    if user is None:
        abort(404)
    return _calendar_response(feeds.feed_calendar(db, user))
