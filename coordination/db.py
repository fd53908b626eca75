"""Engine and the session of each request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_OPTION = "coordination_write"


def _configure_sqlite(engine: Engine, begin_transactions: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if not begin_transactions:
        return

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A writer takes the write lock when it begins, so it waits its turn
        # (busy_timeout) instead of failing on upgrade with "database is locked".
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def make_engine(url: str, autocommit: bool = False) -> Engine:
    """An engine for the URL, with SQLite tuned for several writers.

    With ``autocommit`` every statement is its own transaction: for inspection tools that
    must always see the latest committed state.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
        _configure_sqlite(engine, begin_transactions=not autocommit)
        return engine
    if autocommit:
        return create_engine(url, pool_pre_ping=True, isolation_level="AUTOCOMMIT")
    return create_engine(url, pool_pre_ping=True)


class Database:
    """The engine and two session factories: one for reading, one for writing."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """A session outside a request (commands, workers); rolled back unless committed."""
        factory = self.write_sessions if write else self.read_sessions
        session = factory()
        try:
            yield session
        finally:
            session.close()


def init_app(app: Flask, url: str) -> Database:
    database = Database(url)
    app.extensions["coordination.db"] = database
    app.teardown_appcontext(close_session)
    return database


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["coordination.db"]


def get_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        database = get_database()
        writing = not has_request_context() or request.method not in SAFE_METHODS
        factory = database.write_sessions if writing else database.read_sessions
        g.db_session = factory()
    return g.db_session


def close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        # Anything not committed explicitly by the view is discarded here.
        session.close()
