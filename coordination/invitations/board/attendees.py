"""The attendee list: confirmed delegates by organisation, on screen, on paper and as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload

from ...models import (
    AttendanceMode,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    Organisation,
)
from ...timezones import utc_to_local
from .board import SEATED_STATUSES


@dataclass
class Delegation:
    """One organisation's delegates, head of delegation first."""

    invitation: Invitation
    delegates: list[Delegate]

    @property
    def organisation(self) -> Organisation:
        return self.invitation.organisation


@dataclass
class AttendeeList:
    delegations: list[Delegation]

    @property
    def delegates(self) -> list[Delegate]:
        return [delegate for group in self.delegations for delegate in group.delegates]

    @property
    def in_person(self) -> int:
        return sum(1 for d in self.delegates if d.attendance is AttendanceMode.IN_PERSON)

    @property
    def remote(self) -> int:
        return len(self.delegates) - self.in_person

    @property
    def arrived(self) -> int:
        return sum(1 for d in self.delegates if d.checked_in_at is not None)


def expected_delegates(session: Session, convening: Convening) -> list[Delegate]:
    """Confirmed delegates of accepted and tentative invitations, by organisation, head first.

    One query, with each delegate's invitation, organisation and check-in recorder.
    """
    statement = (
        select(Delegate)
        .join(Delegate.invitation)
        .join(Invitation.organisation)
        .where(
            Invitation.convening_id == convening.id,
            Invitation.status.in_(SEATED_STATUSES),
            Delegate.status == DelegateStatus.CONFIRMED,
        )
        .options(
            contains_eager(Delegate.invitation).contains_eager(Invitation.organisation),
            joinedload(Delegate.checked_in_by),
        )
        .order_by(
            Organisation.name_normalized,
            Invitation.id,
            Delegate.is_head.desc(),
            Delegate.name,
            Delegate.id,
        )
    )
    return list(session.scalars(statement).unique())


def attendee_list(session: Session, convening: Convening) -> AttendeeList:
    """The expected delegates grouped by organisation (sorted by name)."""
    delegations: list[Delegation] = []
    for delegate in expected_delegates(session, convening):
        if not delegations or delegations[-1].invitation is not delegate.invitation:
            delegations.append(Delegation(invitation=delegate.invitation, delegates=[]))
        delegations[-1].delegates.append(delegate)
    return AttendeeList(delegations=delegations)


def local_stamp(delegate: Delegate, convening: Convening) -> str:
    """When the delegate arrived, on the convening's wall clock, or nothing."""
    if delegate.checked_in_at is None:
        return ""
    return utc_to_local(delegate.checked_in_at, convening.timezone).strftime("%Y-%m-%d %H:%M")


def csv_header(convening: Convening) -> list[str]:
    return [
        "Organisation",
        "Kind",
        "Answer",
        "Name",
        "Title",
        "Email",
        "Head of delegation",
        "Attendance",
        "Accessibility needs",
        "Dietary needs",
        f"Arrived ({convening.timezone})",
    ]


def csv_rows(convening: Convening, attendees: AttendeeList) -> Iterator[list[str]]:
    """The header, then one row per delegate in the order of the printed list."""
    yield csv_header(convening)
    for group in attendees.delegations:
        organisation = group.organisation
        for delegate in group.delegates:
            yield [
                organisation.name,
                organisation.kind.label,
                group.invitation.status.label,
                delegate.name,
                delegate.title or "",
                delegate.email,
                "Yes" if delegate.is_head else "No",
                delegate.attendance.label,
                delegate.accessibility_needs or "",
                delegate.dietary_needs or "",
                local_stamp(delegate, convening),
            ]
