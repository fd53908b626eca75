"""Small helpers shared by the sign-in and administration tests."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.models import OutboxMessage
from tests.factories import PASSWORD

SIGN_IN = "/account/sign-in"
LINK = re.compile(r"(https?://\S+/account/reset/[A-Za-z0-9_\-]+)")


def sign_in(
    client,
    email: str,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    next: str | None = None,
    address: str | None = None,
):
    data = {"email": email, "password": password, "remember": "y" if remember else ""}
    if next is not None:
        data["next"] = next
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post(SIGN_IN, data=data, environ_base=environ)


def is_signed_in(client) -> bool:
    response = client.get("/dashboard")
    return response.status_code == 200


def error_summary(response) -> str:
    """The text of the page's error summary, whitespace collapsed."""
    html = response.get_data(as_text=True)
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    if not match:
        return ""
    text = re.sub(r"<[^>]+>", " ", match.group(0))
    return " ".join(unescape(text).split())


def messages_to(db: Session, email: str) -> list[OutboxMessage]:
    db.expire_all()
    return [
        message
        for message in db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        if email in message.recipients
    ]


def link_in(message: OutboxMessage) -> str:
    match = LINK.search(message.text_body)
    assert match, message.text_body
    return match.group(1)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]
