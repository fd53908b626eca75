"""Mail sent once when the same request arrives several times at once (SQLite and PostgreSQL)."""

from __future__ import annotations

from coordination.models import InvitationStatus, SeatRequestStatus
from tests.factories import PASSWORD

from .manage_helpers import Scene, audit_actions, edit_form, outbox
from .rsvp_helpers import fire_at_once, invite, messages_to, open_link, reload

BROWSERS = 5


def test_simultaneous_seat_requests_leave_one_waiting_and_one_email(app, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED)
    browsers = [app.test_client() for _ in range(BROWSERS)]
    for browser in browsers:
        assert open_link(browser, invited).status_code == 303
    forms = [{"seats": str(number + 1), "reason": "Our CEO"} for number in range(BROWSERS)]

    results = fire_at_once(browsers, f"{invited.answer_url}/seats", forms)

    codes = sorted(code for code, _ in results)
    assert codes == [303] + [400] * (BROWSERS - 1)
    assert all(
        "is waiting for the organisers' decision" in text for code, text in results if code == 400
    )
    assert reload(db, invited.invitation).extra_seats_status == SeatRequestStatus.PENDING
    assert len(messages_to(db, invited.organiser.email)) == 1


def test_simultaneous_change_notices_send_once(app, make, auth, client, db):
    scene = Scene(make, auth)
    invitation = scene.invitation("Apple")
    client.post(
        f"/convenings/{scene.convening.id}/invitations/send",
        data={"invitation": [str(invitation.id)]},
    )
    client.post(
        f"/convenings/{scene.convening.id}/edit",
        data=edit_form(scene.convening, venue_room="Small Hall"),
    )
    organisers = []
    for _ in range(BROWSERS):
        browser = app.test_client()
        signed_in = browser.post(
            "/account/sign-in", data={"email": scene.organiser.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302
        organisers.append(browser)
    sent_before = len(outbox(db))

    results = fire_at_once(
        organisers, f"/convenings/{scene.convening.id}/invitations/notify", [{}] * BROWSERS
    )

    assert 500 not in [code for code, _ in results]
    assert len(outbox(db)) - sent_before == 1
    assert audit_actions(db, scene.convening.id).count("invitations.change_notified") == 1
