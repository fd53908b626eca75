"""Reading accounts, the outbox and the audit log for the administration pages.

Every function loads what its page shows in a fixed number of queries, whatever the
number of rows.
"""

from __future__ import annotations

import enum

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from ..admin.access import manageable_accounts
from ..mail import MAX_ATTEMPTS
from ..models import (
    AuditEvent,
    Contact,
    Convening,
    Organisation,
    OutboxMessage,
    TeamMembership,
    User,
)
from ..pagination import Page, paginate


class AccountFilter(enum.StrEnum):
    ALL = "all"
    ACTIVE = "active"
    INACTIVE = "inactive"
    ADMINS = "admins"
    AWAITING_SETUP = "awaiting_setup"


ACCOUNT_FILTER_LABELS = {
    AccountFilter.ALL: "All accounts",
    AccountFilter.ACTIVE: "Active",
    AccountFilter.INACTIVE: "Inactive",
    AccountFilter.ADMINS: "Administrators",
    AccountFilter.AWAITING_SETUP: "Waiting for set-up",
}


class OutboxStatus(enum.StrEnum):
    ALL = "all"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


OUTBOX_STATUS_LABELS = {
    OutboxStatus.ALL: "All messages",
    OutboxStatus.PENDING: "Pending",
    OutboxStatus.SENT: "Sent",
    OutboxStatus.FAILED: "Failed",
}


def _lower_contains(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


def search_accounts(
    session: Session,
    text: str,
    status: AccountFilter,
    number: int,
    per_page: int,
    administered: set[int] | None = None,
) -> Page:
    """Accounts matching a name or email search and a status filter, by name.

    ``administered`` limits the list to the accounts an organiser looks after (None: all).
    """
    statement: Select = select(User).options(
        joinedload(User.contact).joinedload(Contact.organisation)
    )
    if administered is not None:
        statement = statement.where(manageable_accounts(administered))
    text = text.strip()
    if text:
        statement = statement.where(
            or_(_lower_contains(User.name, text), _lower_contains(User.email_normalized, text))
        )
    match status:
        case AccountFilter.ACTIVE:
            statement = statement.where(User.active.is_(True))
        case AccountFilter.INACTIVE:
            statement = statement.where(User.active.is_(False))
        case AccountFilter.ADMINS:
            statement = statement.where(User.is_admin.is_(True))
        case AccountFilter.AWAITING_SETUP:
            statement = statement.where(User.password_hash.is_(None), User.active.is_(True))
    statement = statement.order_by(func.lower(User.name), User.id)
    return paginate(session, statement, number, per_page)


def load_account(session: Session, user_id: int) -> User:
    """The account with its contact and organisation loaded."""
    return session.scalars(
        select(User)
        .where(User.id == user_id)
        .options(joinedload(User.contact).joinedload(Contact.organisation))
        .execution_options(populate_existing=True)
    ).one()


def team_memberships(
    session: Session, user: User, visible_to: set[int] | None = None
) -> list[TeamMembership]:
    """The convening teams the account belongs to, latest convening first.

    ``visible_to`` limits them to those convenings (None: all, for administrators), so that
    nobody learns even the title of a convening they may not see.
    """
    statement = (
        select(TeamMembership)
        .join(TeamMembership.convening)
        .where(TeamMembership.user_id == user.id)
        .options(contains_eager(TeamMembership.convening))
        .order_by(Convening.starts_at.desc(), Convening.id.desc())
    )
    if visible_to is not None:
        statement = statement.where(TeamMembership.convening_id.in_(sorted(visible_to)))
    return list(session.scalars(statement))


def account_history(session: Session, user: User, limit: int = 20) -> list[AuditEvent]:
    """The latest audit events about the account."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "User", AuditEvent.object_id == user.id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def contact_choices(
    session: Session, user: User | None = None, administered: set[int] | None = None
) -> list[Contact]:
    """Current contacts without an account (plus the account's own), by organisation;
    only those of the organisations an organiser administers when given."""
    statement = (
        select(Contact)
        .join(Contact.organisation)
        .outerjoin(User, User.contact_id == Contact.id)
        .where(Contact.archived_at.is_(None), Organisation.archived_at.is_(None))
        .options(contains_eager(Contact.organisation))
        .order_by(func.lower(Organisation.name), func.lower(Contact.name), Contact.id)
    )
    if administered is not None:
        statement = statement.where(Contact.organisation_id.in_(sorted(administered)))
    if user is not None and user.id is not None:
        statement = statement.where(or_(User.id.is_(None), User.id == user.id))
    else:
        statement = statement.where(User.id.is_(None))
    return list(session.scalars(statement))


def organisation_choices(
    session: Session, administered: set[int] | None = None
) -> list[Organisation]:
    """Organisations that are not archived (those administered, when given), by name."""
    statement = select(Organisation).where(Organisation.archived_at.is_(None))
    if administered is not None:
        statement = statement.where(Organisation.id.in_(sorted(administered)))
    return list(session.scalars(statement.order_by(func.lower(Organisation.name), Organisation.id)))


# --- Outbox ---------------------------------------------------------------------------------


def outbox_status(message: OutboxMessage) -> OutboxStatus:
    """Sent; failed (given up, or waiting to try again after an error); or pending."""
    if message.sent_at is not None:
        return OutboxStatus.SENT
    if message.failed_at is not None or message.last_error:
        return OutboxStatus.FAILED
    return OutboxStatus.PENDING


def gave_up(message: OutboxMessage) -> bool:
    """The sender stopped trying: a permanent refusal, or MAX_ATTEMPTS failures."""
    return message.sent_at is None and (
        message.failed_at is not None or message.attempts >= MAX_ATTEMPTS
    )


def outbox_page(session: Session, status: OutboxStatus, number: int, per_page: int) -> Page:
    """Messages of the outbox, newest first."""
    statement = select(OutboxMessage)
    has_failed = or_(OutboxMessage.failed_at.is_not(None), OutboxMessage.last_error.is_not(None))
    match status:
        case OutboxStatus.SENT:
            statement = statement.where(OutboxMessage.sent_at.is_not(None))
        case OutboxStatus.FAILED:
            statement = statement.where(OutboxMessage.sent_at.is_(None), has_failed)
        case OutboxStatus.PENDING:
            statement = statement.where(OutboxMessage.sent_at.is_(None), ~has_failed)
    statement = statement.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return paginate(session, statement, number, per_page)


# --- Audit log ------------------------------------------------------------------------------


def audit_page(
    session: Session, action_prefix: str, actor: str, number: int, per_page: int
) -> Page:
    """Audit events site-wide, newest first, filtered by action prefix and actor."""
    statement = select(AuditEvent).options(joinedload(AuditEvent.actor))
    action_prefix = action_prefix.strip()
    if action_prefix:
        statement = statement.where(AuditEvent.action.startswith(action_prefix, autoescape=True))
    actor = actor.strip()
    if actor:
        actor_ids = select(User.id).where(
            or_(_lower_contains(User.name, actor), _lower_contains(User.email_normalized, actor))
        )
        statement = statement.where(AuditEvent.actor_id.in_(actor_ids))
    statement = statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return paginate(session, statement, number, per_page)
