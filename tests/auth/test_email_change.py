"""A new email address is proved by a link sent to it before it takes effect or grants anything."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from coordination.models import (
    AuditEvent,
    Delegate,
    DelegateStatus,
    InvitationStatus,
    User,
    UserToken,
    utcnow,
)
from tests.factories import PASSWORD

from .helpers import error_summary, is_signed_in, link_in, messages_to, path_of, sign_in
from .test_sessions import REMEMBER

CONFIRM_LINK = re.compile(r"https?://\S+(/account/email/confirm/[A-Za-z0-9_\-]+)")


def _ask(client, email: str, password: str = PASSWORD):
    return client.post("/account/email", data={"email": email, "current_password": password})


def _confirm_path(db, email: str) -> str:
    [message] = [m for m in messages_to(db, email) if "Confirm" in m.subject]
    match = CONFIRM_LINK.search(message.text_body)
    assert match, message.text_body
    return match.group(1)


def _signed_in(app, user, **kwargs):
    browser = app.test_client()
    assert sign_in(browser, user.email, **kwargs).status_code == 302
    return browser


def test_email_change_waits_for_the_new_address_and_tells_the_old_one(app, make, db):
    user = make.user(email="old@example.org")
    browser = _signed_in(app, user)

    response = _ask(browser, "new@example.org")

    assert response.status_code == 302
    db.refresh(user)
    assert (user.email, user.pending_email) == ("old@example.org", "new@example.org")
    [notice] = messages_to(db, "old@example.org")
    assert "new@example.org" in notice.text_body
    assert _confirm_path(db, "new@example.org").startswith("/account/email/confirm/")
    # Until confirmed, the old address signs in and the new one does not.
    assert sign_in(app.test_client(), "old@example.org").status_code == 302
    assert sign_in(app.test_client(), "new@example.org").status_code == 400


def test_confirming_the_new_address_switches_it_and_ends_every_other_session(app, make, db):
    user = make.user(email="old@example.org")
    elsewhere = _signed_in(app, user)
    remembered = _signed_in(app, user, remember=True)
    cookie = remembered.get_cookie(REMEMBER).value
    _ask(_signed_in(app, user), "new@example.org")
    path = _confirm_path(db, "new@example.org")

    page = app.test_client().get(path)
    confirmed = app.test_client().post(path)

    assert page.status_code == 200 and "new@example.org" in page.get_data(as_text=True)
    assert confirmed.status_code == 302
    db.refresh(user)
    assert (user.email, user.pending_email) == ("new@example.org", None)
    assert user.email_confirmed_at is not None
    assert not is_signed_in(elsewhere)
    stale = app.test_client()
    stale.set_cookie(REMEMBER, cookie)
    assert not is_signed_in(stale)
    assert sign_in(app.test_client(), "new@example.org").status_code == 302
    assert sign_in(app.test_client(), "old@example.org").status_code == 400
    assert db.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.email_changed")
    ).changes == {"email": ["old@example.org", "new@example.org"]}


def test_confirming_in_the_signed_in_browser_keeps_that_browser_signed_in(app, make, db):
    user = make.user(email="old@example.org")
    browser = _signed_in(app, user)
    _ask(browser, "new@example.org")

    browser.post(_confirm_path(db, "new@example.org"))

    assert is_signed_in(browser)


def test_confirmation_link_works_once_and_a_get_changes_nothing(app, make, db):
    user = make.user(email="old@example.org")
    _ask(_signed_in(app, user), "new@example.org")
    path = _confirm_path(db, "new@example.org")

    app.test_client().get(path)
    db.refresh(user)
    assert user.email == "old@example.org"
    first = app.test_client().post(path)
    second = app.test_client().post(path)

    assert (first.status_code, second.status_code) == (302, 400)
    assert app.test_client().get(path).status_code == 410


def test_expired_confirmation_link_changes_nothing(app, make, db):
    user = make.user(email="old@example.org")
    _ask(_signed_in(app, user), "new@example.org")
    path = _confirm_path(db, "new@example.org")
    db.execute(update(UserToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()

    response = app.test_client().post(path)

    assert response.status_code == 400
    assert "no longer works" in response.get_data(as_text=True)
    db.refresh(user)
    assert user.email == "old@example.org"


def test_a_newer_request_or_a_cancellation_ends_the_earlier_link(app, make, db):
    user = make.user(email="old@example.org")
    browser = _signed_in(app, user)
    _ask(browser, "first@example.org")
    first = _confirm_path(db, "first@example.org")
    _ask(browser, "second@example.org")
    second = _confirm_path(db, "second@example.org")

    assert app.test_client().post(first).status_code == 400
    browser.post("/account/email/cancel")
    assert app.test_client().post(second).status_code == 400
    db.refresh(user)
    assert (user.email, user.pending_email) == ("old@example.org", None)


def test_email_change_needs_the_current_password_and_a_free_address(app, make, db):
    make.user(email="taken@example.org")
    user = make.user(email="old@example.org")
    browser = _signed_in(app, user)

    wrong_password = _ask(browser, "new@example.org", password="not the password")
    taken = _ask(browser, "Taken@Example.org")
    malformed = _ask(browser, "not an address")

    assert [r.status_code for r in (wrong_password, taken, malformed)] == [400, 400, 400]
    assert "current password is not right" in error_summary(wrong_password)
    assert "already exists" in error_summary(taken)
    db.refresh(user)
    assert user.pending_email is None
    assert messages_to(db, "new@example.org") == []


def test_password_reset_at_a_pending_address_sends_nothing(app, make, db):
    user = make.user(email="old@example.org")
    _ask(_signed_in(app, user), "attacker@example.org")

    app.test_client().post("/account/forgot", data={"email": "attacker@example.org"})

    assert [m.subject for m in messages_to(db, "attacker@example.org")] == [
        "Confirm your new coordination email address"
    ]


def test_borrowing_a_delegates_address_grants_nothing_until_confirmed(app, make, db):
    organiser = make.user()
    convening = make.convening("Madison Valleywood", organisers=(organiser,))
    organisation = make.organisation("Apple")
    invitation = make.invitation(convening, organisation, status=InvitationStatus.ACCEPTED)
    db.add(
        Delegate(
            invitation_id=invitation.id,
            name="Real Delegate",
            email="delegate@apple.example",
            email_normalized="delegate@apple.example",
            status=DelegateStatus.CONFIRMED,
        )
    )
    db.commit()
    borrower = make.user(email="borrower@example.org")
    browser = _signed_in(app, borrower)

    _ask(browser, "delegate@apple.example")

    assert browser.get(f"/convenings/{convening.id}").status_code == 404
    assert browser.get(f"/convenings/{convening.id}/agenda").status_code == 404


def test_an_unconfirmed_account_linked_to_a_contact_is_no_participant(app, make, db):
    convening = make.convening("Madison Valleywood", organisers=(make.user(),))
    organisation = make.organisation("Apple")
    make.invitation(convening, organisation, status=InvitationStatus.ACCEPTED)
    person = make.participant(organisation, email_confirmed=False)
    browser = _signed_in(app, person)

    refused = browser.get(f"/convenings/{convening.id}")
    person.email_confirmed_at = utcnow()
    db.commit()
    allowed = browser.get(f"/convenings/{convening.id}")

    assert (refused.status_code, allowed.status_code) == (404, 200)


def test_using_the_set_up_link_proves_the_address(app, make, db):
    admin = make.user(is_admin=True)
    _signed_in(app, admin).post("/admin/users/new", data={"name": "New", "email": "n@example.org"})
    path = path_of(link_in(messages_to(db, "n@example.org")[0]))

    app.test_client().post(
        path, data={"new_password": "a fresh passphrase", "confirm": "a fresh passphrase"}
    )

    user = db.scalar(select(User).where(User.email_normalized == "n@example.org"))
    assert user.email_confirmed_at is not None


def test_reset_page_refuses_an_email_confirmation_link(app, make, db):
    user = make.user(email="old@example.org")
    _ask(_signed_in(app, user), "new@example.org")
    token = _confirm_path(db, "new@example.org").rsplit("/", 1)[1]

    response = app.test_client().post(
        f"/account/reset/{token}",
        data={"new_password": "a fresh passphrase", "confirm": "a fresh passphrase"},
    )

    assert response.status_code == 400
    db.refresh(user)
    assert user.email == "old@example.org"
