"""The calendar feed's services, called as any front would: a session and who acts."""

from __future__ import annotations

from sqlalchemy import select

from coordination.calendar import services
from coordination.db import get_database
from coordination.models import AuditEvent, User
from coordination.principal import load_principal
from coordination.tokens import hash_token


def test_reset_feed_outside_any_request_stores_a_new_secret_and_turning_off_ends_it(app, db, make):
    user_id = make.user().id

    with app.app_context(), get_database(app).session() as session:
        actor = load_principal(session, session.get(User, user_id))
        raw = services.reset_feed(session, actor)
        session.commit()
        db.expire_all()
        stored_hash = db.get(User, user_id).calendar_feed_token_hash
        turned_off = services.turn_off_feed(session, actor)
        again = services.turn_off_feed(session, actor)
        session.commit()

    db.expire_all()
    assert stored_hash == hash_token(raw)
    assert (turned_off, again) == (True, False)
    assert db.get(User, user_id).calendar_feed_token_hash is None
    assert list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id))) == [
        "user.calendar_feed_created",
        "user.calendar_feed_removed",
    ]
