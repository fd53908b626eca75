"""Sending invitations: one email each with its link and calendar invitation, all or nothing."""

from __future__ import annotations

from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from coordination.calendar import ics
from coordination.db import get_database, get_session
from coordination.invitations import links
from coordination.invitations.manage import batches
from coordination.mail import compose, deliver_pending
from coordination.models import AuditEvent, ConveningStatus, InvitationStatus, OutboxMessage
from coordination.tokens import hash_token

from ..conftest import AuthActions
from .manage_helpers import (
    START,
    Scene,
    audit_actions,
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


def send(client, scene, *ids, scope=None, **headers):
    data = {"invitation": [str(i) for i in ids]}
    if scope:
        data["scope"] = scope
    return client.post(
        f"/convenings/{scene.convening.id}/invitations/send", data=data, headers=headers
    )


def test_send_queues_one_email_per_focal_point_with_link_and_calendar(client, db, app, scene):
    apple = scene.invitation("Apple")
    embassy = scene.invitation("British Embassy")

    response = send(client, scene, scope="all")

    messages = outbox(db)
    assert response.status_code == 302
    assert "/invitations/batches/" in response.headers["Location"]
    assert sorted(m.recipients[0] for m in messages) == [
        "focal@apple.example.org",
        "focal@british-embassy.example.org",
    ]
    assert len({m.batch for m in messages}) == 1
    assert {m.convening_id for m in messages} == {scene.convening.id}
    for invitation in (apple, embassy):
        stored = reload(db, invitation)
        assert stored.status == InvitationStatus.SENT
        assert stored.sent_at is not None
        assert stored.token_hash is not None
    assert audit_actions(db, scene.convening.id) == ["invitation.sent", "invitation.sent"]


def test_sent_link_comes_from_base_url_and_opens_the_invitation(client, db, app, scene):
    invitation = scene.invitation("Apple")
    auth = AuthActions(client)
    client.post(
        "/account/sign-in",
        data={"email": scene.organiser.email, "password": auth.password},
        headers={"Host": "evil.example.com"},
    )

    response = send(client, scene, invitation.id, Host="evil.example.com")

    (message,) = outbox(db)
    link = link_in(message.text_body)
    assert response.headers["Location"].startswith("/convenings/")
    assert link.startswith("https://coordination.example.org/rsvp/")
    assert "evil.example.com" not in message.text_body + (message.html_body or "")
    token = token_of(link)
    endpoint, arguments = app.url_map.bind("coordination.example.org").match(urlsplit(link).path)
    assert (endpoint, arguments) == ("invitations.open_link", {"token": token})
    stored = reload(db, invitation)
    assert stored.token_hash == hash_token(token)
    with app.app_context():
        assert links.find_by_link(get_session(), token).id == invitation.id


def test_sent_email_carries_the_convening_details_in_its_zone(client, db, scene, make):
    invitation = scene.invitation("Apple", note="Please bring your policy lead.")
    convening = scene.convening
    convening.rsvp_deadline = START.replace(day=8)
    convening.remote_url = "https://meet.example.org/mv"
    make.commit()

    send(client, scene, invitation.id)

    (message,) = outbox(db)
    text = message.text_body
    assert message.subject == "Invitation: Countering online propaganda"
    assert "Codename: Madison Valleywood" in text
    assert "Starts: Tue 15 Jan 2030, 10:00 PST (America/Los_Angeles)" in text
    assert "Ends: Tue 15 Jan 2030, 16:00 PST (America/Los_Angeles)" in text
    assert "Please answer by: Tue 08 Jan 2030, 10:00 PST (America/Los_Angeles)" in text
    assert "Venue: Robert F. Kennedy Building, Great Hall" in text
    assert "Remote link: https://meet.example.org/mv" in text
    assert "Please bring your policy lead." in text
    assert "Please bring your policy lead." in message.html_body
    assert link_in(text) in message.html_body


def test_sent_calendar_invitation_is_an_itip_request_for_the_focal_point(client, db, app, scene):
    invitation = scene.invitation("Apple", calendar_sequence=1)
    scene.convening.calendar_sequence = 2
    scene.make.commit()

    send(client, scene, invitation.id)

    (message,) = outbox(db)
    method, calendar = calendar_of(message)
    event = event_of(calendar)
    assert method == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    with app.app_context():
        assert str(event["UID"]) == ics.invitation_uid(scene.convening, invitation.id)
    assert event["SEQUENCE"] == 3
    organizer = event["ORGANIZER"]
    assert str(organizer) == f"mailto:{parseaddr(app.config['MAIL_SENDER'])[1]}"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:focal@apple.example.org"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Los_Angeles"
    assert start.astimezone(UTC) == START
    assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]


def test_send_refused_while_the_convening_is_a_draft(client, db, make, auth):
    scene = Scene(make, auth, status=ConveningStatus.DRAFT)
    invitation = scene.invitation("Apple")

    response = send(client, scene, scope="all")
    page = client.get(response.headers["Location"])

    assert "still a draft: publish it before sending invitations" in text_of(page)
    assert outbox(db) == []
    assert reload(db, invitation).status == InvitationStatus.DRAFT


def test_send_without_a_focal_point_email_lists_the_problem_and_sends_nothing(client, db, scene):
    ready = scene.invitation("Apple")
    no_email = scene.invitation("Snapchat", with_email=False)
    nobody = scene.make.invitation(
        scene.convening, scene.organisation("MTV")[0], status=InvitationStatus.DRAFT
    )

    response = send(client, scene, scope="all")

    text = text_of(response)
    assert response.status_code == 400
    assert "Nothing was sent" in text
    assert "Snapchat: the focal point Focal Snapchat has no email address." in text
    assert "MTV: choose a focal point." in text
    assert outbox(db) == []
    for invitation in (ready, no_email, nobody):
        stored = reload(db, invitation)
        assert (stored.status, stored.token_hash) == (InvitationStatus.DRAFT, None)
    assert audit_actions(db, scene.convening.id) == []


def test_send_ticked_sends_only_those_drafts(client, db, scene):
    chosen = scene.invitation("Apple")
    left = scene.invitation("Facebook")
    already = scene.invitation("Twitter", InvitationStatus.SENT)

    response = send(client, scene, chosen.id, already.id)

    assert response.status_code == 302
    assert [m.recipients for m in outbox(db)] == [["focal@apple.example.org"]]
    assert reload(db, left).status == InvitationStatus.DRAFT
    assert reload(db, already).token_hash is None


def test_send_with_nothing_ticked_sends_nothing(client, db, scene):
    scene.invitation("Apple")

    response = send(client, scene)
    page = client.get(response.headers["Location"])

    assert "Tick at least one invitation" in text_of(page)
    assert outbox(db) == []


def test_send_rolled_back_midway_leaves_no_email_and_no_change(client, db, scene, monkeypatch):
    first = scene.invitation("Apple")
    second = scene.invitation("Facebook")
    real = ics.itip_message
    calls = []

    def failing_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("calendar builder broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(ics, "itip_message", failing_on_the_second)

    response = send(client, scene, scope="all")

    assert response.status_code == 500
    assert len(calls) == 2
    assert outbox(db) == []
    for invitation in (first, second):
        stored = reload(db, invitation)
        assert (stored.status, stored.token_hash) == (InvitationStatus.DRAFT, None)
    assert db.scalars(select(AuditEvent)).all() == []


def test_note_cannot_inject_headers_or_markup(client, db, scene):
    note = 'Hi\r\nBcc: attacker@example.com\r\n<script>alert("x")</script> <b>bold</b>'
    invitation = scene.invitation("Apple", note=note)

    send(client, scene, invitation.id)

    (message,) = outbox(db)
    assert message.recipients == ["focal@apple.example.org"]
    assert "attacker" not in message.subject
    assert "<script>" not in message.html_body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in message.html_body
    assert "<b>bold</b>" not in message.html_body
    assert '<script>alert("x")</script>' in message.text_body  # plain text, shown as written
    with client.application.app_context():
        email, _sender, recipients = compose(message, client.application.config)
    assert [str(address) for address in recipients] == ["focal@apple.example.org"]
    assert email["Bcc"] is None


# --- Progress --------------------------------------------------------------------------------


def test_progress_page_counts_delivered_and_failed_and_refreshes_until_done(client, db, scene):
    for name in ("Apple", "Facebook", "Twitter"):
        scene.invitation(name)
    send(client, scene, scope="all")
    messages = outbox(db)
    batch = messages[0].batch
    url = f"/convenings/{scene.convening.id}/invitations/batches/{batch}"

    waiting = client.get(url)
    messages[0].sent_at = messages[1].failed_at = messages[0].created_at
    db.commit()
    partial = client.get(url)
    messages[2].sent_at = messages[2].created_at
    db.commit()
    done = client.get(url)
    counts = client.get(f"{url}.json").get_json()

    assert "0 of 3 emails delivered, 0 failed." in text_of(waiting)
    assert '<progress id="batch-progress" max="3" value="0"' in waiting.get_data(as_text=True)
    assert waiting.headers["Refresh"] == "2"
    assert "1 of 3 emails delivered, 1 failed." in text_of(partial)
    assert "2 of 3 emails delivered, 1 failed." in text_of(done)
    assert "Refresh" not in done.headers
    assert counts == {
        "batch": batch,
        "total": 3,
        "delivered": 2,
        "failed": 1,
        "pending": 0,
        "finished": True,
    }


def test_progress_counts_only_the_convening_own_batch(client, db, scene, make):
    other = make.convening(organisers=(scene.organiser,))
    db.add(
        OutboxMessage(
            recipients=["a@example.org"],
            subject="s",
            text_body="t",
            batch="ab" * 8,
            convening_id=other.id,
        )
    )
    db.commit()

    response = client.get(f"/convenings/{scene.convening.id}/invitations/batches/{'ab' * 8}.json")

    assert response.get_json()["total"] == 0


def test_progress_refuses_a_batch_id_that_is_not_hex(client, scene):
    response = client.get(f"/convenings/{scene.convening.id}/invitations/batches/{'z' * 16}")

    assert response.status_code == 404


def test_sent_invitations_reach_a_real_smtp_server(smtp_app, smtp_server, make, db):
    client = smtp_app.test_client()
    scene = Scene(make, AuthActions(client))
    invitation = scene.invitation("Apple")
    send(client, scene, scope="all")
    with smtp_app.app_context(), get_database().session() as session:
        report = deliver_pending(session, smtp_app.config)

    (received,) = smtp_server.wait_for(1)
    assert report.sent == 1
    assert received.rcpt_tos == ["focal@apple.example.org"]
    link = link_in(received.text())
    page = client.get(urlsplit(link).path, follow_redirects=True)
    assert page.status_code == 200
    assert "Apple" in text_of(page)
    method, text = received.calendar()
    assert method == "REQUEST"
    event = event_of(Calendar.from_ical(text))
    assert str(event["ATTENDEE"]) == "mailto:focal@apple.example.org"
    assert event["SEQUENCE"] == 0
    with smtp_app.app_context():
        assert str(event["UID"]) == ics.invitation_uid(scene.convening, invitation.id)


def test_batch_ids_are_random_hex(app):
    first, second = batches.new_batch(), batches.new_batch()
    assert first != second
    assert len(first) == 16 and int(first, 16) >= 0
