"""A link works until the convening ends, as the convening stands now: rescheduling moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coordination.invitations import links
from coordination.models import Convening, InvitationStatus

from .manage_helpers import Scene, edit_form, link_in, outbox, text_of, token_of


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=hours)


def local(moment: datetime, convening: Convening) -> str:
    """A time as the convening's edit form takes it (local to the convening's zone)."""
    return moment.astimezone(convening.zone).strftime("%Y-%m-%dT%H:%M")


def reschedule(client, db, convening: Convening, starts_at: datetime, ends_at: datetime):
    db.expire_all()
    convening = db.get(Convening, convening.id)
    response = client.post(
        f"/convenings/{convening.id}/edit",
        data=edit_form(
            convening, starts_at=local(starts_at, convening), ends_at=local(ends_at, convening)
        ),
    )
    assert response.status_code == 302, text_of(response)
    db.expire_all()
    return db.get(Convening, convening.id)


@pytest.fixture
def ended(make, auth) -> Scene:
    """A convening whose planned end passed an hour ago."""
    return Scene(make, auth, starts_at=hours_ago(5), hours=4)


@pytest.fixture
def scene(make, auth) -> Scene:
    return Scene(make, auth)


def test_postponed_convening_keeps_a_link_working_after_its_original_end(app, client, db, ended):
    invitation = ended.invitation("Apple", InvitationStatus.SENT)
    token = links.issue_link(invitation)
    ended.make.session.commit()
    assert app.test_client().get(f"/rsvp/{token}").status_code == 410

    next_month = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=30)
    reschedule(client, db, ended.convening, next_month, next_month + timedelta(hours=4))

    browser = app.test_client()
    assert browser.get(f"/rsvp/{token}").status_code == 303
    assert browser.get(f"/rsvp/invitations/{invitation.id}").status_code == 200


def test_brought_forward_convening_ends_the_link_at_its_new_end(app, client, db, scene):
    invitation = scene.invitation("Apple")
    client.post(
        f"/convenings/{scene.convening.id}/invitations/send",
        data={"invitation": [str(invitation.id)]},
    )
    token = token_of(link_in(outbox(db)[-1].text_body))
    holder = app.test_client()
    assert holder.get(f"/rsvp/{token}").status_code == 303

    reschedule(client, db, scene.convening, hours_ago(5), hours_ago(1))

    assert app.test_client().get(f"/rsvp/{token}").status_code == 410
    page = holder.get(f"/rsvp/invitations/{invitation.id}")
    assert page.status_code == 410
    assert "This link no longer works" in text_of(page)


def test_link_works_up_to_the_convening_end_and_not_after(app, db, scene):
    invitation = scene.invitation("Apple", InvitationStatus.SENT)
    token_hash = "a" * 64
    invitation.token_hash = token_hash
    scene.make.session.commit()
    end = scene.convening.ends_at

    assert links.is_current(invitation, token_hash, now=end - timedelta(seconds=1))
    assert not links.is_current(invitation, token_hash, now=end + links.GRACE)
    assert not links.is_current(invitation, "b" * 64, now=end - timedelta(seconds=1))


def test_invitation_page_shows_the_link_working_until_the_rescheduled_end(app, client, db, scene):
    invitation = scene.invitation("Apple")
    client.post(
        f"/convenings/{scene.convening.id}/invitations/send",
        data={"invitation": [str(invitation.id)]},
    )
    later = scene.convening.starts_at + timedelta(days=7)

    reschedule(client, db, scene.convening, later, later + timedelta(hours=6))

    page = text_of(client.get(f"/invitations/{invitation.id}/edit"))
    assert "Works until the convening ends: 22 Jan 2030, 16:00 PST" in page
