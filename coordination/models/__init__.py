"""Typed SQLAlchemy models, one module per aggregate."""

from .agenda import (
    AgendaItem,
    AgendaPresenter,
    AgendaVersion,
    Audience,
    AudienceOrganisation,
    MinuteEntry,
    MinuteRevision,
)
from .audit import AuditEvent
from .base import Base, UTCDateTime, utcnow
from .convening import Convening, Series, TeamMembership
from .enums import (
    AgendaItemKind,
    AttendanceMode,
    AudienceKind,
    ConveningStatus,
    DelegateStatus,
    InvitationStatus,
    MinuteKind,
    OrganisationKind,
    SeatRequestStatus,
    TeamRole,
    TokenPurpose,
)
from .invitation import ANSWERED_STATUSES, PARTICIPATING_STATUSES, Delegate, Invitation
from .organisation import Contact, Organisation, OrganisationSector
from .outbox import OutboxMessage
from .user import SignInThrottle, User, UserToken

__all__ = [
    "ANSWERED_STATUSES",
    "PARTICIPATING_STATUSES",
    "AgendaItem",
    "AgendaItemKind",
    "AgendaPresenter",
    "AgendaVersion",
    "AttendanceMode",
    "Audience",
    "AudienceKind",
    "AudienceOrganisation",
    "AuditEvent",
    "Base",
    "Contact",
    "Convening",
    "ConveningStatus",
    "Delegate",
    "DelegateStatus",
    "Invitation",
    "InvitationStatus",
    "MinuteEntry",
    "MinuteKind",
    "MinuteRevision",
    "Organisation",
    "OrganisationKind",
    "OrganisationSector",
    "OutboxMessage",
    "SeatRequestStatus",
    "Series",
    "SignInThrottle",
    "TeamMembership",
    "TeamRole",
    "TokenPurpose",
    "UTCDateTime",
    "User",
    "UserToken",
    "utcnow",
]
