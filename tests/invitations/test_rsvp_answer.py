"""The organisation's answer: accept, tentative, decline; deadline; on its behalf; isolation."""

from __future__ import annotations

from coordination.models import ConveningStatus, DelegateStatus, InvitationStatus

from .rsvp_helpers import (
    add_delegate,
    audit_events,
    delegate_data,
    delegates_of,
    event_of,
    future,
    invite,
    messages_to,
    open_link,
    past,
    reload,
    text_of,
)


def test_answer_accept_records_status_and_time(app, client, make, db):
    invited = invite(make)
    open_link(client, invited)

    response = client.post(invited.answer_url, data={"answer": "accepted"})

    assert response.status_code == 303
    invitation = reload(db, invited.invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.responded_at is not None
    assert invitation.answered_on_behalf is False
    (event,) = audit_events(db, "invitation.answered")
    assert event.changes["status"] == ["sent", "accepted"]
    assert event.changes["on_behalf"] is False
    assert event.actor_id is None
    page = client.get(invited.answer_url)
    assert "the invitation is accepted" in text_of(page)


def test_answer_tentative_and_then_decline_without_delegates(app, client, make, db):
    invited = invite(make)
    open_link(client, invited)

    client.post(invited.answer_url, data={"answer": "tentative"})
    assert reload(db, invited.invitation).status == InvitationStatus.TENTATIVE
    client.post(invited.answer_url, data={"answer": "declined"})

    assert reload(db, invited.invitation).status == InvitationStatus.DECLINED


def test_answer_missing_or_unknown_is_refused(app, client, make, db):
    invited = invite(make)
    open_link(client, invited)

    missing = client.post(invited.answer_url, data={})
    unknown = client.post(invited.answer_url, data={"answer": "withdrawn"})

    assert missing.status_code == unknown.status_code == 400
    assert "Choose an answer." in text_of(missing)
    assert reload(db, invited.invitation).status == InvitationStatus.SENT


def test_same_answer_again_changes_nothing(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)

    response = client.post(invited.answer_url, data={"answer": "accepted"}, follow_redirects=True)

    assert "Nothing was changed" in text_of(response)
    assert audit_events(db, "invitation.answered") == []


def test_decline_with_delegates_asks_for_confirmation_first(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    add_delegate(db, invited.invitation, "Tim Cook", email="tim@example.org")
    open_link(client, invited)

    asked = client.post(invited.answer_url, data={"answer": "declined"})

    assert asked.status_code == 200
    assert "Declining cancels the 1 delegate you have named" in text_of(asked)
    assert reload(db, invited.invitation).status == InvitationStatus.ACCEPTED
    assert len(delegates_of(db, invited.invitation)) == 1


def test_decline_confirmed_cancels_delegates_and_tells_them(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    add_delegate(db, invited.invitation, "Tim Cook", email="tim@example.org", is_head=True)
    open_link(client, invited)

    response = client.post(invited.answer_url, data={"answer": "declined", "confirm": "yes"})

    assert response.status_code == 303
    assert reload(db, invited.invitation).status == InvitationStatus.DECLINED
    (cancelled,) = delegates_of(db, invited.invitation, DelegateStatus.CANCELLED)
    assert cancelled.is_head is False
    (message,) = messages_to(db, "tim@example.org")
    event = event_of(message)
    assert str(event["STATUS"]) == "CANCELLED"
    (event_row,) = audit_events(db, "invitation.answered")
    assert event_row.changes["cancelled_delegates"] == "Tim Cook"


def test_switching_to_tentative_updates_delegates_calendars(app, client, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(db, invited.invitation, "Tim Cook", email="tim@example.org")
    open_link(client, invited)

    client.post(invited.answer_url, data={"answer": "tentative"})

    (message,) = messages_to(db, "tim@example.org")
    event = event_of(message)
    assert event["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert int(event["SEQUENCE"]) == 1
    assert reload(db, invited.invitation).status == InvitationStatus.TENTATIVE
    db.refresh(delegate)
    assert delegate.calendar_sequence == 1


def test_answer_after_deadline_is_refused_and_page_says_so(app, client, make, db):
    invited = invite(make, rsvp_deadline=past(hours=1))
    open_link(client, invited)

    page = client.get(invited.answer_url)
    answered = client.post(invited.answer_url, data={"answer": "accepted"})
    delegate = client.post(f"{invited.answer_url}/delegates", data=delegate_data())
    seats = client.post(f"{invited.answer_url}/seats", data={"seats": "2", "reason": "More"})

    assert "deadline for answers has passed" in text_of(page)
    assert "Save the answer" not in page.get_data(as_text=True)
    assert "Add the delegate" not in page.get_data(as_text=True)
    for response in (answered, delegate, seats):
        assert response.status_code == 400
        assert "deadline for answers has passed" in text_of(response)
    invitation = reload(db, invited.invitation)
    assert invitation.status == InvitationStatus.SENT
    assert invitation.extra_seats_requested == 0
    assert delegates_of(db, invited.invitation) == []


def test_without_rsvp_deadline_answers_close_when_it_starts(app, client, make, db):
    invited = invite(make, starts_at=past(minutes=30))
    open_link(client, invited)

    response = client.post(invited.answer_url, data={"answer": "accepted"})

    assert response.status_code == 400
    assert reload(db, invited.invitation).status == InvitationStatus.SENT


def test_answer_before_deadline_is_accepted(app, client, make, db):
    invited = invite(make, rsvp_deadline=future(days=1))
    open_link(client, invited)

    client.post(invited.answer_url, data={"answer": "accepted"})

    assert reload(db, invited.invitation).status == InvitationStatus.ACCEPTED


def test_cancelled_convening_page_says_so_without_forms(app, client, make, db):
    invited = invite(make)
    invited.convening.status = ConveningStatus.CANCELLED
    db.commit()
    open_link(client, invited)

    page = client.get(invited.answer_url)
    posted = client.post(invited.answer_url, data={"answer": "accepted"})

    assert "This convening has been cancelled" in text_of(page)
    assert "Save the answer" not in page.get_data(as_text=True)
    assert posted.status_code == 400
    assert reload(db, invited.invitation).status == InvitationStatus.SENT


def test_focal_point_account_answers_without_link(app, client, make, auth, db):
    invited = invite(make)
    user = make.user(email=invited.focal_point.email, contact=invited.focal_point)
    auth.sign_in(user)

    client.post(invited.answer_url, data={"answer": "accepted"})

    invitation = reload(db, invited.invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.answered_on_behalf is False
    (event,) = audit_events(db, "invitation.answered")
    assert event.actor_id == user.id
    assert event.changes["on_behalf"] is False


def test_organiser_answers_on_behalf_and_is_recorded_so(app, client, make, auth, db):
    invited = invite(make)
    auth.sign_in(invited.organiser)

    page = client.get(invited.answer_url)
    response = client.post(invited.answer_url, data={"answer": "accepted"})

    assert f"You are answering on behalf of {invited.organisation.name}" in text_of(page)
    assert response.status_code == 303
    invitation = reload(db, invited.invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.answered_on_behalf is True
    (event,) = audit_events(db, "invitation.answered")
    assert event.changes["on_behalf"] is True
    assert event.actor_id == invited.organiser.id


def test_organiser_names_delegates_on_behalf(app, client, make, auth, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    auth.sign_in(invited.organiser)

    client.post(f"{invited.answer_url}/delegates", data=delegate_data(email="jo@example.org"))

    (event,) = audit_events(db, "delegate.added")
    assert event.changes["on_behalf"] is True
    assert event.actor_id == invited.organiser.id
    assert len(messages_to(db, "jo@example.org")) == 1


def test_organiser_may_record_changes_after_the_deadline(app, client, make, auth, db):
    invited = invite(make, rsvp_deadline=past(hours=1))
    auth.sign_in(invited.organiser)

    page = client.get(invited.answer_url)
    client.post(invited.answer_url, data={"answer": "declined"})

    assert "As an organiser you can still record changes" in text_of(page)
    assert reload(db, invited.invitation).status == InvitationStatus.DECLINED


def test_focal_point_answer_after_organiser_clears_on_behalf(app, client, make, auth, db):
    invited = invite(make, status=InvitationStatus.TENTATIVE)
    invited.invitation.answered_on_behalf = True
    db.commit()
    open_link(client, invited)

    client.post(invited.answer_url, data={"answer": "accepted"})

    assert reload(db, invited.invitation).answered_on_behalf is False


def test_other_organisation_participant_gets_not_found(app, client, make, auth, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    add_delegate(db, invited.invitation, "Secret Delegate")
    other = invite(make, convening=invited.convening, organisation_name="British Embassy")
    participant = make.user(email=other.focal_point.email, contact=other.focal_point)
    auth.sign_in(participant)

    page = client.get(invited.answer_url)
    posted = client.post(f"{invited.answer_url}/delegates", data=delegate_data())

    assert page.status_code == 404
    assert "Secret Delegate" not in page.get_data(as_text=True)
    assert posted.status_code == 404
    assert client.get(other.answer_url).status_code == 200
    assert "Secret Delegate" not in client.get(other.answer_url).get_data(as_text=True)


def test_colleague_who_is_not_focal_point_gets_not_found(app, client, make, auth):
    invited = invite(make)
    colleague = make.participant(invited.organisation)
    auth.sign_in(colleague)

    assert client.get(invited.answer_url).status_code == 404


def test_anonymous_without_link_is_sent_to_sign_in(app, client, make):
    invited = invite(make)

    response = client.get(invited.answer_url)

    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_answer_page_queries_do_not_grow_with_delegates(app, client, make, db, count_queries):
    invited = invite(make, status=InvitationStatus.ACCEPTED, seat_quota=10)
    open_link(client, invited)
    add_delegate(db, invited.invitation, "First", dietary_needs="Vegan")
    with count_queries() as one:
        assert client.get(invited.answer_url).status_code == 200
    for number in range(5):
        add_delegate(db, invited.invitation, f"More {number}", accessibility_needs="Ramp")

    with count_queries() as six:
        page = client.get(invited.answer_url)

    assert "6 of 10 seats used" in text_of(page)
    assert six.count == one.count


def test_invitation_to_answer_finds_the_focal_points_own(app, make, app_context):
    from coordination.db import get_session
    from coordination.invitations.answering.answers import invitation_to_answer
    from coordination.principal import load_principal

    invited = invite(make)
    focal = make.user(email=invited.focal_point.email, contact=invited.focal_point)
    colleague = make.participant(invited.organisation)
    session = get_session()

    found = invitation_to_answer(
        session, load_principal(session, session.get(type(focal), focal.id)), invited.convening
    )
    other = invitation_to_answer(
        session,
        load_principal(session, session.get(type(colleague), colleague.id)),
        invited.convening,
    )

    assert found is not None and found.id == invited.invitation.id
    assert other is None
