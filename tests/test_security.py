"""Headers, CSRF and error pages that every response shares."""

from __future__ import annotations

from sqlalchemy import func, select

from coordination.models import Series, SignInThrottle
from coordination.permissions import public


def test_pages_carry_strict_security_headers(client):
    response = client.get("/account/sign-in")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_scripts_or_styles(client):
    html = client.get("/account/sign-in").get_data(as_text=True)

    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_post_without_csrf_token_is_refused_and_changes_nothing(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()

    response = client.post(
        "/account/sign-in", data={"email": "someone@example.org", "password": "wrong"}
    )

    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(SignInThrottle)) == 0


def test_post_with_csrf_token_from_the_form_is_accepted(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/account/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    response = client.post(
        "/account/sign-in",
        data={"email": "someone@example.org", "password": "wrong", "csrf_token": token},
    )

    assert response.status_code == 400
    assert "password is not right" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(SignInThrottle)) == 2


def test_unknown_address_shows_friendly_404_in_layout(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Not found" in html
    assert 'class="site-header"' in html


def test_unexpected_error_shows_friendly_500_without_details(make_app):
    app = make_app(TESTING=False)

    @public
    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken", view_func=broken)

    response = app.test_client().get("/broken")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert "secret internal detail" not in html


def test_oversized_request_gets_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)

    response = app.test_client().post(
        "/account/sign-in", data={"email": "a@example.org", "password": "x" * 5000}
    )

    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_get_on_post_only_route_is_refused(client):
    response = client.get("/account/sign-out")

    assert response.status_code == 405


def test_emailed_links_are_built_from_base_url_even_outside_a_request(app):
    from coordination.urls import external_url

    with app.app_context():
        link = external_url("auth.reset_password", token="abc")

    assert link == "https://coordination.example.org/account/reset/abc"


def test_id_too_large_for_the_database_is_not_found(client, auth, make):
    admin = make.user(is_admin=True)
    auth.sign_in(admin)
    for path in (
        "/convenings/99999999999999999999",
        "/directory/99999999999999999999",
        "/actions/99999999999999999999",
    ):
        response = client.get(path)
        assert response.status_code == 404, path


def test_form_text_with_a_nul_character_is_refused_and_stores_nothing(client, auth, db, make):
    # PostgreSQL text cannot hold NUL: refused with a message rather than failing to store.
    auth.sign_in(make.user(is_admin=True))
    before = db.scalar(select(func.count()).select_from(Series))

    response = client.post("/convenings/series/new", data={"name": "Madison\x00Valleywood"})

    assert response.status_code == 400
    assert "contains a NUL character" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Series)) == before


def test_search_with_a_nul_character_is_refused(client, auth, make):
    auth.sign_in(make.user(is_admin=True))

    response = client.get("/directory/?q=Apple%00")

    assert response.status_code == 400
    assert "contains a NUL character" in response.get_data(as_text=True)
