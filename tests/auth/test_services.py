"""Account services called as any front would (here the command line): a session and who acts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.auth import services
from coordination.auth.passwords import verify_password
from coordination.db import get_database
from coordination.models import AuditEvent, User
from coordination.principal import Principal
from coordination.service import InputError

SYSTEM = Principal(user=None)


def test_create_user_outside_any_request_stores_it_and_refuses_by_field(app, db):
    with app.app_context(), get_database(app).session() as session:
        created_id = services.create_user(
            session,
            SYSTEM,
            email=" Ada@Example.org ",
            name=" Ada Admin ",
            password="a long enough password",
            is_admin=True,
        ).id
        session.commit()
        with pytest.raises(InputError) as refused:
            services.create_user(session, SYSTEM, email="ADA@example.org", name="Copy")
        session.rollback()

    stored = db.get(User, created_id)
    assert (stored.email, stored.email_normalized, stored.name, stored.is_admin) == (
        "Ada@Example.org",
        "ada@example.org",
        "Ada Admin",
        True,
    )
    with app.app_context():
        assert verify_password(stored.password_hash, "a long enough password")
    assert db.execute(select(AuditEvent.action, AuditEvent.actor_id)).all() == [
        ("user.created", None)
    ]
    assert refused.value.field == "email"
    assert refused.value.errors == {"email": "An account with this email address already exists."}
