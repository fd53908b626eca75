"""Telling everyone invited when the convening's time, place or status changes."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from coordination.calendar import ics
from coordination.models import Convening, ConveningStatus, InvitationStatus

from .board_helpers import add_delegate
from .manage_helpers import (
    START,
    Scene,
    audit_actions,
    calendar_of,
    edit_form,
    event_of,
    outbox,
    text_of,
)


@pytest.fixture
def scene(make, auth) -> Scene:
    return Scene(make, auth)


def send_all(client, scene) -> None:
    client.post(f"/convenings/{scene.convening.id}/invitations/send", data={"scope": "all"})


def convening_now(db, scene) -> Convening:
    db.expire_all()
    return db.get(Convening, scene.convening.id)


@pytest.fixture
def invited(client, db, scene):
    """Apple sent and accepted with one delegate; Facebook sent; Twitter declined."""
    apple = scene.invitation("Apple")
    facebook = scene.invitation("Facebook")
    twitter = scene.invitation("Twitter")
    send_all(client, scene)
    apple.status = InvitationStatus.ACCEPTED
    twitter.status = InvitationStatus.DECLINED
    for invitation in (apple, twitter):
        db.merge(invitation)
    db.commit()
    delegate = add_delegate(db, db.merge(apple), "Dana Delegate", email="dana@apple.example")
    return {"apple": apple, "facebook": facebook, "twitter": twitter, "delegate": delegate}


def test_time_change_raises_the_calendar_sequence_and_offers_to_notify(client, db, scene, invited):
    before = convening_now(db, scene).calendar_sequence

    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, starts_at="2030-01-16T10:00", ends_at="2030-01-16T16:00"),
    )

    convening = convening_now(db, scene)
    assert convening.calendar_sequence == before + 1
    show = text_of(client.get(f"/convenings/{scene.convening.id}"))
    assert "The people invited have not been told that the starts, ends changed." in show
    page = text_of(client.get(f"/convenings/{scene.convening.id}/invitations/notify"))
    assert "Starts Tue 15 Jan 2030, 10:00 PST Wed 16 Jan 2030, 10:00 PST" in page
    assert "Focal points 2 Delegates 1 Emails in all 3" in page


def test_title_only_change_keeps_the_sequence_and_offers_nothing(client, db, scene, invited):
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, title="A new title"),
    )

    assert convening_now(db, scene).calendar_sequence == 0
    assert "have not been told" not in text_of(client.get(f"/convenings/{scene.convening.id}"))


def test_notify_sends_updated_requests_with_same_uid_and_higher_sequence(
    client, db, app, scene, invited
):
    originals = {m.recipients[0]: calendar_of(m)[1] for m in outbox(db)}
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, starts_at="2030-01-16T10:00", ends_at="2030-01-16T16:00"),
    )
    sent_before = len(outbox(db))

    response = client.post(f"/convenings/{scene.convening.id}/invitations/notify")

    messages = outbox(db)[sent_before:]
    assert response.status_code == 302
    assert "/invitations/batches/" in response.headers["Location"]
    assert sorted(m.recipients[0] for m in messages) == [
        "dana@apple.example",
        "focal@apple.example.org",
        "focal@facebook.example.org",
    ]
    assert len({m.batch for m in messages}) == 1
    for message in messages:
        method, calendar = calendar_of(message)
        event = event_of(calendar)
        assert method == "REQUEST"
        assert message.subject == "Updated: Countering online propaganda"
        assert "Starts: Tue 15 Jan 2030, 10:00 PST -> Wed 16 Jan 2030, 10:00 PST" in (
            message.text_body
        )
        assert event.decoded("DTSTART").astimezone(UTC) == START + timedelta(days=1)
        assert event["SEQUENCE"] == 1
        to = message.recipients[0]
        if to in originals:
            assert event["UID"] == event_of(originals[to])["UID"]
            assert event["SEQUENCE"] > event_of(originals[to])["SEQUENCE"]
    to_delegate = next(m for m in messages if m.recipients == ["dana@apple.example"])
    event = event_of(calendar_of(to_delegate)[1])
    with app.app_context():
        assert str(event["UID"]) == ics.delegate_uid(scene.convening, invited["delegate"].id)
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert audit_actions(db, scene.convening.id)[-1] == "invitations.change_notified"
    assert "have not been told" not in text_of(client.get(f"/convenings/{scene.convening.id}"))


def test_cancellation_sends_a_calendar_cancel_to_everyone_invited(client, db, scene, invited):
    client.post(
        f"/convenings/{scene.convening.id}/status",
        data={"status": "cancelled", "version": str(convening_now(db, scene).version)},
    )
    sent_before = len(outbox(db))

    notice = text_of(client.get(f"/convenings/{scene.convening.id}/invitations"))
    client.post(f"/convenings/{scene.convening.id}/invitations/notify")

    messages = outbox(db)[sent_before:]
    assert "Status" in notice and "changed after the invitations went out" in notice
    assert len(messages) == 3
    for message in messages:
        method, calendar = calendar_of(message)
        assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
        assert event_of(calendar)["STATUS"] == "CANCELLED"
        assert event_of(calendar)["SEQUENCE"] == 1
        assert message.subject == "Cancelled: Countering online propaganda"


def test_notify_refused_while_the_convening_is_a_draft_again(client, db, scene, invited, make):
    convening = convening_now(db, scene)
    convening.status = ConveningStatus.DRAFT
    db.commit()
    sent_before = len(outbox(db))

    page = client.get(f"/convenings/{scene.convening.id}/invitations/notify")
    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/notify", follow_redirects=True
    )

    assert "publish it before telling the people invited" in text_of(page)
    assert "publish it before telling the people invited" in text_of(response)
    assert len(outbox(db)) == sent_before


def test_changes_before_anything_was_sent_need_no_notice(client, db, scene):
    scene.invitation("Apple")
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, venue_name="Somewhere else"),
    )

    send_all(client, scene)

    assert convening_now(db, scene).calendar_sequence == 1
    page = text_of(client.get(f"/convenings/{scene.convening.id}/invitations/notify"))
    assert "No change of time, place or status is waiting to be announced." in page


def test_notify_with_nothing_changed_sends_nothing_and_says_so(client, db, scene, invited):
    sent_before = len(outbox(db))

    page = text_of(client.get(f"/convenings/{scene.convening.id}/invitations/notify"))
    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/notify", follow_redirects=True
    )

    assert "There is nothing to send." in page
    assert "Notify 3 people" not in page
    assert (
        "Nothing the people invited see (time, place or status) has changed since they were "
        "last told, so nothing was sent."
    ) in text_of(response)
    assert len(outbox(db)) == sent_before
    assert "invitations.change_notified" not in audit_actions(db, scene.convening.id)


def test_notify_pressed_twice_sends_once(client, db, scene, invited):
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, venue_room="Small Hall"),
    )
    form = {"based_on": str(convening_now(db, scene).calendar_sequence)}
    sent_before = len(outbox(db))

    first = client.post(f"/convenings/{scene.convening.id}/invitations/notify", data=form)
    second = client.post(
        f"/convenings/{scene.convening.id}/invitations/notify", data=form, follow_redirects=True
    )

    assert first.status_code == 302
    assert len(outbox(db)) - sent_before == 3
    assert "nothing was sent" in text_of(second)
    assert audit_actions(db, scene.convening.id).count("invitations.change_notified") == 1


def test_notify_based_on_an_older_page_sends_nothing(client, db, scene, invited):
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, venue_room="Small Hall"),
    )
    seen = convening_now(db, scene).calendar_sequence
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(convening_now(db, scene), venue_room="Annex"),
    )
    sent_before = len(outbox(db))

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/notify",
        data={"based_on": str(seen)},
        follow_redirects=True,
    )

    assert "The convening changed again while you were looking at this page" in text_of(response)
    assert len(outbox(db)) == sent_before


def test_notify_page_form_carries_the_state_it_shows(client, db, scene, invited):
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, venue_room="Small Hall"),
    )

    page = client.get(f"/convenings/{scene.convening.id}/invitations/notify")

    sequence = convening_now(db, scene).calendar_sequence
    assert f'name="based_on" value="{sequence}"' in page.get_data(as_text=True)


def test_a_change_made_and_undone_needs_no_notice(client, db, scene, invited):
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, venue_room="Small Hall"),
    )
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(convening_now(db, scene), venue_room="Great Hall"),
    )
    sent_before = len(outbox(db))

    client.post(f"/convenings/{scene.convening.id}/invitations/notify")

    assert len(outbox(db)) == sent_before
