"""axe-core and the Nu Html Checker over the briefing documents pages, as each person who sees
them: the team's list with a deleted document, a participant's list without the
government-only briefing, the upload form (also refused), a document with two versions, its
edit and new-version forms, and the receipts per document and per organisation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from .briefing_action_world import (
    DELETED_BRIEFING,
    EMBARGOED_BRIEFING,
    EVERYONE_BRIEFING,
    GOVERNMENT_BRIEFING,
    BriefingActionWorld,
    Spec,
    arranged,
    assert_valid,
    check_accessible,
    check_markup,
    params,
)

pytestmark = pytest.mark.shared_world


def _documents(w: BriefingActionWorld) -> str:
    return f"/convenings/{w.world.convening.id}/documents"


def _new(w: BriefingActionWorld) -> str:
    return f"/convenings/{w.world.convening.id}/documents/new"


def _of(title: str, suffix: str = "") -> Callable[[BriefingActionWorld], str]:
    return lambda w: f"/documents/{w.document(title).id}{suffix}"


def _upload_without_a_file(page: Page) -> None:
    page.get_by_label("Title", exact=True).fill("x" * 300)
    page.get_by_label("Organisations of chosen kinds").check()
    page.get_by_role("button", name="Upload").click()


def _replace_without_a_file(page: Page) -> None:
    page.get_by_role("button", name="Upload the new version").click()


def _edit_without_kinds(page: Page) -> None:
    page.get_by_label("Government agency", exact=True).uncheck()
    page.get_by_role("button", name="Save changes").click()


def _open_briefings(page: Page) -> None:
    page.get_by_role("link", name="Briefing documents for Apple").click()


def _organisation_receipts(w: BriefingActionWorld) -> str:
    return f"/convenings/{w.world.convening.id}/receipts/{w.world.invited.id}"


PAGES = [
    Spec("documents-team", "organiser", _documents, shows=DELETED_BRIEFING),
    Spec("documents-coordinator", "coordinator", _documents, shows=GOVERNMENT_BRIEFING),
    Spec("documents-participant", "participant", _documents, shows=EVERYONE_BRIEFING),
    Spec(
        "documents-link-holder",
        None,
        lambda w: w.world.rsvp_link,
        action=_open_briefings,
        shows=EVERYONE_BRIEFING,
    ),
    Spec("document-embargoed", "organiser", _of(EMBARGOED_BRIEFING), shows="Embargo"),
    Spec("document-new", "organiser", _new, shows="Upload a briefing document"),
    Spec(
        "document-new-errors",
        "organiser",
        _new,
        400,
        _upload_without_a_file,
        shows="Choose the file to upload.",
    ),
    Spec("document-show", "organiser", _of(EVERYONE_BRIEFING), shows="edition-2.pdf"),
    Spec("document-show-coordinator", "coordinator", _of(GOVERNMENT_BRIEFING), shows="Versions"),
    Spec("document-show-deleted", "organiser", _of(DELETED_BRIEFING), shows="Restore"),
    Spec("document-edit", "organiser", _of(EVERYONE_BRIEFING, "/edit"), shows="Save changes"),
    Spec(
        "document-replace",
        "organiser",
        _of(GOVERNMENT_BRIEFING, "/replace"),
        shows="Upload a new version",
    ),
    Spec(
        "document-replace-errors",
        "organiser",
        _of(GOVERNMENT_BRIEFING, "/replace"),
        400,
        _replace_without_a_file,
        shows="Choose the file to upload.",
    ),
    Spec(
        "document-edit-errors",
        "organiser",
        _of(GOVERNMENT_BRIEFING, "/edit"),
        400,
        _edit_without_kinds,
        shows="There is a problem",
    ),
    Spec(
        "document-receipts",
        "coordinator",
        _of(EVERYONE_BRIEFING, "/receipts"),
        shows="Every download",
    ),
    Spec(
        "organisation-receipts",
        "coordinator",
        _organisation_receipts,
        shows="Briefings received by Apple",
    ),
]


@pytest.fixture(scope="module")
def world(shared_world, local_app, inspection_engine) -> BriefingActionWorld:
    return arranged(shared_world, local_app, inspection_engine)


@pytest.mark.parametrize("spec", params(PAGES))
def test_briefing_page_has_no_accessibility_violations(page_as, world, spec):
    check_accessible(page_as(spec.role), spec, world)


@pytest.fixture(scope="module")
def checked_pages(role_pages, world, tmp_path_factory):
    return check_markup(role_pages, PAGES, world, tmp_path_factory.mktemp("briefing-html"))


@pytest.mark.parametrize("spec", params(PAGES))
def test_briefing_page_is_valid_html(checked_pages, spec):
    assert_valid(checked_pages[spec.name], spec)


def test_participant_list_leaves_out_what_is_not_meant_for_them(page_as, world):
    page = page_as("participant")

    page.goto(_documents(world))

    titles = page.locator(".briefings-list .card__title")
    assert titles.all_inner_texts() == [EVERYONE_BRIEFING]
    for hidden in (GOVERNMENT_BRIEFING, EMBARGOED_BRIEFING, DELETED_BRIEFING):
        assert hidden not in page.content()
