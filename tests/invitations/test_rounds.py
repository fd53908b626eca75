"""No longer invited means one thing: withdrawing cancels the delegation, and inviting the
organisation again starts a fresh round."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coordination.calendar import ics
from coordination.models import (
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    SeatRequestStatus,
)

from .manage_helpers import (
    Scene,
    calendar_of,
    event_of,
    outbox,
    reload,
    send_and_read_token,
    text_of,
)
from .rsvp_helpers import delegate_data


@pytest.fixture
def scene(make, auth) -> Scene:
    return Scene(make, auth)


def accept_with_delegates(app, token: str, invitation: Invitation, *people: tuple[str, str]):
    """The focal point opens the link, accepts and names the people; answers their browser."""
    browser = app.test_client()
    assert browser.get(f"/rsvp/{token}").status_code == 303
    answer_url = f"/rsvp/invitations/{invitation.id}"
    assert browser.post(answer_url, data={"answer": "accepted"}).status_code == 303
    for name, email in people:
        added = browser.post(f"{answer_url}/delegates", data=delegate_data(name=name, email=email))
        assert added.status_code == 303
    return browser


def delegates(db, invitation: Invitation) -> list[Delegate]:
    db.expire_all()
    return list(
        db.scalars(
            select(Delegate).where(Delegate.invitation_id == invitation.id).order_by(Delegate.id)
        )
    )


def mail_to(db, address: str) -> list:
    return [message for message in outbox(db) if message.recipients == [address]]


def withdraw(client, invitation: Invitation):
    return client.post(f"/invitations/{invitation.id}/withdraw")


def invite_again(client, scene, invitation: Invitation, seat_quota: int = 2):
    return client.post(
        f"/convenings/{scene.convening.id}/invitations/new",
        data={
            "organisation_id": str(invitation.organisation_id),
            "seat_quota": str(seat_quota),
            "focal_point_id": str(invitation.focal_point_id),
        },
    )


# --- Withdrawing cancels the delegation --------------------------------------------------------


def test_withdrawing_cancels_every_delegate_and_tells_each(app, client, db, scene):
    invitation = scene.invitation("Apple")
    token = send_and_read_token(client, db, scene, invitation)
    accept_with_delegates(
        app,
        token,
        invitation,
        ("Dana Delegate", "dana@apple.example"),
        ("Eve", "eve@apple.example"),
    )
    (dana_confirmed,) = mail_to(db, "dana@apple.example")

    response = withdraw(client, invitation)

    assert response.status_code == 302
    assert [(d.status, d.is_head) for d in delegates(db, invitation)] == [
        (DelegateStatus.CANCELLED, False),
        (DelegateStatus.CANCELLED, False),
    ]
    _confirmation, cancellation = mail_to(db, "dana@apple.example")
    assert cancellation.subject == "Your place at Countering online propaganda is cancelled"
    assert "The organisers have withdrawn the invitation of Apple" in cancellation.text_body
    method, calendar = calendar_of(cancellation)
    event, confirmed = event_of(calendar), event_of(calendar_of(dana_confirmed)[1])
    assert method == "CANCEL"
    assert event["UID"] == confirmed["UID"]
    assert event["SEQUENCE"] > confirmed["SEQUENCE"]
    assert len(mail_to(db, "eve@apple.example")) == 2
    page = text_of(client.get(f"/invitations/{invitation.id}/edit"))
    assert "0 named of 2 offered" in page


def test_withdrawn_and_declined_delegates_are_cancelled_alike(app, client, db, scene):
    withdrawn = scene.invitation("Apple")
    declined = scene.invitation("Facebook")
    withdrawn_token = send_and_read_token(client, db, scene, withdrawn)
    declined_token = send_and_read_token(client, db, scene, declined)
    accept_with_delegates(app, withdrawn_token, withdrawn, ("Ann", "ann@apple.example"))
    browser = accept_with_delegates(app, declined_token, declined, ("Fay", "fay@facebook.example"))

    withdraw(client, withdrawn)
    browser.post(f"/rsvp/invitations/{declined.id}", data={"answer": "declined", "confirm": "y"})

    def cancelled(invitation: Invitation, address: str):
        (delegate,) = delegates(db, invitation)
        message = mail_to(db, address)[-1]
        method, calendar = calendar_of(message)
        with app.app_context():
            uid = ics.delegate_uid(scene.convening, delegate.id)
        assert str(event_of(calendar)["UID"]) == uid
        return delegate.status, delegate.is_head, message.subject.split(" at ")[0], method

    assert cancelled(withdrawn, "ann@apple.example") == cancelled(declined, "fay@facebook.example")
    assert cancelled(withdrawn, "ann@apple.example") == (
        DelegateStatus.CANCELLED,
        False,
        "Your place",
        "CANCEL",
    )


def test_withdrawal_records_the_delegates_it_cancelled(app, client, db, scene):
    invitation = scene.invitation("Apple")
    token = send_and_read_token(client, db, scene, invitation)
    accept_with_delegates(
        app,
        token,
        invitation,
        ("Dana Delegate", "dana@apple.example"),
        ("Eve", "eve@apple.example"),
    )

    withdraw(client, invitation)

    page = text_of(client.get(f"/convenings/{scene.convening.id}/audit"))
    assert "Withdrew an invitation: Invitation of Apple" in page
    assert "Delegates cancelled: Dana Delegate, Eve" in page


# --- Inviting again starts a fresh round -------------------------------------------------------


def test_inviting_again_starts_a_fresh_round_without_the_earlier_delegates(app, client, db, scene):
    invitation = scene.invitation("Apple")
    old_token = send_and_read_token(client, db, scene, invitation)
    browser = accept_with_delegates(
        app,
        old_token,
        invitation,
        ("Dana Delegate", "dana@apple.example"),
        ("Eve", "eve@apple.example"),
    )
    browser.post(
        f"/rsvp/invitations/{invitation.id}/seats", data={"seats": "2", "reason": "Our CEO"}
    )
    withdraw(client, invitation)

    reinvited = invite_again(client, scene, invitation)
    new_token = send_and_read_token(client, db, scene, invitation)

    assert reinvited.status_code == 302
    assert new_token != old_token
    assert app.test_client().get(f"/rsvp/{old_token}").status_code == 410
    assert browser.get(f"/rsvp/invitations/{invitation.id}").status_code == 410
    stored = reload(db, invitation)
    assert stored.status == InvitationStatus.SENT
    assert stored.seats_used == 0
    assert (stored.extra_seats_status, stored.extra_seats_requested) == (SeatRequestStatus.NONE, 0)
    assert {d.status for d in delegates(db, invitation)} == {DelegateStatus.CANCELLED}
    fresh = app.test_client()
    fresh.get(f"/rsvp/{new_token}")
    page = text_of(fresh.get(f"/rsvp/invitations/{invitation.id}"))
    assert "0 of 2 seats used" in page
    assert "Dana Delegate" not in page


def test_the_new_round_offers_every_seat_again(app, client, db, scene):
    invitation = scene.invitation("Apple")
    old_token = send_and_read_token(client, db, scene, invitation)
    accept_with_delegates(
        app,
        old_token,
        invitation,
        ("Dana Delegate", "dana@apple.example"),
        ("Eve", "eve@apple.example"),
    )
    withdraw(client, invitation)
    invite_again(client, scene, invitation)
    new_token = send_and_read_token(client, db, scene, invitation)

    accept_with_delegates(
        app,
        new_token,
        invitation,
        ("Gil", "gil@apple.example"),
        ("Dana Delegate", "dana@apple.example"),
    )

    confirmed = [d for d in delegates(db, invitation) if d.status == DelegateStatus.CONFIRMED]
    assert sorted(d.name for d in confirmed) == ["Dana Delegate", "Gil"]


def test_an_earlier_delegate_gains_no_access_from_the_new_round(app, client, db, scene, make):
    invitation = scene.invitation("Apple")
    token = send_and_read_token(client, db, scene, invitation)
    accept_with_delegates(app, token, invitation, ("Dana Delegate", "dana@apple.example"))
    dana = make.user(email="dana@apple.example", name="Dana Delegate")
    as_dana = app.test_client()
    as_dana.post(
        "/account/sign-in", data={"email": dana.email, "password": "correct horse battery"}
    )
    convening_url = f"/convenings/{scene.convening.id}"
    assert as_dana.get(convening_url).status_code == 200

    withdraw(client, invitation)
    invite_again(client, scene, invitation)
    send_and_read_token(client, db, scene, invitation)

    assert as_dana.get(convening_url).status_code == 404


def test_inviting_again_reuses_the_row_and_keeps_the_earlier_round_in_the_audit_trail(
    app, client, db, scene
):
    invitation = scene.invitation("Apple")
    token = send_and_read_token(client, db, scene, invitation)
    accept_with_delegates(app, token, invitation, ("Dana Delegate", "dana@apple.example"))
    withdraw(client, invitation)

    invite_again(client, scene, invitation, seat_quota=4)

    db.expire_all()
    assert db.scalars(select(Invitation.id)).all() == [invitation.id]
    page = text_of(client.get(f"/convenings/{scene.convening.id}/audit"))
    assert "Invited a withdrawn organisation again: Invitation of Apple" in page
    assert "Status: before: Withdrawn → after: Draft" in page
    assert "Seats: before: 2 → after: 4" in page
    answered = r"Answered: before: \w{3} \d+ \w{3} \d{4}, [\d:]+ P[SD]T → after: \(none\)"
    assert re.search(answered, page)
    assert "Sent an invitation: Invitation of Apple" in page
    assert "Named a delegate" in page
