"""The embedded SQLite database takes several writers at once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from coordination.db import get_database
from coordination.models import Organisation, OrganisationKind, SignInThrottle


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite locking behaviour")


def _read_then_write(factory, name: str, start: threading.Barrier, errors: list) -> None:
    """Read, pause so the other writer overlaps, then write: the pattern that locks SQLite."""
    session = factory()
    try:
        start.wait()
        session.scalar(select(func.count()).select_from(Organisation))
        time.sleep(0.2)
        session.add(
            Organisation(name=name, name_normalized=name.lower(), kind=OrganisationKind.OTHER)
        )
        session.commit()
    except OperationalError as error:
        errors.append(error)
    finally:
        session.close()


def _run_two(factory) -> list:
    start = threading.Barrier(2)
    errors: list = []
    threads = [
        threading.Thread(target=_read_then_write, args=(factory, name, start, errors))
        for name in ("First writer", "Second writer")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_sqlite_two_concurrent_writers_both_succeed(app, db, sqlite_only):
    errors = _run_two(get_database(app).write_sessions)

    assert errors == []
    names = set(db.scalars(select(Organisation.name)))
    assert names == {"First writer", "Second writer"}


def test_sqlite_deferred_transactions_would_lock_without_immediate_begin(app, db, sqlite_only):
    # The control: plain (deferred) transactions doing the same collide, which is why
    # requests that write begin immediately.
    errors = _run_two(get_database(app).read_sessions)

    assert len(errors) == 1
    assert "locked" in str(errors[0])


def test_concurrent_sign_in_failures_are_all_counted(app, db, make):
    email = make.user().email
    clients = [app.test_client() for _ in range(4)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def attempt(client):
        start.wait()
        response = client.post(
            "/account/sign-in", data={"email": email, "password": "wrong password"}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [400, 400, 400, 400]
    failures = db.scalar(
        select(SignInThrottle.failures).where(SignInThrottle.key == f"account:{email}")
    )
    assert failures == 4
