"""Check-in on the day: find a delegate fast and record (or undo) their arrival."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ... import audit
from ...models import (
    AttendanceMode,
    Convening,
    ConveningStatus,
    Delegate,
    DelegateStatus,
    utcnow,
)
from ...principal import Principal
from ...service import InputError
from .attendees import expected_delegates
from .board import SEARCH_MAX, SEATED_STATUSES, matches


@dataclass
class CheckInPage:
    query: str
    results: list[Delegate]
    expected: int
    arrived: int
    expected_in_person: int


def check_in_page(session: Session, convening: Convening, query: str) -> CheckInPage:
    """Expected delegates matching the query (name, organisation or email), and the counts."""
    query = " ".join(query.split())[:SEARCH_MAX]
    delegates = expected_delegates(session, convening)
    results = [
        delegate
        for delegate in delegates
        if matches(query, delegate.name, delegate.invitation.organisation.name, delegate.email)
    ]
    return CheckInPage(
        query=query,
        results=results,
        expected=len(delegates),
        arrived=sum(1 for delegate in delegates if delegate.checked_in_at is not None),
        expected_in_person=sum(
            1 for delegate in delegates if delegate.attendance is AttendanceMode.IN_PERSON
        ),
    )


def _label(delegate: Delegate) -> str:
    return f"{delegate.name} ({delegate.invitation.organisation.name})"


def _lock(session: Session, delegate: Delegate) -> None:
    # Two desks may click at once; re-read the row under a lock (PostgreSQL) so the second
    # sees the first one's arrival. SQLite's write transaction is already exclusive.
    session.refresh(delegate, with_for_update=True)


def mark_arrived(
    session: Session, principal: Principal, delegate: Delegate, now: datetime | None = None
) -> bool:
    """Record that the delegate has arrived; False if they were already marked."""
    actor = principal.user
    _lock(session, delegate)
    invitation = delegate.invitation
    if invitation.convening.status is ConveningStatus.CANCELLED:
        raise InputError("This convening is cancelled, so arrivals are not recorded.")
    if delegate.status is not DelegateStatus.CONFIRMED:
        raise InputError(f"{delegate.name} is no longer a delegate: their place was cancelled.")
    if invitation.status not in SEATED_STATUSES:
        raise InputError(
            f"{delegate.name} is not expected: the invitation of "
            f"{invitation.organisation.name} is {invitation.status.label.lower()}."
        )
    if delegate.checked_in_at is not None:
        return False
    delegate.checked_in_at = now or utcnow()
    delegate.checked_in_by = actor
    audit.record(
        session,
        actor,
        "delegate.arrived",
        delegate,
        changes={"checked_in_at": [None, delegate.checked_in_at]},
        convening_id=invitation.convening_id,
        label=_label(delegate),
    )
    return True


def unmark_arrived(session: Session, principal: Principal, delegate: Delegate) -> bool:
    """Undo an arrival recorded by mistake; False if none was recorded."""
    actor = principal.user
    _lock(session, delegate)
    if delegate.checked_in_at is None:
        return False
    before = delegate.checked_in_at
    delegate.checked_in_at = None
    delegate.checked_in_by = None
    audit.record(
        session,
        actor,
        "delegate.arrival_undone",
        delegate,
        changes={"checked_in_at": [before, None]},
        convening_id=delegate.invitation.convening_id,
        label=_label(delegate),
    )
    return True
