"""Sessions end together: sign-out, password change and deactivation reach every device."""

from __future__ import annotations

from sqlalchemy import select

from coordination.models import User

from .helpers import error_summary, is_signed_in, messages_to, sign_in

REMEMBER = "coordination_remember"
NEW_PASSWORD = "a brand new passphrase"


def _remember_cookie(client) -> str:
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None
    return cookie.value


def _client_with_remember_cookie(app, value: str):
    """A new browser holding nothing but a remember-me cookie."""
    fresh = app.test_client()
    fresh.set_cookie(REMEMBER, value)
    return fresh


def test_remember_me_sets_a_lasting_cookie_that_signs_in_a_new_browser(app, client, make):
    user = make.user()

    response = sign_in(client, user.email, remember=True)

    set_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}=")
    )
    assert "Expires=" in set_cookie
    assert "HttpOnly" in set_cookie
    browser = _client_with_remember_cookie(app, _remember_cookie(client))
    assert is_signed_in(browser)


def test_remember_cookie_that_is_forged_does_not_sign_in(app, make):
    make.user()

    browser = _client_with_remember_cookie(app, "1:0123456789abcdef|deadbeef")

    assert not is_signed_in(browser)


def test_sign_out_ends_this_and_other_sessions_and_remember_cookies(app, make):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email, remember=True)
    sign_in(phone, user.email)
    remembered = _remember_cookie(laptop)

    response = phone.post("/account/sign-out")

    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert not is_signed_in(_client_with_remember_cookie(app, remembered))


def test_sign_out_deletes_the_remember_cookie(client, make):
    user = make.user()
    sign_in(client, user.email, remember=True)

    response = client.post("/account/sign-out")

    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}=;")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert client.get_cookie(REMEMBER) is None


def test_sign_out_needs_a_post(client, make):
    user = make.user()
    sign_in(client, user.email)

    response = client.get("/account/sign-out")

    assert response.status_code == 405
    assert is_signed_in(client)


def test_sign_in_again_after_sign_out_works(client, make):
    user = make.user()
    sign_in(client, user.email)
    client.post("/account/sign-out")

    sign_in(client, user.email)

    assert is_signed_in(client)


def _change(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_change_password_requires_the_current_password(client, make, db):
    user = make.user()
    sign_in(client, user.email)
    db.refresh(user)
    old_hash = user.password_hash

    response = _change(client, "not my password")

    assert response.status_code == 400
    assert "Your current password is not right." in error_summary(response)
    db.refresh(user)
    assert user.password_hash == old_hash


def test_change_password_ends_other_sessions_but_keeps_this_one(app, make, db):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email, remember=True)
    remembered = _remember_cookie(phone)

    response = _change(laptop, "correct horse battery")

    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert not is_signed_in(_client_with_remember_cookie(app, remembered))
    laptop.post("/account/sign-out")
    assert sign_in(laptop, user.email).status_code == 400
    assert sign_in(laptop, user.email, NEW_PASSWORD).status_code == 302


def test_change_password_renews_the_remember_cookie_of_this_device(app, client, make):
    user = make.user()
    sign_in(client, user.email, remember=True)
    old_cookie = _remember_cookie(client)

    _change(client, "correct horse battery")

    new_cookie = _remember_cookie(client)
    assert new_cookie != old_cookie
    assert is_signed_in(_client_with_remember_cookie(app, new_cookie))
    assert not is_signed_in(_client_with_remember_cookie(app, old_cookie))


def test_change_password_emails_the_holder(client, make, db):
    user = make.user()
    sign_in(client, user.email)

    _change(client, "correct horse battery")

    subjects = [message.subject for message in messages_to(db, user.email)]
    assert subjects == ["Your coordination password was changed"]


def test_change_password_refuses_a_short_or_mismatched_password(client, make, db):
    user = make.user()
    sign_in(client, user.email)

    short = _change(client, "correct horse battery", "short")
    mismatched = _change(client, "correct horse battery", NEW_PASSWORD, "something else entirely")
    same = _change(client, "correct horse battery", "correct horse battery")

    assert short.status_code == mismatched.status_code == same.status_code == 400
    assert "Use at least 10 characters." in error_summary(short)
    assert "The two new passwords differ." in error_summary(mismatched)
    assert "different from the current one" in error_summary(same)
    assert "New password:" in error_summary(same)
    assert messages_to(db, user.email) == []
    assert is_signed_in(client)


def test_change_password_wrong_current_password_is_throttled(client, make, app):
    user = make.user()
    sign_in(client, user.email)
    for _ in range(app.config["SIGN_IN_FREE_ATTEMPTS"]):
        assert _change(client, "a wrong guess").status_code == 400

    response = _change(client, "correct horse battery")

    assert response.status_code == 400
    assert "Too many failed attempts. Wait" in error_summary(response)


def test_deactivation_ends_sessions_and_remember_cookies_at_once(app, make, db):
    admin = make.user(is_admin=True)
    user = make.user()
    admin_browser, user_browser = app.test_client(), app.test_client()
    sign_in(admin_browser, admin.email)
    sign_in(user_browser, user.email, remember=True)
    remembered = _remember_cookie(user_browser)

    response = admin_browser.post(f"/admin/users/{user.id}/deactivate")

    assert response.status_code == 302
    assert not is_signed_in(user_browser)
    assert not is_signed_in(_client_with_remember_cookie(app, remembered))
    assert sign_in(user_browser, user.email).status_code == 400


def test_created_account_has_no_password_until_its_holder_sets_one(app, make, db):
    admin = make.user(is_admin=True)
    browser = app.test_client()
    sign_in(browser, admin.email)

    browser.post("/admin/users/new", data={"name": "New Person", "email": "new@example.org"})

    [message] = messages_to(db, "new@example.org")
    assert message.subject == "Your coordination account"
    created = db.scalar(select(User).where(User.email_normalized == "new@example.org"))
    assert created.password_hash is None
    newcomer = app.test_client()
    for guess in ("password", "changeme", "new@example.org", "valleywood-demo"):
        assert sign_in(newcomer, "new@example.org", guess).status_code == 400
