"""What the page checkers need to know of a page: whose, where, and what to do first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page

from .world import World


@dataclass(frozen=True)
class PageSpec:
    name: str
    role: str | None  # whose browser: a World attribute, or None for nobody signed in
    path: Callable[[World], str]
    status: int = 200
    # Something to do on the page first, such as sending a form with mistakes.
    action: Callable[[Page], None] | None = None
    # A link to follow before the page, such as the invitation link that grants answering.
    before: Callable[[World], str] | None = None
    # The page's main heading, to be sure it is the page meant (not a sign-in redirect).
    heading: str | None = None


def submit_empty(button: str) -> Callable[[Page], None]:
    def submit(page: Page) -> None:
        page.get_by_role("button", name=button).click()

    return submit


def fixed(path: str) -> Callable[[World], str]:
    return lambda _world: path
