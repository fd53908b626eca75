"""axe-core and the Nu Html Checker over the agenda, minutes and calendar feed pages.

The pages are seen by the shared World's people (see agenda_world): the builder with an
overrun, a fixed start and unpublished changes; two published versions; minutes with an
edited, a restricted and a deleted entry.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy.orm import Session

from .agenda_world import AgendaArrange, AgendaWorld
from .checkers import assert_accessible, describe_html_errors, validate_html

pytestmark = pytest.mark.shared_world


@dataclass(frozen=True)
class Spec:
    name: str
    role: str  # a World attribute: whose signed-in tab
    path: Callable[[AgendaWorld], str]
    status: int = 200
    action: Callable[[Page], None] | None = None
    # Text the page must show, so that it is checked in the state it is meant to be in.
    shows: str | None = None


def _item_with_mistakes(page: Page) -> None:
    page.get_by_label("Duration in minutes").fill("0")
    page.get_by_label("Organisations of chosen kinds").check()
    page.get_by_role("button", name="Add to the agenda").click()


def _make_feed(page: Page) -> None:
    # The first checker makes the feed; the second replaces it (after confirming).
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Make (my feed|a new) address$")).click()


def _agenda(suffix: str = "") -> Callable[[AgendaWorld], str]:
    return lambda w: f"/convenings/{w.world.convening.id}/agenda{suffix}"


def _fixed(path: str) -> Callable[[AgendaWorld], str]:
    return lambda _world: path


def _minutes(suffix: str = "") -> Callable[[AgendaWorld], str]:
    return lambda w: f"/convenings/{w.world.convening.id}/minutes{suffix}"


def _item_new(w: AgendaWorld) -> str:
    return f"/convenings/{w.world.convening.id}/agenda/items/new"


PAGES = [
    Spec("agenda-builder", "organiser", _agenda("/builder"), shows="past the convening's end"),
    Spec("agenda-item-new", "organiser", _item_new, shows="New agenda item"),
    Spec(
        "agenda-item-new-errors",
        "organiser",
        _item_new,
        400,
        _item_with_mistakes,
        shows="Choose at least one kind of organisation.",
    ),
    Spec(
        "agenda-item-edit",
        "organiser",
        lambda w: f"/agenda/items/{w.item('Lunch').id}/edit",
        shows="Edit “Lunch”",
    ),
    Spec("agenda-show-team", "organiser", _agenda(), shows="Published agenda, version 2"),
    Spec("agenda-show-coordinator", "coordinator", _agenda(), shows="Draft agenda"),
    Spec(
        "agenda-show-preview",
        "organiser",
        lambda w: f"/convenings/{w.world.convening.id}/agenda?as={w.world.invited.id}",
        shows="previewing the published agenda as Apple sees it",
    ),
    Spec("agenda-show-participant", "participant", _agenda(), shows="Takedown figures"),
    Spec(
        "agenda-show-other-zone",
        "participant",
        _agenda("?zone=Europe/London"),
        shows="in brackets in Europe/London",
    ),
    Spec(
        "agenda-show-unknown-zone",
        "participant",
        _agenda("?zone=Mars/Olympus"),
        400,
        shows="Enter a time zone from the list",
    ),
    Spec("agenda-history", "organiser", _agenda("/history"), shows="Renamed"),
    Spec("minutes-team", "coordinator", _minutes(), shows="Deleted entries"),
    Spec("minutes-organiser", "organiser", _minutes(), shows="Withdraw from participants"),
    Spec("minutes-participant", "participant", _minutes(), shows="Apple will share its figures"),
    Spec(
        "minutes-unpublished",
        "participant",
        lambda w: f"/convenings/{w.debrief.id}/minutes",
        shows="have not been published yet",
    ),
    Spec("minute-edit", "coordinator", _minutes("/{note}/edit"), shows="Edit note"),
    Spec("minute-history", "coordinator", _minutes("/{note}/history"), shows="Version 1"),
    Spec("calendar-feed-none", "coordinator", _fixed("/calendar/feed"), shows="no calendar feed"),
    Spec(
        "calendar-feed-made",
        "participant",
        _fixed("/calendar/feed"),
        200,
        _make_feed,
        shows="Your feed address",
    ),
    Spec("calendar-feed-existing", "admin", _fixed("/calendar/feed"), shows="shown once"),
]
PARAMS = [pytest.param(spec, id=spec.name) for spec in PAGES]


def path_of(spec: Spec, world: AgendaWorld) -> str:
    return spec.path(world).replace("{note}", str(world.note.id))


@pytest.fixture(scope="module")
def agenda_world(shared_world, local_app, inspection_engine) -> AgendaWorld:
    with local_app.app_context(), Session(inspection_engine, expire_on_commit=False) as session:
        return AgendaArrange(session, local_app).agenda_world(shared_world)


def visit(page: Page, spec: Spec, world: AgendaWorld) -> Response:
    """Open the page (and do its action); answer the response whose page is shown."""
    response = page.goto(path_of(spec, world))
    if spec.action is not None:
        with page.expect_response(
            lambda r: r.request.is_navigation_request() and not 300 <= r.status < 400
        ) as answered:
            spec.action(page)
        response = answered.value
        page.wait_for_load_state()
    assert response is not None
    assert response.status == spec.status, (
        f"{spec.name}: {path_of(spec, world)} answered {response.status}, not {spec.status}"
    )
    return response


@pytest.mark.parametrize("spec", PARAMS)
def test_agenda_page_has_no_accessibility_violations(page_as, agenda_world, spec):
    page = page_as(spec.role)

    visit(page, spec, agenda_world)

    if spec.shows:
        expect(page.locator("main")).to_contain_text(spec.shows)
    assert_accessible(page)


@dataclass
class Checked:
    status: int
    path: Path
    errors: list[dict]


@pytest.fixture(scope="module")
def checked_pages(role_pages, agenda_world, tmp_path_factory) -> dict[str, Checked]:
    """Every page as its user gets it from the server, checked in one run of the JVM."""
    folder = tmp_path_factory.mktemp("agenda-html")
    fetched: dict[str, tuple[int, Path]] = {}
    for spec in PAGES:
        tab = role_pages(spec.role)
        if spec.action is None:
            answer = tab.context.request.get(path_of(spec, agenda_world), max_redirects=0)
            status, body = answer.status, answer.text()
        else:
            response = visit(tab, spec, agenda_world)
            status, body = response.status, response.text()
        path = folder / f"{spec.name}.html"
        path.write_text(body, encoding="utf-8")
        fetched[spec.name] = (status, path)
    errors = validate_html([path for _status, path in fetched.values()])
    return {
        name: Checked(status, path, errors[path.resolve()])
        for name, (status, path) in fetched.items()
    }


@pytest.mark.parametrize("spec", PARAMS)
def test_agenda_page_is_valid_html(checked_pages, spec):
    checked = checked_pages[spec.name]

    assert checked.status == spec.status, f"{spec.name} answered {checked.status}"
    if spec.shows:
        assert spec.shows in html.unescape(checked.path.read_text(encoding="utf-8"))
    if checked.errors:
        report = describe_html_errors(checked.path, checked.errors)
        pytest.fail(f"Nu Html Checker errors in {spec.name}:\n{report}", pytrace=False)
