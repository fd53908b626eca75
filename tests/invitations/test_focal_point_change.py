"""The link belongs to the focal point: naming another one revokes the old link and sends a new."""

from __future__ import annotations

import pytest

from coordination.models import ConveningStatus, Invitation, InvitationStatus

from .manage_helpers import (
    Scene,
    audit_actions,
    calendar_of,
    error_beside,
    event_of,
    link_in,
    outbox,
    reload,
    send_and_read_token,
    text_of,
    token_of,
)


@pytest.fixture
def scene(make, auth) -> Scene:
    return Scene(make, auth)


def change_focal_point(client, db, invitation: Invitation, contact_id: int):
    stored = reload(db, invitation)
    return client.post(
        f"/invitations/{invitation.id}/edit",
        data={
            "seat_quota": str(stored.seat_quota),
            "focal_point_id": str(contact_id),
            "note": stored.note,
            "version": str(stored.version),
        },
    )


def test_new_focal_point_gets_a_link_and_the_old_one_stops_working(app, client, db, scene, make):
    invitation = scene.invitation("Apple")
    old_token = send_and_read_token(client, db, scene, invitation)
    earlier = app.test_client()
    assert earlier.get(f"/rsvp/{old_token}").status_code == 303
    assert earlier.get(f"/rsvp/invitations/{invitation.id}").status_code == 200
    newcomer = make.contact(invitation.organisation, name="Nadia New", email="nadia@apple.example")
    sent_before = len(outbox(db))

    response = change_focal_point(client, db, invitation, newcomer.id)

    assert response.status_code == 302
    messages = outbox(db)[sent_before:]
    assert [m.recipients for m in messages] == [["nadia@apple.example"]]
    (message,) = messages
    assert message.subject == "Invitation: Countering online propaganda"
    assert "made you Apple's focal point" in message.text_body
    method, calendar = calendar_of(message)
    assert method == "REQUEST"
    assert "nadia@apple.example" in str(event_of(calendar)["ATTENDEE"]).lower()
    new_token = token_of(link_in(message.text_body))
    assert new_token != old_token
    assert app.test_client().get(f"/rsvp/{old_token}").status_code == 410
    assert earlier.get(f"/rsvp/invitations/{invitation.id}").status_code == 410
    posted = earlier.post(f"/rsvp/invitations/{invitation.id}", data={"answer": "accepted"})
    assert posted.status_code == 410
    assert reload(db, invitation).status == InvitationStatus.SENT
    assert app.test_client().get(f"/rsvp/{new_token}").status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "a new link is on its way to the new focal point" in page
    assert audit_actions(db, scene.convening.id)[-2:] == [
        "invitation.updated",
        "invitation.link_reissued",
    ]


def test_answered_invitation_tells_the_new_focal_point_the_answer_so_far(client, db, scene, make):
    invitation = scene.invitation("Apple")
    send_and_read_token(client, db, scene, invitation)
    stored = reload(db, invitation)
    stored.status = InvitationStatus.ACCEPTED
    db.commit()
    newcomer = make.contact(invitation.organisation, name="Nadia New", email="nadia@apple.example")

    change_focal_point(client, db, invitation, newcomer.id)

    message = outbox(db)[-1]
    assert message.recipients == ["nadia@apple.example"]
    assert "The organisation's answer so far: accepted." in message.text_body
    assert reload(db, invitation).status == InvitationStatus.ACCEPTED


def test_changing_the_focal_point_of_a_draft_sends_nothing(client, db, scene, make):
    invitation = scene.invitation("Apple")
    newcomer = make.contact(invitation.organisation, name="Nadia New", email="nadia@apple.example")

    response = change_focal_point(client, db, invitation, newcomer.id)

    assert response.status_code == 302
    assert outbox(db) == []
    stored = reload(db, invitation)
    assert (stored.focal_point_id, stored.token_hash) == (newcomer.id, None)


def test_new_focal_point_without_an_address_is_refused_for_a_sent_invitation(
    app, client, db, scene, make
):
    invitation = scene.invitation("Apple")
    token = send_and_read_token(client, db, scene, invitation)
    silent = make.contact(invitation.organisation, name="Sam Silent", email="sam@apple.example")
    silent.email = None
    silent.email_normalized = None
    db.commit()
    sent_before = len(outbox(db))

    response = change_focal_point(client, db, invitation, silent.id)

    assert response.status_code == 400
    assert "Sam Silent has no email address" in error_beside(
        response.get_data(as_text=True), "focal_point_id"
    )
    assert reload(db, invitation).focal_point_id == invitation.focal_point_id
    assert len(outbox(db)) == sent_before
    assert app.test_client().get(f"/rsvp/{token}").status_code == 303


def test_focal_point_changed_after_cancellation_revokes_the_link_and_says_none_was_sent(
    app, client, db, scene, make
):
    invitation = scene.invitation("Apple")
    token = send_and_read_token(client, db, scene, invitation)
    convening = scene.convening
    convening.status = ConveningStatus.CANCELLED
    db.merge(convening)
    db.commit()
    newcomer = make.contact(invitation.organisation, name="Nadia New", email="nadia@apple.example")
    sent_before = len(outbox(db))

    response = change_focal_point(client, db, invitation, newcomer.id)

    assert response.status_code == 302
    assert len(outbox(db)) == sent_before
    assert reload(db, invitation).focal_point_id == newcomer.id
    assert app.test_client().get(f"/rsvp/{token}").status_code == 410
    page = text_of(client.get(response.headers["Location"]))
    assert "No new link was sent: This convening is cancelled" in page
