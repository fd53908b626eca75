"""Delegate and calendar mail sent through an invitation is capped per hour, per invitation and
per address, so a link cannot be used to mail any address typed in over and over."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coordination.models import DelegateMail, InvitationStatus, utcnow
from tests.factories import PASSWORD

from .rsvp_helpers import (
    add_delegate,
    all_messages,
    delegate_data,
    delegates_of,
    invite,
    open_link,
    reload,
    text_of,
)


def name(client, invited, email: str, **fields):
    return client.post(f"{invited.answer_url}/delegates", data=delegate_data(email=email, **fields))


def remove(client, invited, delegate_id: int):
    return client.post(f"{invited.answer_url}/delegates/{delegate_id}/remove")


def only_delegate(db, invited):
    (delegate,) = delegates_of(db, invited.invitation)
    return delegate


def test_adding_and_removing_one_address_stops_at_its_hourly_cap(
    app, client, make, db, monkeypatch
):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR", 3)
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)
    name(client, invited, "target@example.org")
    remove(client, invited, only_delegate(db, invited).id)
    name(client, invited, "target@example.org")
    sent = len(all_messages(db))

    response = remove(client, invited, only_delegate(db, invited).id)

    assert response.status_code == 400
    assert (
        "target@example.org has been sent as many emails about delegations as it may receive "
        "in an hour (3). Nothing was changed and nothing was sent"
    ) in text_of(response)
    assert only_delegate(db, invited).email == "target@example.org"
    assert len(all_messages(db)) == sent


def test_naming_an_address_past_its_cap_is_refused_beside_the_field(
    app, client, make, db, monkeypatch
):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR", 1)
    first = invite(make, status=InvitationStatus.ACCEPTED)
    second = invite(make, status=InvitationStatus.ACCEPTED, convening=first.convening)
    open_link(client, first)
    open_link(client, second)
    name(client, first, "target@example.org")
    sent = len(all_messages(db))

    response = name(client, second, "Target@Example.org")

    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert "Target@Example.org has been sent as many emails" not in text_of(response)
    assert "target@example.org has been sent as many emails" in text_of(response)
    assert delegates_of(db, second.invitation) == []
    assert len(all_messages(db)) == sent


def test_one_invitation_stops_at_its_hourly_cap_of_delegate_mail(
    app, client, make, db, monkeypatch
):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_HOUR", 1)
    invited = invite(make, status=InvitationStatus.ACCEPTED, seat_quota=2)
    open_link(client, invited)
    name(client, invited, "one@example.org")
    name(client, invited, "two@example.org")
    remove(client, invited, delegates_of(db, invited.invitation)[0].id)
    sent = len(all_messages(db))

    response = name(client, invited, "three@example.org")

    assert response.status_code == 400
    assert (
        "This invitation has sent delegates as many emails as it may in an hour (3)."
    ) in text_of(response)
    assert [d.email for d in delegates_of(db, invited.invitation)] == ["two@example.org"]
    assert len(all_messages(db)) == sent


def test_switching_the_answer_past_the_cap_is_refused(app, client, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR", 2)
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)
    name(client, invited, "dana@example.org")
    client.post(invited.answer_url, data={"answer": "tentative"})
    sent = len(all_messages(db))

    response = client.post(invited.answer_url, data={"answer": "accepted"})

    assert response.status_code == 400
    assert "dana@example.org has been sent as many emails" in text_of(response)
    assert reload(db, invited.invitation).status == InvitationStatus.TENTATIVE
    assert len(all_messages(db)) == sent


def test_declining_is_never_held_back_by_the_cap(app, client, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR", 1)
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)
    name(client, invited, "dana@example.org")

    response = client.post(invited.answer_url, data={"answer": "declined", "confirm": "y"})

    assert response.status_code == 303
    assert reload(db, invited.invitation).status == InvitationStatus.DECLINED
    assert [m.subject for m in all_messages(db)][-1].startswith("Your place at")


def test_mail_older_than_an_hour_no_longer_counts(app, client, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR", 1)
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    db.add(
        DelegateMail(
            invitation_id=invited.invitation.id,
            address_normalized="dana@example.org",
            queued_at=utcnow() - timedelta(minutes=61),
        )
    )
    db.commit()
    open_link(client, invited)

    response = name(client, invited, "dana@example.org")

    assert response.status_code == 303
    assert db.scalar(select(func.count(DelegateMail.id))) == 2


def test_organisers_acting_for_the_organisation_are_not_capped(app, client, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR", 1)
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(db, invited.invitation, "Dana", email="dana@example.org")
    db.add(DelegateMail(invitation_id=invited.invitation.id, address_normalized="dana@example.org"))
    db.commit()
    client.post("/account/sign-in", data={"email": invited.organiser.email, "password": PASSWORD})

    response = remove(client, invited, delegate.id)

    assert response.status_code == 303
    assert delegates_of(db, invited.invitation) == []


def test_every_delegate_email_is_counted(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)

    name(client, invited, "dana@example.org")
    delegate = only_delegate(db, invited)
    client.post(
        f"{invited.answer_url}/delegates/{delegate.id}",
        data=delegate_data(name=delegate.name, email="dana.new@example.org"),
    )

    db.expire_all()
    counted = db.scalars(select(DelegateMail.address_normalized).order_by(DelegateMail.id)).all()
    assert counted == ["dana@example.org", "dana@example.org", "dana.new@example.org"]
    assert len(all_messages(db)) == 3
