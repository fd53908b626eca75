"""Helpers shared by the tests of the RSVP board, attendee list and check-in."""

from __future__ import annotations

import html
import itertools
import re

from coordination.models import AttendanceMode, Delegate, DelegateStatus, Invitation

_numbers = itertools.count(1)


def add_delegate(
    session,
    invitation: Invitation,
    name: str,
    *,
    email: str | None = None,
    head: bool = False,
    remote: bool = False,
    commit: bool = True,
    **fields,
) -> Delegate:
    """A confirmed delegate of the invitation (pass status= to cancel them)."""
    email = email or f"delegate{next(_numbers)}@example.org"
    delegate = Delegate(
        invitation=invitation,
        name=name,
        email=email,
        email_normalized=email.lower(),
        is_head=head,
        attendance=AttendanceMode.REMOTE if remote else AttendanceMode.IN_PERSON,
        status=fields.pop("status", DelegateStatus.CONFIRMED),
        **fields,
    )
    session.add(delegate)
    if commit:
        session.commit()
    return delegate


def text_of(response) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())
