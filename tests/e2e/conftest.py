"""Browser tests: the application in its own server process, a real SMTP server, Chromium.

One server and one browser serve the whole run. Each journey gets fresh browser contexts
and an empty database, and runs with JavaScript on and off; the page checkers (modules
marked ``shared_world``) share one arranged World and one signed-in tab per person.
A failing test leaves a full-page screenshot in tests/artifacts/<test name>.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import text
from sqlalchemy.orm import Session

from coordination import create_app
from coordination.db import Database, get_database, make_engine

from .helpers import sign_in_as
from .servers import (
    PROJECT_ROOT,
    LiveServer,
    flask_command,
    free_port,
    server_environment,
    start_smtp,
)
from .world import Arrange, World, delete_all_rows

POSTGRES_URL_VARIABLE = "COORDINATION_TEST_DATABASE_URL"
E2E_SCHEMA = "e2e"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is None or report.failed


def _run_on_postgresql(url: str, statement: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory) -> Iterator[str]:
    """A SQLite file, or a schema of this run's own in the PostgreSQL database given.

    The schema keeps the browser tests' tables apart from the unit tests' (which empty
    the public schema) and from another run's.
    """
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.sqlite3'}"
        return
    schema = f"{E2E_SCHEMA}_{os.getpid()}"
    _run_on_postgresql(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    _run_on_postgresql(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(scope="session")
def smtp_server():
    controller, mailbox = start_smtp()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """The messages the SMTP server received during this test."""
    _controller, mailbox = smtp_server
    mailbox.clear()
    return mailbox


@pytest.fixture(scope="session")
def live_server(e2e_database_url, smtp_server, tmp_path_factory) -> Iterator[LiveServer]:
    """The application migrated and served by gunicorn, configured only by its environment."""
    controller, _mailbox = smtp_server
    port = free_port()
    folder = tmp_path_factory.mktemp("e2e-server")
    environment = server_environment(e2e_database_url, folder / "instance", port, controller.port)
    flask_command(environment, "db", "upgrade")
    server = LiveServer(environment, port, folder / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def local_app(live_server, e2e_database_url, tmp_path_factory):
    """An application object in this process, on the server's database, for arranging data."""
    return create_app(
        {
            "DATABASE_URL": e2e_database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("e2e-local")),
            "SECRET_KEY": "e2e-local",
            "BASE_URL": live_server.url,
            # Files written while arranging go where the server reads them.
            "DOCUMENTS_DIR": str(
                Path(live_server.environment["COORDINATION_INSTANCE_PATH"]) / "documents"
            ),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "MAIL_BACKEND": "log",
            "MAIL_DELIVER_AFTER_REQUEST": False,
        }
    )


@pytest.fixture(scope="session")
def database(local_app) -> Iterator[Database]:
    database = get_database(local_app)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="session")
def inspection_engine(e2e_database_url):
    """Every statement commits on its own, so the server never waits for the tests' reads."""
    engine = make_engine(e2e_database_url, autocommit=True)
    yield engine
    engine.dispose()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shared_world: the module's tests share one arranged World (see shared_world)"
    )


@pytest.fixture(autouse=True)
def clean_database(request, database):
    """Each test starts from empty tables, unless its module shares one World."""
    if request.node.get_closest_marker("shared_world") is None:
        delete_all_rows(database)


@pytest.fixture(scope="module")
def shared_world(database, local_app, inspection_engine) -> World:
    """One World for a whole module of read-only checks, arranged on empty tables."""
    delete_all_rows(database)
    with local_app.app_context(), Session(inspection_engine, expire_on_commit=False) as session:
        return Arrange(session, local_app).world()


@pytest.fixture
def db(local_app, inspection_engine) -> Iterator[Session]:
    """A session on the server's database, for arranging and checking rows."""
    with local_app.app_context(), Session(inspection_engine) as session:
        yield session


@pytest.fixture
def arrange(db, local_app) -> Arrange:
    return Arrange(db, local_app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _screenshot_name(request, suffix: str) -> str:
    return re.sub(r"[^\w.-]+", "_", request.node.name).strip("_") + suffix + ".png"


def _keep_evidence(request, page: Page, live_server: LiveServer, suffix: str = "") -> None:
    """After a failed test, a full-page screenshot of what the browser showed."""
    path = ARTIFACTS / _screenshot_name(request, suffix)
    if not _failed(request):
        path.unlink(missing_ok=True)  # no stale picture of an earlier failure
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot of {page.url}: {path}")
    print(f"server log (last lines):\n{live_server.log_tail()}")


def _new_page(browser: Browser, live_server: LiveServer, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request) -> bool:
    """Every journey runs with JavaScript on and with it off."""
    return request.param


@pytest.fixture
def page(browser, live_server, request, javascript) -> Iterator[Page]:
    """A fresh browser tab (its own cookies), with or without JavaScript."""
    tab = _new_page(browser, live_server, java_script_enabled=javascript)
    try:
        yield tab
        _keep_evidence(request, tab, live_server)
    finally:
        tab.context.close()


@pytest.fixture
def second_person(browser, live_server, request, javascript) -> Iterator[Callable[[], Page]]:
    """Open a browser for another person (own cookies), browsing the same way as ``page``."""
    opened: list[Page] = []

    def open_page() -> Page:
        opened.append(_new_page(browser, live_server, java_script_enabled=javascript))
        return opened[-1]

    try:
        yield open_page
        for number, tab in enumerate(opened, start=2):
            _keep_evidence(request, tab, live_server, f"-person{number}")
    finally:
        for tab in opened:
            tab.context.close()


@pytest.fixture(scope="module")
def role_pages(browser, live_server, shared_world) -> Iterator[Callable[[str | None], Page]]:
    """One tab per member of the shared World (JavaScript on), signed in once per module."""
    tabs: dict[str | None, Page] = {}

    def tab_of(role: str | None) -> Page:
        if role not in tabs:
            tabs[role] = _new_page(browser, live_server)
            if role is not None:
                sign_in_as(tabs[role], shared_world.user(role))
        return tabs[role]

    yield tab_of
    for tab in tabs.values():
        tab.context.close()


@pytest.fixture
def page_as(role_pages, request, live_server) -> Iterator[Callable[[str | None], Page]]:
    """The tab of a member of the shared World (None: nobody signed in)."""
    used: list[Page] = []

    def tab_of(role: str | None) -> Page:
        used.append(role_pages(role))
        return used[-1]

    yield tab_of
    for number, tab in enumerate(used):
        _keep_evidence(request, tab, live_server, f"-{number + 1}" if number else "")
