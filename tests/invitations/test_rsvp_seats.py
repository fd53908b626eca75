"""Asking for more seats, and the organisers approving or refusing."""

from __future__ import annotations

from coordination.models import InvitationStatus, SeatRequestStatus
from coordination.service import CHANGED_MEANWHILE
from tests.factories import PASSWORD

from .rsvp_helpers import (
    audit_events,
    delegate_data,
    invite,
    messages_to,
    open_link,
    reload,
    text_of,
)


def _requested(make, client, seats: int = 2):
    invited = invite(make, status=InvitationStatus.ACCEPTED, seat_quota=1)
    open_link(client, invited)
    client.post(f"{invited.answer_url}/seats", data={"seats": str(seats), "reason": "Our CEO"})
    return invited


def test_request_seats_is_pending_and_organisers_are_told(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED, seat_quota=1)
    open_link(client, invited)

    response = client.post(
        f"{invited.answer_url}/seats", data={"seats": "2", "reason": "Our CEO and her deputy"}
    )

    assert response.status_code == 303
    invitation = reload(db, invited.invitation)
    assert invitation.extra_seats_status == SeatRequestStatus.PENDING
    assert invitation.extra_seats_requested == 2
    assert invitation.extra_seats_reason == "Our CEO and her deputy"
    (message,) = messages_to(db, invited.organiser.email)
    assert "asks for more seats" in message.subject
    assert "Our CEO and her deputy" in message.text_body
    assert f"/rsvp/invitations/{invitation.id}" in message.text_body
    (event,) = audit_events(db, "invitation.seats_requested")
    assert event.changes["on_behalf"] is False


def test_request_seats_bad_input_changes_nothing(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)

    for data in (
        {"seats": "0", "reason": "x"},
        {"seats": "51", "reason": "x"},
        {"seats": "two", "reason": "x"},
        {"seats": "2", "reason": ""},
        {"seats": "2", "reason": "x" * 2001},
    ):
        response = client.post(f"{invited.answer_url}/seats", data=data)
        assert response.status_code == 400, data
        assert "There is a problem" in text_of(response)

    assert reload(db, invited.invitation).extra_seats_status == SeatRequestStatus.NONE
    assert messages_to(db, invited.organiser.email) == []


def test_declined_organisation_cannot_ask_for_seats(app, client, make, db):
    invited = invite(make, status=InvitationStatus.DECLINED)
    open_link(client, invited)

    response = client.post(f"{invited.answer_url}/seats", data={"seats": "1", "reason": "x"})

    assert response.status_code == 400
    assert reload(db, invited.invitation).extra_seats_status == SeatRequestStatus.NONE


def test_organiser_sees_pending_request_on_answer_page(app, client, make):
    invited = _requested(make, client)
    organiser = _signed_in(app, invited.organiser)

    page = organiser.get(invited.answer_url)

    assert "Waiting for the organisers" in text_of(page)
    assert f'action="/invitations/{invited.invitation.id}/seats"' in page.get_data(as_text=True)
    focal_page = client.get(invited.answer_url)
    assert f'action="/invitations/{invited.invitation.id}/seats"' not in focal_page.get_data(
        as_text=True
    )


def test_approve_raises_quota_and_tells_focal_point(app, client, make, db):
    invited = _requested(make, client, seats=2)
    organiser = _signed_in(app, invited.organiser)

    response = organiser.post(
        f"/invitations/{invited.invitation.id}/seats",
        data={"decision": "approve", "next": invited.answer_url},
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(invited.answer_url)
    invitation = reload(db, invited.invitation)
    assert invitation.seat_quota == 3
    assert invitation.extra_seats_status == SeatRequestStatus.APPROVED
    (message,) = messages_to(db, invited.focal_point.email)
    assert "now has 3 seats" in message.text_body
    (event,) = audit_events(db, "invitation.seats_approved")
    assert event.changes["seat_quota"] == [1, 3]
    assert event.actor_id == invited.organiser.id
    for _ in range(3):
        added = client.post(f"{invited.answer_url}/delegates", data=delegate_data())
        assert added.status_code == 303


def test_refuse_keeps_quota_and_tells_focal_point(app, client, make, db):
    invited = _requested(make, client)
    organiser = _signed_in(app, invited.organiser)

    organiser.post(f"/invitations/{invited.invitation.id}/seats", data={"decision": "refuse"})

    invitation = reload(db, invited.invitation)
    assert invitation.seat_quota == 1
    assert invitation.extra_seats_status == SeatRequestStatus.REFUSED
    (message,) = messages_to(db, invited.focal_point.email)
    assert "could not give" in message.text_body


def test_deciding_twice_or_without_request_changes_nothing(app, client, make, db):
    invited = _requested(make, client)
    organiser = _signed_in(app, invited.organiser)
    url = f"/invitations/{invited.invitation.id}/seats"
    organiser.post(url, data={"decision": "approve"})

    again = organiser.post(url, data={"decision": "approve"}, follow_redirects=True)
    nonsense = organiser.post(url, data={"decision": "maybe"})

    assert "no request for more seats waiting" in text_of(again)
    assert nonsense.status_code == 400
    assert reload(db, invited.invitation).seat_quota == 3


def test_decision_on_a_changed_request_is_refused(app, client, make, db):
    invited = _requested(make, client, seats=2)
    seen_version = reload(db, invited.invitation).version
    organiser = _signed_in(app, invited.organiser)
    url = f"/invitations/{invited.invitation.id}/seats"
    # Another organiser refuses the request and the organisation asks again meanwhile.
    _signed_in(app, invited.organiser).post(url, data={"decision": "refuse"})
    client.post(f"{invited.answer_url}/seats", data={"seats": "9", "reason": "More"})

    response = organiser.post(
        url,
        data={"decision": "approve", "version": str(seen_version)},
        follow_redirects=True,
    )

    assert CHANGED_MEANWHILE in text_of(response)
    invitation = reload(db, invited.invitation)
    assert invitation.seat_quota == 1
    assert invitation.extra_seats_status == SeatRequestStatus.PENDING
    assert invitation.extra_seats_requested == 9


def test_second_request_while_one_waits_is_refused_and_mails_nobody(app, client, make, db):
    invited = _requested(make, client, seats=2)
    mailed_before = len(messages_to(db, invited.organiser.email))

    response = client.post(f"{invited.answer_url}/seats", data={"seats": "9", "reason": "More"})

    assert response.status_code == 400
    assert "Your request for 2 more seats is waiting for the organisers' decision" in text_of(
        response
    )
    assert len(messages_to(db, invited.organiser.email)) == mailed_before == 1
    invitation = reload(db, invited.invitation)
    assert (invitation.extra_seats_requested, invitation.extra_seats_reason) == (2, "Our CEO")
    assert len(audit_events(db, "invitation.seats_requested")) == 1


def test_answer_page_offers_no_new_request_while_one_waits(app, client, make):
    invited = _requested(make, client, seats=2)

    page = client.get(invited.answer_url)

    assert "you can ask again once they have answered" in text_of(page)
    assert "Ask for more seats" not in text_of(page)


def test_new_request_is_accepted_once_the_organisers_have_decided(app, client, make, db):
    invited = _requested(make, client, seats=2)
    _signed_in(app, invited.organiser).post(
        f"/invitations/{invited.invitation.id}/seats", data={"decision": "refuse"}
    )

    response = client.post(f"{invited.answer_url}/seats", data={"seats": "1", "reason": "Deputy"})

    assert response.status_code == 303
    invitation = reload(db, invited.invitation)
    assert invitation.extra_seats_status == SeatRequestStatus.PENDING
    assert invitation.extra_seats_requested == 1
    assert len(messages_to(db, invited.organiser.email)) == 2


def test_focal_point_cannot_decide_their_own_request(app, client, make, db):
    invited = _requested(make, client)

    response = client.post(
        f"/invitations/{invited.invitation.id}/seats", data={"decision": "approve"}
    )

    assert response.status_code in (302, 303)
    assert "/account/sign-in" in response.headers["Location"]
    assert reload(db, invited.invitation).seat_quota == 1


def test_decision_ignores_next_to_another_site(app, client, make):
    invited = _requested(make, client)
    organiser = _signed_in(app, invited.organiser)

    response = organiser.post(
        f"/invitations/{invited.invitation.id}/seats",
        data={"decision": "refuse", "next": "//evil.example.org/"},
    )

    assert "evil.example.org" not in response.headers["Location"]


def _signed_in(app, user):
    other = app.test_client()
    response = other.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return other
