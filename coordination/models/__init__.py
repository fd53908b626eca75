"""Typed SQLAlchemy models, one module per aggregate."""

from .action import OPEN_STATUSES, ActionItem, ActionReminder, ActionUpdate
from .agenda import (
    AgendaItem,
    AgendaPresenter,
    AgendaVersion,
    Audience,
    AudienceOrganisation,
    MinuteEntry,
    MinuteRevision,
)
from .api_token import ApiToken, TokenScope
from .audit import AuditEvent
from .base import Base, UTCDateTime, utcnow
from .briefing import Document, DocumentVersion, DownloadReceipt
from .convening import Convening, Series, TeamMembership
from .enums import (
    ActionPriority,
    ActionStatus,
    ActionUpdateKind,
    AgendaItemKind,
    AttendanceMode,
    AudienceKind,
    ConveningStatus,
    DelegateStatus,
    DownloadChannel,
    InvitationStatus,
    MinuteKind,
    OrganisationKind,
    ReminderKind,
    SeatRequestStatus,
    TeamRole,
    TokenPurpose,
)
from .invitation import (
    ANSWERED_STATUSES,
    PARTICIPATING_STATUSES,
    Delegate,
    DelegateMail,
    Invitation,
)
from .organisation import Contact, Organisation, OrganisationSector
from .outbox import OutboxMessage
from .poll import Poll, PollChoice, PollSlot, PollStatus, PollVote, PollVoter
from .reply import CalendarProposal, QuarantinedReply, ReplyAddress
from .user import SignInThrottle, User, UserToken
from .webhook import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

__all__ = [
    "ANSWERED_STATUSES",
    "OPEN_STATUSES",
    "PARTICIPATING_STATUSES",
    "ActionItem",
    "ActionPriority",
    "ActionReminder",
    "ActionStatus",
    "ActionUpdate",
    "ActionUpdateKind",
    "AgendaItem",
    "AgendaItemKind",
    "AgendaPresenter",
    "AgendaVersion",
    "ApiToken",
    "AttendanceMode",
    "Audience",
    "AudienceKind",
    "AudienceOrganisation",
    "AuditEvent",
    "Base",
    "CalendarProposal",
    "Contact",
    "Convening",
    "ConveningStatus",
    "Delegate",
    "DelegateMail",
    "DelegateStatus",
    "DeliveryStatus",
    "Document",
    "DocumentVersion",
    "DownloadChannel",
    "DownloadReceipt",
    "Invitation",
    "InvitationStatus",
    "MinuteEntry",
    "MinuteKind",
    "MinuteRevision",
    "Organisation",
    "OrganisationKind",
    "OrganisationSector",
    "OutboxMessage",
    "Poll",
    "PollChoice",
    "PollSlot",
    "PollStatus",
    "PollVote",
    "PollVoter",
    "QuarantinedReply",
    "ReminderKind",
    "ReplyAddress",
    "SeatRequestStatus",
    "Series",
    "SignInThrottle",
    "TeamMembership",
    "TeamRole",
    "TokenPurpose",
    "TokenScope",
    "UTCDateTime",
    "User",
    "UserToken",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "utcnow",
]
