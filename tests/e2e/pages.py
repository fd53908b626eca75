"""The main pages, each as someone sees it, for the accessibility and markup checkers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response, expect

from .helpers import sign_in_as
from .invitation_pages import INVITATION_PAGES
from .page_spec import PageSpec, fixed, submit_empty
from .world import World

__all__ = ["PAGES", "PAGE_PARAMS", "PageSpec", "open_as", "visit"]


def _wrong_password(page: Page) -> None:
    page.get_by_label("Email address").fill("organiser@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()


def _forgot(page: Page) -> None:
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()


IMPORT_CSV = (
    b"name,kind,country,sectors,website,notes,contact_name,contact_email,contact_title,contact_phone\n"
    b"Snapchat,company,US,Social media,https://snap.example,,Evan,evan@snap.example,CEO,\n"
    b"Apple,company,US,Technology; Devices,,,Tim,tim@apple.example,,\n"
)


def _make_token(page: Page) -> None:
    page.get_by_label("Name").fill("Visitor system")
    page.get_by_role("button", name="Make the token").click()


def _upload_csv(page: Page) -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "organisations.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV}]
    )
    page.get_by_role("button", name="Preview the import").click()


def _start_poll_untitled(page: Page) -> None:
    page.get_by_label("Title voters see").fill("")
    page.get_by_role("button", name="Start the poll").click()


PAGES = [
    PageSpec("sign-in", None, fixed("/account/sign-in")),
    PageSpec("sign-in-wrong-password", None, fixed("/account/sign-in"), 400, _wrong_password),
    PageSpec("forgot-password", None, fixed("/account/forgot")),
    PageSpec("forgot-password-sent", None, fixed("/account/forgot"), 200, _forgot),
    PageSpec("reset-password", None, lambda w: w.reset_path),
    PageSpec(
        "reset-password-errors", None, lambda w: w.reset_path, 400, submit_empty("Save password")
    ),
    PageSpec("reset-link-expired", None, fixed("/account/reset/no-such-link"), 410),
    PageSpec("dashboard-organiser", "organiser", fixed("/dashboard")),
    PageSpec("dashboard-participant", "participant", fixed("/dashboard")),
    PageSpec("change-password", "organiser", fixed("/account/password")),
    PageSpec(
        "change-password-errors",
        "organiser",
        fixed("/account/password"),
        400,
        submit_empty("Change password"),
    ),
    PageSpec("convenings-list", "organiser", fixed("/convenings/")),
    PageSpec("convenings-drafts", "organiser", fixed("/convenings/?tab=drafts")),
    PageSpec("convening-show", "organiser", lambda w: f"/convenings/{w.convening.id}"),
    PageSpec("convening-show-draft", "organiser", lambda w: f"/convenings/{w.draft.id}"),
    PageSpec(
        "convening-show-participant", "participant", lambda w: f"/convenings/{w.convening.id}"
    ),
    PageSpec("convening-new", "organiser", fixed("/convenings/new")),
    PageSpec(
        "convening-new-errors",
        "organiser",
        fixed("/convenings/new"),
        400,
        submit_empty("Create draft"),
    ),
    PageSpec("convening-edit", "organiser", lambda w: f"/convenings/{w.convening.id}/edit"),
    PageSpec("convening-team", "organiser", lambda w: f"/convenings/{w.convening.id}/team"),
    PageSpec(
        "convening-team-errors",
        "organiser",
        lambda w: f"/convenings/{w.convening.id}/team",
        400,
        submit_empty("Add to the team"),
    ),
    PageSpec("convening-clone", "organiser", lambda w: f"/convenings/{w.convening.id}/clone"),
    PageSpec("convening-audit", "organiser", lambda w: f"/convenings/{w.convening.id}/audit"),
    PageSpec("series-list", "organiser", fixed("/convenings/series")),
    PageSpec("series-show", "organiser", lambda w: f"/convenings/series/{w.series.id}"),
    PageSpec("series-new", "organiser", fixed("/convenings/series/new")),
    PageSpec(
        "series-new-errors",
        "organiser",
        fixed("/convenings/series/new"),
        400,
        submit_empty("Start the series"),
    ),
    PageSpec("directory-list", "organiser", fixed("/directory/")),
    PageSpec("directory-show", "organiser", lambda w: f"/directory/{w.host.id}"),
    PageSpec("directory-new", "organiser", fixed("/directory/new")),
    PageSpec(
        "directory-new-errors",
        "organiser",
        fixed("/directory/new"),
        400,
        submit_empty("Add organisation"),
    ),
    PageSpec("directory-edit", "organiser", lambda w: f"/directory/{w.host.id}/edit"),
    PageSpec("contact-new", "organiser", lambda w: f"/directory/{w.host.id}/contacts/new"),
    PageSpec(
        "contact-new-errors",
        "organiser",
        lambda w: f"/directory/{w.host.id}/contacts/new",
        400,
        submit_empty("Add contact"),
    ),
    PageSpec("directory-import", "admin", fixed("/directory/import")),
    PageSpec("directory-import-preview", "admin", fixed("/directory/import"), 200, _upload_csv),
    PageSpec("change-email", "coordinator", fixed("/account/email")),
    PageSpec(
        "change-email-errors",
        "participant",
        fixed("/account/email"),
        400,
        submit_empty("Send the confirmation link"),
    ),
    PageSpec("confirm-email", None, lambda w: w.confirm_email_path),
    PageSpec("confirm-email-expired", None, fixed("/account/email/confirm/no-such-link"), 410),
    PageSpec("admin-accounts", "admin", fixed("/admin/users")),
    PageSpec("admin-replies", "admin", fixed("/admin/replies")),
    PageSpec("admin-accounts-organiser", "organiser", fixed("/admin/users")),
    PageSpec("admin-account-new", "admin", fixed("/admin/users/new")),
    PageSpec(
        "admin-account-new-errors",
        "admin",
        fixed("/admin/users/new"),
        400,
        submit_empty("Create account"),
    ),
    PageSpec("admin-account", "admin", lambda w: f"/admin/users/{w.participant.id}"),
    PageSpec("admin-account-edit", "admin", lambda w: f"/admin/users/{w.participant.id}/edit"),
    PageSpec("admin-outbox", "admin", fixed("/admin/outbox")),
    PageSpec("api-tokens", "organiser", fixed("/account/tokens")),
    PageSpec("api-token-made", "participant", fixed("/account/tokens"), 201, _make_token),
    PageSpec(
        "api-tokens-errors",
        "coordinator",
        fixed("/account/tokens"),
        400,
        submit_empty("Make the token"),
    ),
    PageSpec("admin-api-tokens", "admin", fixed("/admin/tokens")),
    PageSpec("api-reference", None, fixed("/api/v1/reference")),
    PageSpec("webhooks-convening", "organiser", lambda w: f"/convenings/{w.convening.id}/webhooks"),
    PageSpec(
        "webhooks-convening-errors",
        "organiser",
        lambda w: f"/convenings/{w.convening.id}/webhooks",
        400,
        submit_empty("Subscribe"),
    ),
    PageSpec("webhooks-admin", "admin", fixed("/admin/webhooks")),
    # The date poll before it starts; its grid and ballot are in test_poll_pages_checks.
    PageSpec("poll-start", "organiser", lambda w: f"/convenings/{w.draft.id}/poll"),
    PageSpec(
        "poll-start-errors",
        "organiser",
        lambda w: f"/convenings/{w.draft.id}/poll",
        400,
        _start_poll_untitled,
    ),
    PageSpec("poll-link-gone", None, fixed("/poll/no-such-link"), 410),
    PageSpec("admin-audit", "admin", fixed("/admin/audit")),
    *INVITATION_PAGES,
    PageSpec("error-403", "participant", fixed("/admin/users"), 403),
    PageSpec("error-404", "organiser", fixed("/convenings/999999"), 404),
    PageSpec("error-405", "organiser", fixed("/account/sign-out"), 405),
]

PAGE_PARAMS = [pytest.param(spec, id=spec.name) for spec in PAGES]


def visit(page: Page, spec: PageSpec, world: World) -> Response:
    """Open the page (and do its action); answer the response that produced what is shown."""
    if spec.before is not None:
        page.goto(spec.before(world))
    response = page.goto(spec.path(world))
    if spec.action is not None:
        with page.expect_response(lambda r: r.request.is_navigation_request()) as answered:
            spec.action(page)
        response = answered.value
        page.wait_for_load_state()
    assert response is not None
    assert response.status == spec.status, (
        f"{spec.name}: {spec.path(world)} answered {response.status}, not {spec.status}"
    )
    if spec.heading is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(spec.heading)
    return response


def open_as(page: Page, spec: PageSpec, world: World) -> Response:
    """Sign in as the page's person, then visit it."""
    user = world.user(spec.role)
    if user is not None:
        sign_in_as(page, user)
    return visit(page, spec, world)
