"""Closed vocabularies stored as their string values."""

from __future__ import annotations

import enum

import sqlalchemy as sa


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a human label."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class OrganisationKind(LabelledEnum):
    COMPANY = "company", "Company"
    GOVERNMENT_AGENCY = "government_agency", "Government agency"
    EMBASSY = "embassy", "Embassy / foreign mission"
    COMMUNITY_GROUP = "community_group", "Community group / NGO"
    INTERNATIONAL_ORGANISATION = "international_organisation", "International organisation"
    OTHER = "other", "Other"


class ConveningStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CONCLUDED = "concluded", "Concluded"
    CANCELLED = "cancelled", "Cancelled"


class TeamRole(LabelledEnum):
    ORGANISER = "organiser", "Organiser"
    COORDINATOR = "coordinator", "Coordinator"


class InvitationStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    TENTATIVE = "tentative", "Tentative"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AttendanceMode(LabelledEnum):
    IN_PERSON = "in_person", "In person"
    REMOTE = "remote", "Remote"


class DelegateStatus(LabelledEnum):
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class SeatRequestStatus(LabelledEnum):
    NONE = "none", "No request"
    PENDING = "pending", "Waiting for the organisers"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class AgendaItemKind(LabelledEnum):
    SESSION = "session", "Session"
    BRIEFING = "briefing", "Briefing"
    DISCUSSION = "discussion", "Discussion"
    BREAK = "break", "Break"
    MEAL = "meal", "Meal"
    OTHER = "other", "Other"


class AudienceKind(LabelledEnum):
    EVERYONE = "everyone", "Everyone invited"
    KINDS = "kinds", "Organisations of chosen kinds"
    ORGANISATIONS = "organisations", "Chosen organisations"
    TEAM = "team", "The team only"


class MinuteKind(LabelledEnum):
    NOTE = "note", "Note"
    DECISION = "decision", "Decision"


class TokenPurpose(LabelledEnum):
    PASSWORD_RESET = "password_reset", "Password reset"
    ACCOUNT_SETUP = "account_setup", "Account set-up"
    EMAIL_CHANGE = "email_change", "Email address confirmation"


class DownloadChannel(LabelledEnum):
    FILE = "file", "Single file"
    PACK = "pack", "Briefing pack (ZIP)"
    BOOK = "book", "Briefing book (PDF)"


class ActionStatus(LabelledEnum):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionPriority(LabelledEnum):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class ActionUpdateKind(LabelledEnum):
    CREATED = "created", "Created"
    STATUS = "status", "Status change"
    NOTE = "note", "Progress note"
    EDITED = "edited", "Edited"
    CARRIED_OVER = "carried_over", "Carried over"


class ReminderKind(LabelledEnum):
    OWNER = "owner", "Owner's digest"
    COORDINATOR = "coordinator", "Coordinator's digest"


def enum_column(enum_class: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A portable string column holding an enum's values (no native enum type)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
