"""What the board, attendee and check-in pages share: their page frame and what they load."""

from __future__ import annotations

from flask import current_app, render_template

from ...models import Convening
from ...permissions import load

CONVENING = load(Convening, "convening_id", "convening")
MANAGE_ENDPOINT = "invitations.manage"


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def render_page(template: str, **context):
    """Render one of these pages; the sub-navigation links to managing where it exists."""
    return render_template(
        f"invitations/board/{template}", manage_page=has_endpoint(MANAGE_ENDPOINT), **context
    )
