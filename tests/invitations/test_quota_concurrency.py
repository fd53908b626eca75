"""Seat quotas hold when many answers for one invitation arrive at once (SQLite and PostgreSQL).

Each thread is a separate browser holding its own session grant from the link; a barrier
releases them together.
"""

from __future__ import annotations

from coordination.models import InvitationStatus

from .rsvp_helpers import delegate_data, delegates_of, fire_at_once, invite, open_link

THREADS = 10


def _browsers(app, invited) -> list:
    clients = []
    for _ in range(THREADS):
        browser = app.test_client()
        assert open_link(browser, invited).status_code == 303
        clients.append(browser)
    return clients


def test_simultaneous_delegates_never_exceed_quota(app, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED, seat_quota=3)
    clients = _browsers(app, invited)
    forms = [delegate_data(email=f"racer{i}@example.org") for i in range(THREADS)]

    results = fire_at_once(clients, f"{invited.answer_url}/delegates", forms)

    codes = sorted(code for code, _ in results)
    assert 500 not in codes
    assert codes.count(303) == 3
    losers = [text for code, text in results if code != 303]
    assert len(losers) == THREADS - 3
    assert all("All 3 seats are taken; ask for more seats" in text for text in losers)
    assert len(delegates_of(db, invited.invitation)) == 3


def test_simultaneous_same_delegate_is_named_once(app, make, db):
    invited = invite(make, status=InvitationStatus.ACCEPTED, seat_quota=THREADS + 5)
    clients = _browsers(app, invited)
    forms = [delegate_data(email="same@example.org") for _ in range(THREADS)]

    results = fire_at_once(clients, f"{invited.answer_url}/delegates", forms)

    codes = [code for code, _ in results]
    assert codes.count(303) == 1
    assert all(
        "same@example.org is already named as a delegate" in text
        for code, text in results
        if code != 303
    )
    assert len(delegates_of(db, invited.invitation)) == 1
