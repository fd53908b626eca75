"""Naming delegates: quota, head of delegation, bad input, confirmations with calendar files."""

from __future__ import annotations

from flask import current_app

from coordination.calendar.ics import delegate_uid
from coordination.models import AttendanceMode, DelegateStatus, InvitationStatus

from .rsvp_helpers import (
    add_delegate,
    all_messages,
    audit_events,
    delegate_data,
    delegates_of,
    event_of,
    invite,
    messages_to,
    open_link,
    reload,
    text_of,
)


def _accepted(make, client, **options):
    invited = invite(make, status=InvitationStatus.ACCEPTED, **options)
    open_link(client, invited)
    return invited


def test_add_delegate_stores_them_and_sends_confirmation(app, client, make, db):
    invited = _accepted(make, client)
    invited.convening.calendar_sequence = 2
    db.commit()

    response = client.post(
        f"{invited.answer_url}/delegates",
        data=delegate_data(
            name="Tim Cook",
            email="Tim.Cook@Example.org",
            dietary_needs="Vegetarian",
            attendance="remote",
        ),
    )

    assert response.status_code == 303
    (delegate,) = delegates_of(db, invited.invitation)
    assert (delegate.name, delegate.email_normalized) == ("Tim Cook", "tim.cook@example.org")
    assert delegate.attendance == AttendanceMode.REMOTE
    assert delegate.dietary_needs == "Vegetarian"
    (message,) = messages_to(db, "Tim.Cook@Example.org")
    assert "named you as a delegate" in message.text_body
    assert message.html_body and "Tim Cook" in message.html_body
    (attachment,) = message.attachments
    assert attachment["params"]["method"] == "REQUEST"
    event = event_of(message)
    with app.app_context():
        assert str(event["UID"]) == delegate_uid(invited.convening, delegate.id)
    assert str(event["ATTENDEE"]).lower() == "mailto:tim.cook@example.org"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert int(event["SEQUENCE"]) == 2
    page = client.get(invited.answer_url)
    assert "1 of 3 seats used" in text_of(page)


def test_delegate_of_tentative_organisation_is_tentative(app, client, make, db):
    invited = invite(make, status=InvitationStatus.TENTATIVE)
    open_link(client, invited)

    client.post(f"{invited.answer_url}/delegates", data=delegate_data(email="t@example.org"))

    (message,) = messages_to(db, "t@example.org")
    assert event_of(message)["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert "tentative" in message.text_body


def test_delegates_up_to_quota_then_refused(app, client, make, db):
    invited = _accepted(make, client, seat_quota=2)
    for _ in range(2):
        assert (
            client.post(f"{invited.answer_url}/delegates", data=delegate_data()).status_code == 303
        )

    refused = client.post(f"{invited.answer_url}/delegates", data=delegate_data())

    assert refused.status_code == 400
    assert "All 2 seats are taken; ask for more seats" in text_of(refused)
    assert len(delegates_of(db, invited.invitation)) == 2
    page = client.get(invited.answer_url)
    assert "Add the delegate" not in page.get_data(as_text=True)


def test_naming_delegates_needs_an_answer_first(app, client, make, db):
    invited = invite(make)
    open_link(client, invited)

    refused = client.post(f"{invited.answer_url}/delegates", data=delegate_data())

    assert refused.status_code == 400
    assert "Accept the invitation" in text_of(refused)
    assert delegates_of(db, invited.invitation) == []


def test_new_head_of_delegation_unmarks_the_old(app, client, make, db):
    invited = _accepted(make, client)
    client.post(f"{invited.answer_url}/delegates", data=delegate_data(name="A", is_head="y"))

    client.post(f"{invited.answer_url}/delegates", data=delegate_data(name="B", is_head="y"))

    heads = [d.name for d in delegates_of(db, invited.invitation) if d.is_head]
    assert heads == ["B"]


def test_duplicate_delegate_email_is_refused(app, client, make, db):
    invited = _accepted(make, client)
    client.post(f"{invited.answer_url}/delegates", data=delegate_data(email="jo@example.org"))

    refused = client.post(
        f"{invited.answer_url}/delegates", data=delegate_data(email=" JO@example.org ")
    )

    assert refused.status_code == 400
    assert "is already named as a delegate" in text_of(refused)
    assert len(delegates_of(db, invited.invitation)) == 1


def test_invalid_email_and_overlong_fields_are_refused(app, client, make, db):
    invited = _accepted(make, client)

    bad_email = client.post(f"{invited.answer_url}/delegates", data=delegate_data(email="jo@"))
    long_name = client.post(f"{invited.answer_url}/delegates", data=delegate_data(name="x" * 201))
    long_needs = client.post(
        f"{invited.answer_url}/delegates", data=delegate_data(dietary_needs="x" * 2001)
    )
    no_name = client.post(f"{invited.answer_url}/delegates", data=delegate_data(name=" "))

    assert bad_email.status_code == long_name.status_code == long_needs.status_code == 400
    assert "Enter an email address like name@example.org." in text_of(bad_email)
    assert "Use at most 200 characters." in text_of(long_name)
    assert "Use at most 2,000 characters." in text_of(long_needs)
    assert no_name.status_code == 400
    assert delegates_of(db, invited.invitation) == []
    assert all_messages(db) == []


def test_change_attendance_sends_updated_invitation(app, client, make, db):
    invited = _accepted(make, client)
    delegate = add_delegate(db, invited.invitation, "Jo", email="jo@example.org")
    url = f"{invited.answer_url}/delegates/{delegate.id}"

    form = client.get(url)
    response = client.post(
        url, data=delegate_data(name="Jo", email="jo@example.org", attendance="remote")
    )

    assert form.status_code == 200
    assert response.status_code == 303
    db.refresh(delegate)
    assert delegate.attendance == AttendanceMode.REMOTE
    assert delegate.calendar_sequence == 1
    (message,) = messages_to(db, "jo@example.org")
    assert int(event_of(message)["SEQUENCE"]) == 1
    assert message.attachments[0]["params"]["method"] == "REQUEST"


def test_change_of_title_only_sends_nothing(app, client, make, db):
    invited = _accepted(make, client)
    delegate = add_delegate(db, invited.invitation, "Jo", email="jo@example.org")

    client.post(
        f"{invited.answer_url}/delegates/{delegate.id}",
        data=delegate_data(name="Jo", email="jo@example.org", title="Director"),
    )

    db.refresh(delegate)
    assert delegate.title == "Director"
    assert all_messages(db) == []
    (event,) = audit_events(db, "delegate.updated")
    assert event.changes["title"] == [None, "Director"]


def test_corrected_address_cancels_old_and_invites_new(app, client, make, db):
    invited = _accepted(make, client)
    delegate = add_delegate(db, invited.invitation, "Jo", email="jo@old.example.org")

    client.post(
        f"{invited.answer_url}/delegates/{delegate.id}",
        data=delegate_data(name="Jo", email="jo@new.example.org"),
    )

    (old,) = messages_to(db, "jo@old.example.org")
    (new,) = messages_to(db, "jo@new.example.org")
    assert old.attachments[0]["params"]["method"] == "CANCEL"
    assert new.attachments[0]["params"]["method"] == "REQUEST"


def test_edit_to_another_delegates_email_is_refused(app, client, make, db):
    invited = _accepted(make, client)
    add_delegate(db, invited.invitation, "Jo", email="jo@example.org")
    sam = add_delegate(db, invited.invitation, "Sam", email="sam@example.org")

    refused = client.post(
        f"{invited.answer_url}/delegates/{sam.id}",
        data=delegate_data(name="Sam", email="JO@example.org"),
    )

    assert refused.status_code == 400
    assert "is already named as a delegate" in text_of(refused)
    db.refresh(sam)
    assert sam.email == "sam@example.org"


def test_remove_delegate_sends_cancel_and_frees_the_seat(app, client, make, db):
    invited = _accepted(make, client, seat_quota=1)
    delegate = add_delegate(db, invited.invitation, "Jo", email="jo@example.org")

    response = client.post(f"{invited.answer_url}/delegates/{delegate.id}/remove")

    assert response.status_code == 303
    db.refresh(delegate)
    assert delegate.status == DelegateStatus.CANCELLED
    assert delegate.calendar_sequence == 1
    (message,) = messages_to(db, "jo@example.org")
    event = event_of(message)
    assert message.attachments[0]["params"]["method"] == "CANCEL"
    assert int(event["SEQUENCE"]) == 1
    with app.app_context():
        assert str(event["UID"]) == delegate_uid(invited.convening, delegate.id)
    added = client.post(f"{invited.answer_url}/delegates", data=delegate_data())
    assert added.status_code == 303


def test_naming_a_removed_delegate_again_brings_them_back(app, client, make, db):
    invited = _accepted(make, client)
    delegate = add_delegate(
        db, invited.invitation, "Jo", email="jo@example.org", status=DelegateStatus.CANCELLED
    )

    client.post(
        f"{invited.answer_url}/delegates",
        data=delegate_data(name="Jo Again", email="jo@example.org"),
    )

    db.refresh(delegate)
    assert delegate.status == DelegateStatus.CONFIRMED
    assert delegate.name == "Jo Again"
    assert len(delegates_of(db, invited.invitation)) == 1


def test_removing_twice_or_another_organisations_delegate_changes_nothing(app, client, make, db):
    invited = _accepted(make, client)
    other = invite(make, convening=invited.convening, status=InvitationStatus.ACCEPTED)
    theirs = add_delegate(db, other.invitation, "Theirs", email="theirs@example.org")

    response = client.post(f"{invited.answer_url}/delegates/{theirs.id}/remove")
    edit = client.get(f"{invited.answer_url}/delegates/{theirs.id}")

    assert response.status_code == 303
    assert edit.status_code == 303
    db.refresh(theirs)
    assert theirs.status == DelegateStatus.CONFIRMED
    assert all_messages(db) == []


def test_html_confirmation_escapes_names(app, client, make, db):
    invited = _accepted(make, client)

    client.post(
        f"{invited.answer_url}/delegates",
        data=delegate_data(name="<b>Bold</b>", email="bold@example.org"),
    )

    (message,) = messages_to(db, "bold@example.org")
    assert "<b>Bold</b>" not in message.html_body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in message.html_body


def test_delegate_with_account_sees_convening_on_dashboard(app, client, make, auth, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    add_delegate(db, invited.invitation, "Jo", email="jo@example.org")
    user = make.user(email="JO@example.org")
    auth.sign_in(user)

    dashboard = client.get("/dashboard")
    page = client.get(f"/convenings/{invited.convening.id}")

    assert "Madison Valleywood" in text_of(dashboard)
    assert page.status_code == 200


def test_removed_delegate_no_longer_sees_convening(app, client, make, auth, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    add_delegate(
        db, invited.invitation, "Jo", email="jo@example.org", status=DelegateStatus.CANCELLED
    )
    user = make.user(email="jo@example.org")
    auth.sign_in(user)

    assert "Madison Valleywood" not in text_of(client.get("/dashboard"))
    assert client.get(f"/convenings/{invited.convening.id}").status_code == 404


def test_convening_url_in_calendar_file_is_absolute(app, client, make, db):
    invited = _accepted(make, client)

    client.post(f"{invited.answer_url}/delegates", data=delegate_data(email="u@example.org"))

    (message,) = messages_to(db, "u@example.org")
    with app.app_context():
        base = current_app.config["BASE_URL"]
    assert str(event_of(message)["URL"]).startswith(base)
    assert reload(db, invited.invitation).status == InvitationStatus.ACCEPTED
