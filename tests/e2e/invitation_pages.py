"""The invitation pages (organisers', answering and attendance), for the page checkers."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from .page_spec import PageSpec, fixed, submit_empty
from .world import World


def _decline(page: Page) -> None:
    page.get_by_label("No, we cannot attend").check()
    page.get_by_role("button", name="Save the answer").click()


def _convening(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/convenings/{w.convening.id}{suffix}"


def _answer(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/rsvp/invitations/{w.answered.id}{suffix}"


def _link(world: World) -> str:
    return world.rsvp_link


def _invitation(which: str, suffix: str = "/edit") -> Callable[[World], str]:
    return lambda w: f"/invitations/{getattr(w, which).id}{suffix}"


ANSWER = "Invitation to Madison Valleywood"
INVITATION_PAGES = [
    PageSpec("invitations-manage", "organiser", _convening("/invitations"), heading="Invitations"),
    PageSpec(
        "invitations-manage-drafts",
        "organiser",
        _convening("/invitations?status=draft"),
        heading="Invitations",
    ),
    PageSpec(
        "invitation-invite",
        "organiser",
        _convening("/invitations/new"),
        heading="Invite an organisation",
    ),
    PageSpec(
        "invitation-invite-errors",
        "organiser",
        _convening("/invitations/new"),
        400,
        submit_empty("Invite as a draft"),
        heading="Invite an organisation",
    ),
    PageSpec(
        "invitation-bulk", "organiser", _convening("/invitations/bulk"), heading="Invite in bulk"
    ),
    PageSpec(
        "invitation-bulk-matching",
        "organiser",
        _convening("/invitations/bulk?kind=government_agency"),
        heading="Invite in bulk",
    ),
    PageSpec(
        "invitation-new-organisation",
        "organiser",
        _convening("/invitations/new-organisation"),
        heading="Invite a new organisation",
    ),
    PageSpec(
        "invitation-new-organisation-errors",
        "organiser",
        _convening("/invitations/new-organisation"),
        400,
        submit_empty("Add and invite as a draft"),
        heading="Invite a new organisation",
    ),
    PageSpec(
        "invitation-edit", "organiser", _invitation("answered"), heading="Invitation of Apple"
    ),
    PageSpec(
        "invitation-edit-draft",
        "organiser",
        _invitation("draft_invitation"),
        heading="Invitation of Snap Inc.",
    ),
    PageSpec(
        "invitation-batch-progress",
        "organiser",
        lambda w: f"/convenings/{w.convening.id}/invitations/batches/{w.batch}",
        heading="Emails sent",
    ),
    PageSpec(
        "invitation-notify-change",
        "organiser",
        _convening("/invitations/notify"),
        heading="Tell the people invited",
    ),
    PageSpec("rsvp-answer-link-holder", None, _answer(), before=_link, heading=ANSWER),
    PageSpec(
        "rsvp-answer-delegate-errors",
        None,
        _answer(),
        400,
        submit_empty("Add the delegate"),
        before=_link,
        heading=ANSWER,
    ),
    PageSpec(
        "rsvp-confirm-decline",
        None,
        _answer(),
        200,
        _decline,
        before=_link,
        heading="Decline the invitation to Madison Valleywood?",
    ),
    PageSpec(
        "rsvp-delegate-edit",
        None,
        lambda w: f"/rsvp/invitations/{w.answered.id}/delegates/{w.delegate.id}",
        before=_link,
        heading="Change Hana Head",
    ),
    PageSpec("rsvp-answer-focal-point", "participant", _answer(), heading=ANSWER),
    PageSpec("rsvp-answer-on-behalf", "organiser", _answer(), heading=ANSWER),
    PageSpec(
        "rsvp-link-invalid",
        None,
        fixed("/rsvp/this-link-was-mistyped"),
        410,
        heading="This link no longer works",
    ),
    PageSpec("rsvp-board", "organiser", _convening("/rsvp"), heading="RSVP board"),
    PageSpec(
        "rsvp-board-filtered",
        "coordinator",
        _convening("/rsvp?q=Apple&kind=company"),
        heading="RSVP board",
    ),
    PageSpec("attendees", "organiser", _convening("/attendees"), heading="Attendee list"),
    PageSpec("check-in", "organiser", _convening("/check-in"), heading="Check-in"),
    PageSpec("check-in-search", "coordinator", _convening("/check-in?q=hana"), heading="Check-in"),
    PageSpec(
        "check-in-search-nobody",
        "organiser",
        _convening("/check-in?q=nobody+at+all"),
        heading="Check-in",
    ),
]
