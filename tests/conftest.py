"""Fixtures: an application on a real database (SQLite file, or PostgreSQL when asked)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from coordination import create_app
from coordination.db import Database, get_database, make_engine
from coordination.migrate import upgrade
from coordination.models import Base

from . import factories

POSTGRES_URL_VARIABLE = "COORDINATION_TEST_DATABASE_URL"


def _reset_postgresql(url: str) -> None:
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """PostgreSQL when COORDINATION_TEST_DATABASE_URL names one, else a SQLite file."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if url:
        _reset_postgresql(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def base_config(database_url: str, instance_path: Path) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "MAIL_BACKEND": "log",
        "MAIL_DELIVER_AFTER_REQUEST": False,
        "BASE_URL": "https://coordination.example.org",
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def migrated_app(database_url, tmp_path_factory):
    """One application whose database is migrated once for the whole run."""
    app = create_app(base_config(database_url, tmp_path_factory.mktemp("instance")))
    upgrade(app)
    return app


def _delete_all_rows(database: Database) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def app(migrated_app):
    """The application, with every table emptied after the test."""
    yield migrated_app
    _delete_all_rows(get_database(migrated_app))


@pytest.fixture
def make_app(database_url, tmp_path, migrated_app):
    """Build another application on the same database with some settings changed."""
    made = []

    def build(**overrides):
        config = base_config(database_url, tmp_path / "instance")
        config.update(overrides)
        built = create_app(config)
        made.append(built)
        return built

    yield build
    for built in made:
        get_database(built).engine.dispose()
    _delete_all_rows(get_database(migrated_app))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def inspection_engine(database_url):
    """An engine whose every statement commits on its own, so tests always read fresh rows."""
    engine = make_engine(database_url, autocommit=True)
    yield engine
    engine.dispose()


@pytest.fixture
def db(app, inspection_engine) -> Iterator[Session]:
    """A session for arranging and checking data.

    It holds no transaction open (each statement commits), so requests never wait for it;
    call ``db.commit()`` or ``db.expire_all()`` to reload objects a request has changed.
    It pushes no application context: one held open would be reused by the test client's
    requests, sharing ``g`` (session, principal) between them. Tests calling services
    directly use the ``app_context`` fixture.
    """
    with Session(inspection_engine) as session:
        yield session


@pytest.fixture
def app_context(app):
    """An application context for calling services directly (not around requests)."""
    with app.app_context() as context:
        yield context


@pytest.fixture
def make(db, app):
    """Factories bound to the test's session and application."""
    return factories.Factories(db, app)


class AuthActions:
    def __init__(self, client, password: str = factories.PASSWORD):
        self.client = client
        self.password = password

    def sign_in(self, user_or_email, password: str | None = None, remember: bool = False):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post(
            "/account/sign-in",
            data={
                "email": email,
                "password": password or self.password,
                "remember": "y" if remember else "",
            },
        )

    def sign_out(self):
        return self.client.post("/account/sign-out")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app) -> Callable:
    """Count the SQL statements issued inside a ``with`` block."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        engine = get_database(app).engine

        def on_execute(_conn, _cursor, statement, *_args):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.I):
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)

    return counting


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port; ``.wait_for(n)`` returns what arrived.

    Each received message has ``.message`` (parsed with the email package), ``.rcpt_tos``,
    ``.text()``, ``.html()``, ``.calendar()``; ``.refuse(address, "550 ...")`` makes the
    server refuse a recipient. See tests/mail/capture.py.
    """
    from .mail.capture import SMTPCapture

    server = SMTPCapture().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    """The application sending its mail to ``smtp_server`` (with ``mail send`` or the sender)."""
    return make_app(MAIL_BACKEND="smtp", SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
