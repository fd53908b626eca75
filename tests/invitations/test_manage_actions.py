"""Reminders, withdrawals, new links and the invitations page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coordination.calendar import ics
from coordination.db import get_session
from coordination.invitations import links
from coordination.models import AuditEvent, InvitationStatus

from .board_helpers import add_delegate
from .manage_helpers import (
    Scene,
    calendar_of,
    event_of,
    link_in,
    outbox,
    reload,
    text_of,
    token_of,
)


@pytest.fixture
def scene(make, auth) -> Scene:
    return Scene(make, auth)


def sent_with_link(client, db, scene, name: str, **fields):
    """An invitation sent through the page, and the raw token of its link."""
    invitation = scene.invitation(name, **fields)
    client.post(
        f"/convenings/{scene.convening.id}/invitations/send",
        data={"invitation": [str(invitation.id)]},
    )
    message = outbox(db)[-1]
    return reload(db, invitation), token_of(link_in(message.text_body))


def opens(app, token: str):
    with app.app_context():
        found = links.find_by_link(get_session(), token)
        return found.id if found else None


# --- Reminders --------------------------------------------------------------------------------


def test_reminder_issues_a_new_link_and_the_old_one_stops_working(client, db, app, scene):
    invitation, old = sent_with_link(client, db, scene, "Apple")

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/remind",
        data={"invitation": [str(invitation.id)]},
    )

    reminder = outbox(db)[-1]
    new = token_of(link_in(reminder.text_body))
    assert response.status_code == 302
    assert reminder.subject.startswith("Reminder:")
    assert "This link replaces the one sent earlier" in reminder.text_body
    assert "This link replaces the one sent earlier" in reminder.html_body
    assert new != old
    assert opens(app, old) is None
    assert opens(app, new) == invitation.id
    stored = reload(db, invitation)
    assert stored.reminders_sent == 1
    assert stored.last_reminded_at is not None
    method, calendar = calendar_of(reminder)
    assert method == "REQUEST"
    with app.app_context():
        assert str(event_of(calendar)["UID"]) == ics.invitation_uid(scene.convening, invitation.id)


def test_remind_all_reaches_only_those_who_have_not_answered(client, db, scene):
    waiting = scene.invitation("Apple", InvitationStatus.SENT)
    scene.invitation("Facebook", InvitationStatus.ACCEPTED)
    scene.invitation("Twitter", InvitationStatus.DRAFT)

    client.post(f"/convenings/{scene.convening.id}/invitations/remind", data={"scope": "all"})

    assert [m.recipients for m in outbox(db)] == [["focal@apple.example.org"]]
    assert reload(db, waiting).reminders_sent == 1


def test_manage_page_shows_the_last_reminder_date_in_the_convening_zone(client, db, scene):
    scene.invitation(
        "Apple",
        InvitationStatus.SENT,
        last_reminded_at=scene.convening.starts_at - timedelta(days=3),
        reminders_sent=2,
    )

    page = client.get(f"/convenings/{scene.convening.id}/invitations")

    assert "12 Jan 2030, 10:00 PST (2 in all)" in text_of(page)


# --- Withdraw ---------------------------------------------------------------------------------


def test_withdraw_cancels_the_calendar_event_and_revokes_the_link(client, db, app, scene):
    invitation, token = sent_with_link(client, db, scene, "Apple")
    (first,) = outbox(db)
    _method, sent_calendar = calendar_of(first)
    delegate = add_delegate(db, reload(db, invitation), "Dana Delegate", email="dana@apple.example")

    response = client.post(f"/invitations/{invitation.id}/withdraw")

    messages = outbox(db)[1:]
    assert response.status_code == 302
    assert sorted(m.recipients[0] for m in messages) == [
        "dana@apple.example",
        "focal@apple.example.org",
    ]
    to_focal = next(m for m in messages if m.recipients == ["focal@apple.example.org"])
    method, calendar = calendar_of(to_focal)
    event, earlier = event_of(calendar), event_of(sent_calendar)
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert event["UID"] == earlier["UID"]
    assert event["SEQUENCE"] > earlier["SEQUENCE"]
    assert event["STATUS"] == "CANCELLED"
    to_delegate = next(m for m in messages if m.recipients == ["dana@apple.example"])
    method, calendar = calendar_of(to_delegate)
    with app.app_context():
        assert str(event_of(calendar)["UID"]) == ics.delegate_uid(scene.convening, delegate.id)
    assert method == "CANCEL"
    stored = reload(db, invitation)
    assert (stored.status, stored.token_hash) == (InvitationStatus.WITHDRAWN, None)
    assert opens(app, token) is None
    assert "invitation.withdrawn" in [e.action for e in db.scalars(select(AuditEvent))]


def test_withdraw_a_draft_sends_nothing(client, db, scene):
    invitation = scene.invitation("Apple")

    client.post(f"/invitations/{invitation.id}/withdraw")

    assert outbox(db) == []
    assert reload(db, invitation).status == InvitationStatus.WITHDRAWN


def test_bulk_withdraw_needs_ticked_invitations(client, db, scene):
    invitation = scene.invitation("Apple", InvitationStatus.SENT)

    response = client.post(f"/convenings/{scene.convening.id}/invitations/withdraw", data={})
    ticked = client.post(
        f"/convenings/{scene.convening.id}/invitations/withdraw",
        data={"invitation": [str(invitation.id)]},
    )

    assert "Tick the invitations to withdraw." in text_of(client.get(response.headers["Location"]))
    assert ticked.status_code == 302
    assert reload(db, invitation).status == InvitationStatus.WITHDRAWN


# --- Resend, revoke, reissue ------------------------------------------------------------------


def test_resend_emails_a_new_link_with_the_same_calendar_uid(client, db, app, scene):
    invitation, old = sent_with_link(client, db, scene, "Apple")

    client.post(f"/invitations/{invitation.id}/resend")

    first, again = outbox(db)
    new = token_of(link_in(again.text_body))
    assert event_of(calendar_of(again)[1])["UID"] == event_of(calendar_of(first)[1])["UID"]
    assert "This link replaces the one sent earlier" in again.text_body
    assert opens(app, old) is None
    assert opens(app, new) == invitation.id
    assert reload(db, invitation).status == InvitationStatus.SENT


def test_revoke_stops_the_link_and_reissue_sends_a_new_one(client, db, app, scene):
    invitation, old = sent_with_link(client, db, scene, "Apple")

    client.post(f"/invitations/{invitation.id}/revoke-link")
    after_revoke = outbox(db)
    revoked = opens(app, old)
    page = client.get(f"/invitations/{invitation.id}/edit")
    client.post(f"/invitations/{invitation.id}/reissue-link")

    assert revoked is None
    assert len(after_revoke) == 1  # revoking sends nothing
    assert "No working link" in text_of(page)
    new = token_of(link_in(outbox(db)[-1].text_body))
    assert opens(app, new) == invitation.id
    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["invitation.link_revoked", "invitation.link_reissued"]


def test_resend_refused_for_a_draft_invitation(client, db, scene):
    invitation = scene.invitation("Apple")

    response = client.post(f"/invitations/{invitation.id}/resend", follow_redirects=True)

    assert "still a draft: send it instead" in text_of(response)
    assert outbox(db) == []


# --- The invitations page ---------------------------------------------------------------------


def test_manage_page_filters_by_status(client, scene):
    scene.invitation("Apple", InvitationStatus.ACCEPTED)
    scene.invitation("Facebook", InvitationStatus.DRAFT)

    everything = text_of(client.get(f"/convenings/{scene.convening.id}/invitations"))
    accepted = text_of(client.get(f"/convenings/{scene.convening.id}/invitations?status=accepted"))

    assert "Apple" in everything and "Facebook" in everything
    assert "Apple" in accepted and "Facebook" not in accepted
    assert "Accepted (1)" in everything and "Draft (1)" in everything


def test_manage_page_query_count_does_not_grow_with_invitations(client, scene, count_queries):
    def invite(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            invitation = scene.invitation(f"Org {number:03d}", InvitationStatus.ACCEPTED)
            add_delegate(scene.make.session, invitation, f"Delegate {number}")

    url = f"/convenings/{scene.convening.id}/invitations"
    invite(3, 0)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    invite(27, 3)
    with count_queries() as many:
        page = client.get(url)

    assert "Org 029" in text_of(page)
    assert many.count == few.count


def test_convening_page_links_to_its_invitations(client, scene):
    page = client.get(f"/convenings/{scene.convening.id}").get_data(as_text=True)

    assert f'href="/convenings/{scene.convening.id}/invitations"' in page
