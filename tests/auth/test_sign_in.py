"""Signing in: credentials, no account enumeration, safe redirects, a fresh session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.models import User

from .helpers import SIGN_IN, error_summary, is_signed_in, sign_in

WRONG = "The email address or password is not right. Check both and try again."


def test_sign_in_with_right_password_reaches_dashboard(client, make, db):
    user = make.user(name="Ada Lovelace")

    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert "Ada Lovelace" in client.get("/dashboard").get_data(as_text=True)
    db.refresh(user)
    assert user.last_sign_in_at is not None


def test_sign_in_ignores_case_and_spaces_in_email(client, make):
    user = make.user(email="Grace.Hopper@Example.org")

    response = sign_in(client, "  grace.hopper@EXAMPLE.ORG ")

    assert response.status_code == 302
    assert is_signed_in(client)
    assert user.email == "Grace.Hopper@Example.org"


def test_sign_in_with_wrong_password_is_refused(client, make):
    user = make.user()

    response = sign_in(client, user.email, "not the password")

    assert response.status_code == 400
    assert error_summary(response) == f"There is a problem {WRONG}"
    assert not is_signed_in(client)


def test_sign_in_unknown_email_and_wrong_password_look_the_same(client, make):
    make.user(email="known@example.org")

    known = sign_in(client, "known@example.org", "wrong password")
    unknown = sign_in(client, "nobody@example.org", "wrong password")

    assert known.status_code == unknown.status_code == 400
    assert error_summary(known) == error_summary(unknown) == f"There is a problem {WRONG}"
    # Apart from the address typed in, the two pages are the same, byte for byte.
    assert known.get_data(as_text=True).replace("known@", "X@") == unknown.get_data(
        as_text=True
    ).replace("nobody@", "X@")


def test_sign_in_inactive_user_is_refused_like_a_wrong_password(client, make):
    user = make.user(active=False)

    response = sign_in(client, user.email)

    assert response.status_code == 400
    assert error_summary(response) == f"There is a problem {WRONG}"
    assert not is_signed_in(client)


def test_sign_in_account_without_password_cannot_sign_in(client, make):
    user = make.user(password="")

    for attempt in ("", "password", "changeme", user.email):
        response = sign_in(client, user.email, attempt)
        assert response.status_code == 400

    assert not is_signed_in(client)


def test_sign_in_with_empty_fields_says_what_is_missing(client):
    response = client.post(SIGN_IN, data={"email": "", "password": ""})

    assert response.status_code == 400
    assert "Email address" in error_summary(response)
    assert "Password" in error_summary(response)


def test_sign_in_next_local_path_is_followed(client, make):
    user = make.user()

    response = sign_in(client, user.email, next="/convenings/?tab=past")

    assert response.headers["Location"] == "/convenings/?tab=past"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/dashboard",
        "https://evil.example",
        "http://evil.example/dashboard",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%252F/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "evil.example",
        "https:evil.example",
    ],
)
def test_sign_in_next_elsewhere_goes_to_dashboard(client, make, target):
    user = make.user()

    response = sign_in(client, user.email, next=target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_next_from_query_string_is_carried_and_checked(client, make):
    user = make.user()

    page = client.get(SIGN_IN, query_string={"next": "//evil.example"})
    assert page.status_code == 200
    response = sign_in(client, user.email, next="//evil.example")
    again = client.get(SIGN_IN, query_string={"next": "https://evil.example"})

    assert response.headers["Location"] == "/dashboard"
    assert again.status_code == 302
    assert again.headers["Location"] == "/dashboard"


def test_refused_page_sends_anonymous_visitor_to_sign_in_and_back(client, make):
    user = make.user()

    refused = client.get("/convenings/?tab=past")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith(SIGN_IN + "?next=")
    form = client.get(refused.headers["Location"])
    assert 'value="/convenings/?tab=past"' in form.get_data(as_text=True)

    response = sign_in(client, user.email, next="/convenings/?tab=past")

    assert response.headers["Location"] == "/convenings/?tab=past"


def test_sign_in_starts_a_new_session(client, make):
    user = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by someone before sign-in"
        session["_user_id"] = "999:forged"
    before = client.get_cookie("coordination_session").value

    sign_in(client, user.email)

    after = client.get_cookie("coordination_session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_token}"


def test_sign_in_without_remember_sets_no_lasting_cookie(client, make):
    user = make.user()

    response = sign_in(client, user.email)

    cookies = response.headers.getlist("Set-Cookie")
    assert not any(cookie.startswith("coordination_remember=") for cookie in cookies)
    session_cookie = next(c for c in cookies if c.startswith("coordination_session="))
    assert "Expires" not in session_cookie
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_password_hashes_are_argon2id(client, make, db):
    user = make.user()

    db.refresh(user)

    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


def test_sign_in_rehashes_password_stored_with_old_parameters(make_app, db):
    weak = make_app(ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=1024)
    strong = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=2048)
    with weak.app_context():
        from coordination.auth.passwords import hash_password

        old_hash = hash_password("a long enough password")
    db.add(
        User(
            email="old@example.org",
            email_normalized="old@example.org",
            name="Old",
            password_hash=old_hash,
        )
    )
    db.commit()

    response = sign_in(strong.test_client(), "old@example.org", "a long enough password")

    assert response.status_code == 302
    stored = db.scalar(select(User.password_hash).where(User.email_normalized == "old@example.org"))
    assert stored != old_hash
    assert "m=2048,t=2" in stored
