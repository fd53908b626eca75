"""Resetting a password through an emailed link: single use, expiring, built from BASE_URL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from coordination.models import SignInThrottle, UserToken, utcnow

from .helpers import error_summary, is_signed_in, link_in, messages_to, path_of, sign_in

FORGOT = "/account/forgot"
NEW_PASSWORD = "a fresh passphrase"


def _ask_for_link(client, email: str, **kwargs):
    return client.post(FORGOT, data={"email": email}, **kwargs)


def _reset(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"new_password": password, "confirm": password})


def _emailed_path(client, db, email: str) -> str:
    _ask_for_link(client, email)
    return path_of(link_in(messages_to(db, email)[-1]))


def test_forgot_password_answer_is_the_same_for_known_and_unknown_emails(client, make, db):
    make.user(email="known@example.org")

    known = _ask_for_link(client, "known@example.org")
    unknown = _ask_for_link(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("known@", "X@") == unknown.get_data(
        as_text=True
    ).replace("nobody@", "X@")
    assert len(messages_to(db, "known@example.org")) == 1
    assert messages_to(db, "nobody@example.org") == []


def test_forgot_password_for_inactive_account_sends_nothing(client, make, db):
    user = make.user(active=False)

    response = _ask_for_link(client, user.email)

    assert response.status_code == 200
    assert messages_to(db, user.email) == []


def test_reset_link_is_emailed_and_built_from_base_url_not_the_host_header(client, make, db):
    user = make.user()

    _ask_for_link(
        client,
        user.email,
        base_url="http://attacker.example",
        headers={"X-Forwarded-Host": "attacker.example"},
    )

    [message] = messages_to(db, user.email)
    assert message.subject == "Reset your coordination password"
    link = link_in(message)
    assert link.startswith("https://coordination.example.org/account/reset/")
    assert "attacker.example" not in message.text_body
    # Only a hash of the token is stored, never the token itself.
    token = link.rsplit("/", 1)[1]
    stored = db.scalars(select(UserToken.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_reset_link_sets_the_new_password(client, make, db):
    user = make.user()
    path = _emailed_path(client, db, user.email)

    page = client.get(path)
    response = _reset(client, path)

    assert page.status_code == 200
    assert response.status_code == 302
    assert sign_in(client, user.email).status_code == 400
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    db.refresh(user)
    assert user.password_hash.startswith("$argon2id$")


def test_reset_link_works_only_once(app, client, make, db):
    user = make.user()
    path = _emailed_path(client, db, user.email)
    _reset(client, path)

    again_page = client.get(path)
    again = _reset(app.test_client(), path, "another passphrase")

    assert again_page.status_code == 410
    assert again.status_code == 400
    assert "This link no longer works" in again.get_data(as_text=True)
    assert sign_in(client, user.email, "another passphrase").status_code == 400
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_expires(client, make, db):
    user = make.user()
    path = _emailed_path(client, db, user.email)
    db.execute(update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()

    page = client.get(path)
    response = _reset(client, path)

    assert page.status_code == 410
    assert response.status_code == 400
    assert sign_in(client, user.email).status_code == 302


def test_new_reset_link_works_after_an_old_one_expired(client, make, db):
    user = make.user()
    old_path = _emailed_path(client, db, user.email)
    db.execute(update(UserToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()

    new_path = _emailed_path(client, db, user.email)

    assert new_path != old_path
    assert _reset(client, old_path).status_code == 400
    assert _reset(client, new_path).status_code == 302
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_lifts_the_account_throttle(app, client, make, db):
    user = make.user()
    for _ in range(app.config["SIGN_IN_FREE_ATTEMPTS"]):
        sign_in(client, user.email, "wrong guess")
    assert sign_in(client, user.email).status_code == 429
    path = _emailed_path(client, db, user.email)

    _reset(client, path)

    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    assert db.get(SignInThrottle, f"account:{user.email_normalized}") is None


def test_reset_ends_every_session_of_the_account(app, make, db):
    user = make.user()
    laptop, mailbox = app.test_client(), app.test_client()
    sign_in(laptop, user.email, remember=True)
    path = _emailed_path(mailbox, db, user.email)

    _reset(mailbox, path)

    assert not is_signed_in(laptop)


def test_reset_refuses_a_short_password_and_the_link_still_works(client, make, db):
    user = make.user()
    path = _emailed_path(client, db, user.email)

    short = _reset(client, path, "short")
    proper = _reset(client, path)

    assert short.status_code == 400
    assert "Use at least 10 characters." in error_summary(short)
    assert proper.status_code == 302


def test_unknown_or_malformed_reset_link_is_refused(client):
    for path in ("/account/reset/not-a-token", "/account/reset/" + "x" * 500):
        assert client.get(path).status_code == 410
        assert _reset(client, path).status_code == 400


def test_password_change_ends_reset_links_already_sent(client, make, db):
    user = make.user()
    path = _emailed_path(client, db, user.email)
    sign_in(client, user.email)
    client.post(
        "/account/password",
        data={
            "current_password": "correct horse battery",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )

    assert client.get(path).status_code == 410


def test_forgot_password_sends_at_most_three_open_links(client, make, db):
    user = make.user()

    for _ in range(5):
        response = _ask_for_link(client, user.email)
        assert response.status_code == 200

    assert len(messages_to(db, user.email)) == 3


def test_set_up_link_of_a_new_account_chooses_the_first_password(app, make, db):
    admin = make.user(is_admin=True)
    browser = app.test_client()
    sign_in(browser, admin.email)
    browser.post("/admin/users/new", data={"name": "Newcomer", "email": "newcomer@example.org"})
    [message] = messages_to(db, "newcomer@example.org")
    link = link_in(message)
    newcomer = app.test_client()

    page = newcomer.get(path_of(link))
    response = _reset(newcomer, path_of(link))

    assert link.startswith("https://coordination.example.org/account/reset/")
    assert "Choose a password for your new account" in page.get_data(as_text=True)
    assert response.status_code == 302
    assert sign_in(newcomer, "newcomer@example.org", NEW_PASSWORD).status_code == 302
