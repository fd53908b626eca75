"""axe-core and the Nu Html Checker over the action pages and the tracker, as each person who
sees them: the team's list and a participant's, the create, bulk and edit forms (also
refused), an action with its history as the team and as its owner, "My actions", and the
tracker's list, board and totals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from .briefing_action_world import (
    APPLE_ACTION,
    CARRIED_ACTION,
    EMBASSY_ACTION,
    BriefingActionWorld,
    Spec,
    arranged,
    assert_valid,
    check_accessible,
    check_markup,
    params,
)

pytestmark = pytest.mark.shared_world


def _list(suffix: str = "") -> Callable[[BriefingActionWorld], str]:
    return lambda w: f"/convenings/{w.world.convening.id}/actions{suffix}"


def _new_from_decision(w: BriefingActionWorld) -> str:
    item = w.items["Takedown figures"]
    query = f"agenda_item={item.id}&decision={w.decision.id}"
    return f"/convenings/{w.world.convening.id}/actions/new?{query}"


def _of(title: str, suffix: str = "") -> Callable[[BriefingActionWorld], str]:
    return lambda w: f"/actions/{w.action(title).id}{suffix}"


def _fixed(path: str) -> Callable[[BriefingActionWorld], str]:
    return lambda _w: path


def _record_empty(page: Page) -> None:
    page.get_by_role("button", name="Record the action").click()


def _bulk_row_without_owner(page: Page) -> None:
    page.locator("input[name='rows-0-title']").fill("Send the takedown figures")
    page.get_by_role("button", name="Record these actions").click()


def _clear_title(page: Page) -> None:
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()


def _save_nothing(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()


PAGES = [
    Spec("actions-team", "coordinator", _list(), shows=EMBASSY_ACTION),
    Spec("actions-team-filtered", "organiser", _list("?status=blocked"), shows=EMBASSY_ACTION),
    Spec("actions-participant", "participant", _list(), shows=APPLE_ACTION),
    Spec("action-new", "coordinator", _new_from_decision, shows="New action"),
    Spec(
        "action-new-errors",
        "coordinator",
        _list("/new"),
        400,
        _record_empty,
        shows="There is a problem",
    ),
    Spec("actions-bulk", "coordinator", _list("/bulk"), shows="Several actions at once"),
    Spec(
        "actions-bulk-errors",
        "coordinator",
        _list("/bulk"),
        400,
        _bulk_row_without_owner,
        shows="Choose the organisation that owns this action.",
    ),
    Spec("action-edit", "coordinator", _of(APPLE_ACTION, "/edit"), shows="Save changes"),
    Spec(
        "action-edit-errors",
        "organiser",
        _of(EMBASSY_ACTION, "/edit"),
        400,
        _clear_title,
        shows="There is a problem",
    ),
    Spec("action-team", "coordinator", _of(APPLE_ACTION), shows="Drafting the summary."),
    Spec("action-carried-offer", "organiser", _of(EMBASSY_ACTION), shows="Carry over"),
    Spec("action-carried", "coordinator", _of(CARRIED_ACTION), shows="Carried over to"),
    Spec(
        "action-successor",
        "organiser",  # the next convening's team
        lambda w: f"/actions/{w.successor.id}",
        shows="Started with video takedowns.",
    ),
    Spec("action-owner", "participant", _of(APPLE_ACTION), shows="Status and progress"),
    Spec(
        "action-owner-errors",
        "participant",
        _of(APPLE_ACTION),
        400,
        _save_nothing,
        shows="Choose a new status or write a progress note.",
    ),
    Spec("my-actions", "participant", _fixed("/my/actions"), shows=APPLE_ACTION),
    Spec("my-actions-none", "coordinator", _fixed("/my/actions"), shows="Nothing is owned"),
    Spec("tracker", "coordinator", _fixed("/tracker"), shows=EMBASSY_ACTION),
    Spec(
        "tracker-filtered",
        "organiser",
        _fixed("/tracker?overdue=y&sort=due"),
        shows=EMBASSY_ACTION,
    ),
    Spec(
        "tracker-bad-filter",
        "coordinator",
        _fixed("/tracker?status=lost&organisation=nobody"),
        400,
        shows="No actions are shown until the filters are corrected.",
    ),
    Spec("tracker-board", "coordinator", _fixed("/tracker/board"), shows="Blocked"),
    Spec(
        "tracker-organisations",
        "coordinator",
        _fixed("/tracker/organisations"),
        shows="British Embassy",
    ),
]


@pytest.fixture(scope="module")
def world(shared_world, local_app, inspection_engine) -> BriefingActionWorld:
    return arranged(shared_world, local_app, inspection_engine)


@pytest.mark.parametrize("spec", params(PAGES))
def test_action_page_has_no_accessibility_violations(page_as, world, spec):
    check_accessible(page_as(spec.role), spec, world)


@pytest.fixture(scope="module")
def checked_pages(role_pages, world, tmp_path_factory):
    return check_markup(role_pages, PAGES, world, tmp_path_factory.mktemp("action-html"))


@pytest.mark.parametrize("spec", params(PAGES))
def test_action_page_is_valid_html(checked_pages, spec):
    assert_valid(checked_pages[spec.name], spec)


def test_participant_sees_only_their_organisations_actions(page_as, world):
    page = page_as("participant")

    for path in (_list()(world), "/my/actions"):
        page.goto(path)
        assert APPLE_ACTION in page.content()
        assert EMBASSY_ACTION not in page.content()
