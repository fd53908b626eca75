"""The first administrator comes from `flask --app coordination users create-admin`."""

from __future__ import annotations

from sqlalchemy import func, select

from coordination.models import AuditEvent, User

from .helpers import sign_in

PASSWORD = "the first admin's passphrase"


def _create_admin(runner, email="root@example.org", name="First Admin", password=PASSWORD):
    return runner.invoke(
        args=["users", "create-admin", "--email", email, "--name", name, "--password", password]
    )


def _accounts(db) -> int:
    return db.scalar(select(func.count()).select_from(User))


def test_create_admin_makes_an_administrator_who_can_sign_in(runner, client, db):
    result = _create_admin(runner)

    assert result.exit_code == 0, result.output
    assert "Administrator root@example.org created." in result.output
    user = db.scalar(select(User))
    assert user.is_admin and user.active
    assert user.password_hash.startswith("$argon2id$")
    assert sign_in(client, "root@example.org", PASSWORD).status_code == 302
    assert client.get("/admin/outbox").status_code == 200
    assert db.scalar(select(AuditEvent.action)) == "user.created"


def test_create_admin_refuses_a_duplicate_email_and_creates_nothing(runner, db):
    _create_admin(runner)

    result = _create_admin(runner, email="  ROOT@Example.org", name="Someone Else")

    assert result.exit_code != 0
    assert "An account with this email address already exists." in result.output
    assert _accounts(db) == 1
    assert db.scalar(select(User.name)) == "First Admin"


def test_create_admin_refuses_a_short_password(runner, db):
    result = _create_admin(runner, password="short")

    assert result.exit_code != 0
    assert "Use at least 10 characters." in result.output
    assert _accounts(db) == 0


def test_create_admin_refuses_a_malformed_email(runner, db):
    result = _create_admin(runner, email="not an address")

    assert result.exit_code != 0
    assert "Enter an email address like name@example.org." in result.output
    assert _accounts(db) == 0
