"""The demonstration's invitations and delegations: every answer, named people, arrivals.

Like the rest of the demo, each step adds only what is missing: an invitation that exists is
left as it is, and an invitation that already names delegates gets no more.
"""

from __future__ import annotations

import unicodedata
import zlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..invitations.links import issue_link
from ..models import (
    AttendanceMode,
    Contact,
    Convening,
    ConveningStatus,
    Delegate,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    SeatRequestStatus,
    User,
)
from . import data

if TYPE_CHECKING:
    from .seed import SeedReport

S = InvitationStatus
SEATED = (S.ACCEPTED, S.TENTATIVE)
ANSWERED = (S.ACCEPTED, S.TENTATIVE, S.DECLINED)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _focal_point(session: Session, organisation: Organisation) -> Contact | None:
    """The demo account's contact for Apple and the Embassy, else the generated focal point."""
    email = data.FOCAL_ACCOUNTS.get(organisation.name)
    if email is None:
        email = f"focal.{_ascii(organisation.name)[:20]}@example.org"
    return session.scalar(
        select(Contact).where(
            Contact.organisation_id == organisation.id, Contact.email_normalized == email
        )
    )


def _quota(organisation: Organisation) -> int:
    return 3 if organisation.kind is OrganisationKind.GOVERNMENT_AGENCY else 2


def invite(
    session: Session,
    report: SeedReport,
    convening: Convening,
    organisations: dict[str, Organisation],
    statuses: dict[str, InvitationStatus],
    now: datetime,
) -> None:
    """Invite the organisations not invited yet, as if sent and answered over past days."""
    invited = set(
        session.scalars(
            select(Invitation.organisation_id).where(Invitation.convening_id == convening.id)
        )
    )
    sent_at = min(convening.starts_at - timedelta(days=35), now - timedelta(days=10))
    for index, (name, status) in enumerate(statuses.items()):
        organisation = organisations[name]
        if organisation.id in invited:
            continue
        invitation = Invitation(
            convening=convening,
            organisation=organisation,
            status=status,
            seat_quota=_quota(organisation),
            focal_point=_focal_point(session, organisation),
        )
        if status is not S.DRAFT:
            invitation.sent_at = sent_at
        if status in (S.SENT, *ANSWERED):
            issue_link(invitation)  # the raw link is not kept: it went out by email
        if status in ANSWERED:
            answered = sent_at + timedelta(days=1 + index % 6, hours=index % 9)
            invitation.responded_at = min(answered, now - timedelta(hours=1))
        if status is S.SENT and (index % 2 == 0 or name in data.FOCAL_ACCOUNTS):
            invitation.last_reminded_at = now - timedelta(days=2)
            invitation.reminders_sent = 1
        session.add(invitation)
        report.note(f"invitation of {name} to {convening.title} ({status.value})")
    session.flush()


def request_seats(session: Session, report: SeedReport, convening: Convening) -> None:
    """An accepted organisation waits for the organisers to grant it more seats."""
    name, seats, reason = data.SEAT_REQUEST
    invitation = session.scalar(
        select(Invitation)
        .join(Invitation.organisation)
        .where(Invitation.convening_id == convening.id, Organisation.name == name)
    )
    if invitation is None or invitation.extra_seats_status is not SeatRequestStatus.NONE:
        return
    invitation.extra_seats_requested = seats
    invitation.extra_seats_status = SeatRequestStatus.PENDING
    invitation.extra_seats_reason = reason
    report.note(f"request for {seats} more seat(s) by {name}")


def people(organisation: Organisation) -> list[tuple[str, str, str]]:
    """Up to three people the organisation sends: (name, title, email), head first."""
    domain = f"{_ascii(organisation.name)[:24]}.example.org"
    named = data.DELEGATIONS.get(organisation.name)
    if named:
        return [
            (name, title, email or f"{'.'.join(_ascii(p) for p in name.split())}@{domain}")
            for name, title, email in named
        ]
    seed = zlib.crc32(organisation.name.encode("utf-8"))
    titles = data.TITLES[organisation.kind]
    found = []
    for position in range(3):
        first = data.FIRST_NAMES[(seed + position * 7) % len(data.FIRST_NAMES)]
        last = data.LAST_NAMES[(seed // 7 + position * 5) % len(data.LAST_NAMES)]
        email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
        found.append((f"{first} {last}", titles[position % len(titles)], email))
    return found


def _arrival(convening: Convening, index: int, position: int) -> datetime | None:
    """Most delegates of a concluded convening arrived; about one in five did not."""
    if convening.status is not ConveningStatus.CONCLUDED or (index + position) % 5 == 4:
        return None
    return (
        convening.starts_at - timedelta(minutes=35) + timedelta(minutes=(index * 3 + position) % 50)
    )


def delegate(session: Session, report: SeedReport, convening: Convening, recorder: User) -> None:
    """Name delegates for accepted and tentative invitations that have none yet."""
    invitations = session.scalars(
        select(Invitation)
        .join(Invitation.organisation)
        .where(Invitation.convening_id == convening.id, Invitation.status.in_(SEATED))
        .options(joinedload(Invitation.organisation), selectinload(Invitation.delegates))
        .order_by(Organisation.name_normalized)
    ).unique()
    named = 0  # delegates named so far, to hand out needs evenly
    for index, invitation in enumerate(invitations):
        if invitation.delegates:
            continue
        organisation = invitation.organisation
        available = people(organisation)
        if organisation.name in data.DELEGATIONS:
            count = invitation.seat_quota
        elif invitation.status is S.TENTATIVE:
            count = 1
        else:
            count = 1 + index % invitation.seat_quota
        for position, (name, title, email) in enumerate(available[:count]):
            remote = bool(convening.remote_url) and position > 0 and (index + position) % 3 == 0
            accessibility, dietary = ("", "")
            if named % 4 == 1:
                accessibility, dietary = data.NEEDS[(named // 4) % len(data.NEEDS)]
            named += 1
            arrived = _arrival(convening, index, position)
            invitation.delegates.append(
                Delegate(
                    name=name,
                    email=email,
                    email_normalized=email.lower(),
                    title=title,
                    attendance=AttendanceMode.REMOTE if remote else AttendanceMode.IN_PERSON,
                    accessibility_needs=accessibility,
                    dietary_needs=dietary,
                    is_head=position == 0,
                    checked_in_at=arrived,
                    checked_in_by=recorder if arrived else None,
                )
            )
            report.note(f"delegate {name} of {organisation.name} to {convening.title}")
    session.flush()
