"""Personal access tokens: made once, stored hashed, acting as their owner and never more."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from coordination.models import ApiToken, Convening, utcnow
from coordination.tokens import hash_token
from tests.api.helpers import ApiClient, make_token

TOKEN_PATTERN = re.compile(r'value="(coord_[A-Za-z0-9_-]+)"')


def _make_on_the_page(client, name="Visitor system", scope="read", days="30"):
    return client.post("/account/tokens", data={"name": name, "scope": scope, "days": days})


def test_token_made_on_the_account_page_is_shown_once_and_stored_hashed(make, auth, client, db):
    owner = make.user()
    auth.sign_in(owner)

    made = _make_on_the_page(client)
    later = client.get("/account/tokens")

    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    secret = TOKEN_PATTERN.search(made.get_data(as_text=True)).group(1)
    # 32 random bytes, URL-safe: 256 bits after the marker.
    assert len(secret) - len("coord_") >= 43
    stored = db.scalars(select(ApiToken)).one()
    assert stored.token_hash == hash_token(secret) != secret
    assert stored.user_id == owner.id and stored.scope == "read"
    assert secret not in later.get_data(as_text=True)
    assert "Visitor system" in later.get_data(as_text=True)


def test_token_form_refuses_a_missing_name_and_stores_nothing(make, auth, client, db):
    auth.sign_in(make.user())

    response = _make_on_the_page(client, name="")

    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True)
    assert db.scalars(select(ApiToken)).all() == []


def test_token_acts_as_its_owner(make, client, db):
    organiser = make.user()
    mine = make.convening("Mine", organisers=(organiser,))
    make.convening("Not mine")
    secret, _token = make_token(db, organiser, "read")

    response = ApiClient(client, secret).get("/api/v1/convenings")

    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()["items"]] == [mine.id]
    db.expire_all()
    assert db.scalars(select(ApiToken)).one().last_used_at is not None


def test_token_revoked_on_the_account_page_stops_at_once(make, auth, client, db):
    owner = make.user()
    secret, token = make_token(db, owner)
    auth.sign_in(owner)

    client.post(f"/account/tokens/{token.id}/revoke")
    response = ApiClient(client, secret).get("/api/v1/convenings")

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "revoked" in response.get_json()["detail"]


def test_token_expired_is_refused(make, client, db):
    secret, _token = make_token(db, make.user())
    token = db.scalars(select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()

    response = ApiClient(client, secret).get("/api/v1/convenings")

    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_token_of_a_deactivated_owner_is_refused(make, client, db):
    owner = make.user()
    secret, _token = make_token(db, owner)
    owner.active = False
    db.commit()

    assert ApiClient(client, secret).get("/api/v1/convenings").status_code == 401


def test_token_stops_when_the_owners_role_changes(make, client, db):
    owner = make.user(is_admin=True)
    secret, _token = make_token(db, owner)
    owner.is_admin = False
    db.commit()

    response = ApiClient(client, secret).get("/api/v1/convenings")

    assert response.status_code == 401
    assert "role changed" in response.get_json()["detail"]


def test_token_unknown_or_malformed_is_refused(client):
    for header in ("Bearer coord_nothing", "Bearer ", "Basic abc", "coord_x"):
        response = client.get("/api/v1/convenings", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_read_token_cannot_write(make, client, db):
    organiser = make.user()
    make.convening(organisers=(organiser,))
    secret, _token = make_token(db, organiser, "read")
    before = db.query(Convening).count()

    response = ApiClient(client, secret).post(
        "/api/v1/convenings",
        json={
            "title": "Refused",
            "timezone": "UTC",
            "starts_local": "2027-01-01T09:00:00",
            "ends_local": "2027-01-01T10:00:00",
            "sensitivity": "Official",
        },
    )

    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"
    assert db.query(Convening).count() == before


def test_api_refuses_a_signed_in_browser_without_a_token(make, auth, client, db):
    organiser = make.user()
    convening = make.convening("Kept", organisers=(organiser,))
    auth.sign_in(organiser)

    read = client.get("/api/v1/convenings")
    write = client.patch(f"/api/v1/convenings/{convening.id}", json={"title": "Forged"})

    assert (read.status_code, write.status_code) == (401, 401)
    db.expire_all()
    assert db.get(Convening, convening.id).title == "Kept"


def test_api_answers_set_no_cookie(make, client, db):
    secret, _token = make_token(db, make.user())

    response = ApiClient(client, secret).get("/api/v1/convenings")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_rate_limit_is_shared_by_every_server_process(make, make_app, db):
    # The window is the clock's minute: start well inside one.
    if datetime.now(UTC).second >= 57:
        time.sleep(4)
    # Two applications on one database stand for two server processes.
    first, second = make_app(API_REQUESTS_PER_MINUTE=3), make_app(API_REQUESTS_PER_MINUTE=3)
    secret, _token = make_token(db, make.user())
    answers = []
    for app in (first, second, first, second):
        answers.append(ApiClient(app.test_client(), secret).get("/api/v1/convenings"))

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert answers[-1].mimetype == "application/problem+json"


def test_administrator_sees_and_revokes_every_token(make, auth, client, db):
    owner = make.user(name="Tess Tokenholder")
    secret, token = make_token(db, owner, name="Intranet feed")
    auth.sign_in(make.user(is_admin=True))

    listing = client.get("/admin/tokens").get_data(as_text=True)
    revoked = client.post(f"/account/tokens/{token.id}/revoke", data={"from": "admin"})

    assert "Intranet feed" in listing and "Tess Tokenholder" in listing
    assert revoked.headers["Location"].endswith("/admin/tokens")
    assert ApiClient(client, secret).get("/api/v1/convenings").status_code == 401


def test_someone_elses_token_cannot_be_revoked_or_seen(make, auth, client, db):
    secret, token = make_token(db, make.user(), name="Private feed")
    auth.sign_in(make.user())

    revoked = client.post(f"/account/tokens/{token.id}/revoke")
    page = client.get("/account/tokens").get_data(as_text=True)

    assert revoked.status_code == 404
    assert "Private feed" not in page
    assert ApiClient(client, secret).get("/api/v1/convenings").status_code == 200


def test_token_command_prints_a_working_token(make, app, client, db):
    organiser = make.user(email="scripts@example.org")
    make.convening("Scripted", organisers=(organiser,))

    result = app.test_cli_runner().invoke(
        args=[
            "tokens",
            "create",
            "--user",
            "Scripts@example.org",
            "--scope",
            "write",
            "--expires",
            "7",
        ]
    )

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    response = ApiClient(client, secret).get("/api/v1/convenings")
    assert [item["title"] for item in response.get_json()["items"]] == ["Scripted"]
    token = db.scalars(select(ApiToken)).one()
    assert token.scope == "write"
    assert timedelta(days=6) < token.expires_at - utcnow() <= timedelta(days=7)


def test_token_command_refuses_an_unknown_account(app, db):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--user", "nobody@example.org"])

    assert result.exit_code != 0
    assert "No active account" in result.stderr
    assert db.scalars(select(ApiToken)).all() == []
