"""What a person does in the browser, in a few words."""

from __future__ import annotations

import re

from playwright.sync_api import Dialog, Locator, Page, expect

from coordination.models import User

from .servers import Received
from .world import PASSWORD

LINK = re.compile(r"https?://\S+/account/reset/\S+")


def sign_in(page: Page, user: User | str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form; lands wherever the application sends us."""
    email = user if isinstance(user, str) else user.email
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_as(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in and check it worked, for journeys that start signed in."""
    sign_in(page, user, password)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.name}")


def link_in(text: str) -> str:
    """The password link of an email's text."""
    found = LINK.search(text)
    assert found, f"no password link in the email:\n{text}"
    return found.group(0)


RSVP_LINK = re.compile(r"https?://\S+/rsvp/[\w-]+")


def rsvp_link_in(text: str) -> str:
    """The invitation link of an email's text."""
    found = RSVP_LINK.search(text)
    assert found, f"no invitation link in the email:\n{text}"
    return found.group(0)


def flashes(page: Page) -> Locator:
    """The messages the application shows after an action."""
    return page.locator(".flashes .flash")


def accept_confirmations(page: Page) -> list[str]:
    """Say OK to every confirmation the page asks for (with JavaScript); answer their texts."""
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def calendar_files(received: Received) -> dict[str, str]:
    """The email's attached calendar files, by file name."""
    files = {}
    for part in received.message.iter_attachments():
        content = part.get_content()
        files[part.get_filename()] = content.decode() if isinstance(content, bytes) else content
    return files
