"""The RSVP board: every invited organisation's answer, its delegates, and the totals."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from ...models import (
    Convening,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    SeatRequestStatus,
)

# The order statuses are shown in; drafts last, as they are not sent yet.
STATUS_ORDER = (
    InvitationStatus.SENT,
    InvitationStatus.ACCEPTED,
    InvitationStatus.TENTATIVE,
    InvitationStatus.DECLINED,
    InvitationStatus.WITHDRAWN,
    InvitationStatus.DRAFT,
)
# Statuses shown on the board unless a filter asks for drafts: only sent invitations have
# an answer to track.
SENT_STATUSES = STATUS_ORDER[:-1]
# Invitations whose seats are on offer, and those whose delegates take seats.
OFFERING_STATUSES = (InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)
SEATED_STATUSES = (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)
SEARCH_MAX = 200


def fold(text: str | None) -> str:
    """Text for matching: case and accents ignored, so "emile" finds "Émile"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def matches(query: str, *haystacks: str | None) -> bool:
    """Whether every word of the query appears in one of the texts."""
    words = fold(query).split()
    text = " ".join(fold(haystack) for haystack in haystacks)
    return all(word in text for word in words)


@dataclass(frozen=True)
class BoardFilters:
    status: InvitationStatus | None = None
    kind: OrganisationKind | None = None
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.search)


@dataclass
class SeatCount:
    used: int = 0
    offered: int = 0

    def add(self, invitation: Invitation) -> None:
        if invitation.status in OFFERING_STATUSES:
            self.offered += invitation.seat_quota
        if invitation.status in SEATED_STATUSES:
            self.used += invitation.seats_used


@dataclass
class KindTotals:
    """One organisation kind's invitations by status (drafts apart) and its seats."""

    kind: OrganisationKind | None
    by_status: dict[InvitationStatus, int] = field(
        default_factory=lambda: dict.fromkeys(SENT_STATUSES, 0)
    )
    seats: SeatCount = field(default_factory=SeatCount)

    @property
    def label(self) -> str:
        return self.kind.label if self.kind else "All kinds"

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def add(self, invitation: Invitation) -> None:
        self.by_status[invitation.status] += 1
        self.seats.add(invitation)


@dataclass
class Board:
    """What the board page shows; totals always cover the whole convening."""

    rows: list[Invitation]
    status_counts: dict[InvitationStatus, int]
    by_kind: list[KindTotals]
    overall: KindTotals
    not_answered: list[Invitation]
    seat_requests: list[Invitation]

    @property
    def drafts(self) -> int:
        return self.status_counts[InvitationStatus.DRAFT]

    @property
    def sent(self) -> int:
        return self.overall.total


def convening_invitations(session: Session, convening: Convening) -> list[Invitation]:
    """Every invitation of the convening with organisation, focal point and delegates.

    Three queries whatever the number of invitations.
    """
    statement = (
        select(Invitation)
        .join(Invitation.organisation)
        .where(Invitation.convening_id == convening.id)
        .options(
            contains_eager(Invitation.organisation),
            joinedload(Invitation.focal_point),
            selectinload(Invitation.delegates),
        )
        .order_by(Organisation.name_normalized, Invitation.id)
    )
    return list(session.scalars(statement).unique())


def _shown(invitation: Invitation, filters: BoardFilters) -> bool:
    if filters.status is None:
        if invitation.status is InvitationStatus.DRAFT:
            return False
    elif invitation.status is not filters.status:
        return False
    if filters.kind is not None and invitation.organisation.kind is not filters.kind:
        return False
    if filters.search:
        names = [delegate.name for delegate in invitation.active_delegates]
        return matches(filters.search, invitation.organisation.name, *names)
    return True


def rsvp_board(session: Session, convening: Convening, filters: BoardFilters) -> Board:
    """The board of a convening: filtered rows, and totals over all its invitations."""
    invitations = convening_invitations(session, convening)
    status_counts = dict.fromkeys(STATUS_ORDER, 0)
    kinds: dict[OrganisationKind, KindTotals] = {}
    overall = KindTotals(kind=None)
    for invitation in invitations:
        status_counts[invitation.status] += 1
        if invitation.status is InvitationStatus.DRAFT:
            continue
        kind = invitation.organisation.kind
        kinds.setdefault(kind, KindTotals(kind=kind)).add(invitation)
        overall.add(invitation)
    by_kind = [kinds[kind] for kind in OrganisationKind if kind in kinds]
    not_answered = sorted(
        (i for i in invitations if i.status is InvitationStatus.SENT),
        key=lambda i: (
            i.sent_at is None,
            i.sent_at or i.created_at,
            i.organisation.name_normalized,
        ),
    )
    seat_requests = [
        invitation
        for invitation in invitations
        if invitation.extra_seats_status is SeatRequestStatus.PENDING
        and invitation.status not in (InvitationStatus.DRAFT, InvitationStatus.WITHDRAWN)
    ]
    return Board(
        rows=[invitation for invitation in invitations if _shown(invitation, filters)],
        status_counts=status_counts,
        by_kind=by_kind,
        overall=overall,
        not_answered=not_answered,
        seat_requests=seat_requests,
    )
