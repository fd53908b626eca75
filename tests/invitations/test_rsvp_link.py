"""The focal point's link: exchanged for a session grant, scoped to one invitation, revocable."""

from __future__ import annotations

from urllib.parse import urlsplit

from coordination.invitations import links
from coordination.models import InvitationStatus

from .rsvp_helpers import delegate_data, delegates_of, invite, open_link, past, reload, text_of


def test_link_redirects_to_answer_page_without_token(app, client, make):
    invited = invite(make)

    response = open_link(client, invited)

    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == invited.answer_url
    assert invited.token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_link_grant_shows_answer_page(app, client, make):
    invited = invite(make)
    open_link(client, invited)

    page = client.get(invited.answer_url)

    assert page.status_code == 200
    text = text_of(page)
    assert "Invitation to Madison Valleywood" in text
    assert invited.organisation.name in text
    assert "0 of 3 seats used" in text


def test_link_grant_covers_only_its_invitation(app, client, make):
    invited = invite(make)
    other = invite(make, convening=invited.convening)
    open_link(client, invited)

    response = client.get(other.answer_url)

    assert response.status_code in (302, 303)
    assert "/account/sign-in" in response.headers["Location"]
    refused = client.post(other.answer_url, data={"answer": "accepted"})
    assert refused.status_code in (302, 303)
    assert reload(make.session, other.invitation).status == InvitationStatus.SENT


def test_link_grants_for_two_invitations_are_kept(app, client, make):
    first = invite(make)
    second = invite(make)
    open_link(client, first)
    open_link(client, second)

    assert client.get(first.answer_url).status_code == 200
    assert client.get(second.answer_url).status_code == 200


def test_mistyped_link_explains_without_details(app, client, make):
    invited = invite(make)

    response = client.get(f"/rsvp/{invited.token[:-2]}xx")

    assert response.status_code == 410
    text = text_of(response)
    assert "This link no longer works" in text
    assert "ask the organisers" in text
    assert "Madison Valleywood" not in text
    assert invited.organisation.name not in text
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_and_known_bad_links_look_the_same(app, client, make):
    invited = invite(make)
    links.revoke_link(invited.invitation)
    make.session.commit()

    revoked = client.get(f"/rsvp/{invited.token}")
    never = client.get("/rsvp/" + "A" * 43)

    assert revoked.status_code == never.status_code == 410
    assert text_of(revoked) == text_of(never)


def end_convening(make, invited) -> None:
    """Move the convening into the past: it ended a minute ago."""
    convening = invited.convening
    convening.starts_at, convening.ends_at = past(hours=3), past(minutes=1)
    make.session.commit()


def test_expired_link_stops_working(app, client, make):
    invited = invite(make)
    end_convening(make, invited)

    response = open_link(client, invited)

    assert response.status_code == 410
    assert "This link no longer works" in text_of(response)


def test_revoked_link_stops_working_for_a_browser_holding_the_grant(app, client, make):
    invited = invite(make)
    open_link(client, invited)
    assert client.get(invited.answer_url).status_code == 200
    links.revoke_link(invited.invitation)
    make.session.commit()

    page = client.get(invited.answer_url)
    posted = client.post(invited.answer_url, data={"answer": "accepted"})

    assert page.status_code == 410
    assert "This link no longer works" in text_of(page)
    assert posted.status_code == 410
    assert reload(make.session, invited.invitation).status == InvitationStatus.SENT


def test_reissued_link_replaces_the_old_one(app, client, make):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    open_link(client, invited)
    new_token = links.issue_link(invited.invitation)
    make.session.commit()

    old_grant = client.post(f"{invited.answer_url}/delegates", data=delegate_data())
    old_link = client.get(f"/rsvp/{invited.token}")
    new_link = app.test_client().get(f"/rsvp/{new_token}")

    assert old_grant.status_code == 410
    assert old_link.status_code == 410
    assert new_link.status_code == 303
    assert delegates_of(make.session, invited.invitation) == []


def test_grant_expires_with_the_link(app, client, make):
    invited = invite(make)
    open_link(client, invited)
    end_convening(make, invited)

    assert client.get(invited.answer_url).status_code == 410


def test_withdrawn_invitation_link_no_longer_opens(app, client, make):
    invited = invite(make, status=InvitationStatus.WITHDRAWN)

    response = open_link(client, invited)

    assert response.status_code == 410


def test_withdrawn_invitation_stops_a_browser_holding_the_grant(app, client, make):
    invited = invite(make)
    open_link(client, invited)
    invited.invitation.status = InvitationStatus.WITHDRAWN
    make.session.commit()

    page = client.get(invited.answer_url)
    posted = client.post(invited.answer_url, data={"answer": "accepted"})

    assert page.status_code == 410
    assert "This link no longer works" in text_of(page)
    assert "Save the answer" not in page.get_data(as_text=True)
    assert posted.status_code == 410
    assert reload(make.session, invited.invitation).status == InvitationStatus.WITHDRAWN


def test_opening_the_link_changes_nothing_in_the_database(app, client, make, db):
    invited = invite(make)
    before = (invited.invitation.status, invited.invitation.responded_at)

    open_link(client, invited)
    client.get(invited.answer_url)

    invitation = reload(db, invited.invitation)
    assert (invitation.status, invitation.responded_at) == before
