"""Action items as calendar to-dos (VTODO) in a person's feed.

A person's feed lists the actions they owe: those owned by them (their account, or a delegate
named with their address) and those owned by an organisation they act for, as the action pages
decide it. The feed is read without a signed-in request, so the organisations are found with a
subquery rather than from the request's principal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Todo
from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload

from ..actions.tracker import owner_label
from ..identity import named_as_delegate
from ..models import (
    OPEN_STATUSES,
    ActionItem,
    ActionPriority,
    ActionStatus,
    Convening,
    ConveningStatus,
    Delegate,
    utcnow,
)
from ..principal import Principal, organisations_acted_for
from ..urls import external_url

# Done and cancelled actions stay in the feed this long, so calendars show them ticked off.
RECENTLY_CLOSED_DAYS = 30

TODO_STATUS = {
    ActionStatus.OPEN: "NEEDS-ACTION",
    ActionStatus.IN_PROGRESS: "IN-PROCESS",
    # iCalendar has no "blocked": the to-do is in process, and says it is blocked.
    ActionStatus.BLOCKED: "IN-PROCESS",
    ActionStatus.DONE: "COMPLETED",
    ActionStatus.CANCELLED: "CANCELLED",
}
TODO_PRIORITY = {
    ActionPriority.URGENT: 1,
    ActionPriority.HIGH: 3,
    ActionPriority.NORMAL: 5,
    ActionPriority.LOW: 9,
}


def action_uid(action_id: int) -> str:
    """The UID of an action's to-do: fixed for the life of the action."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "coordination.invalid"
    return f"action-{action_id}@{domain}"


def action_url(action: ActionItem) -> str:
    """The action's own page, from the configured base URL."""
    return external_url("actions.show", action_id=action.id)


def owned_actions(session: Session, principal: Principal, now: datetime) -> list[ActionItem]:
    """Open and recently closed actions the user owes, in convenings shown to them (one query)."""
    user = principal.user
    if user is None:
        return []
    delegate_ids = select(Delegate.id).where(named_as_delegate(user))
    owned = or_(
        ActionItem.owner_user_id == user.id,
        ActionItem.owner_delegate_id.in_(delegate_ids),
        ActionItem.owner_organisation_id.in_(organisations_acted_for(user)),
    )
    closed_since = now - timedelta(days=RECENTLY_CLOSED_DAYS)
    current = or_(
        ActionItem.status.in_([status.value for status in OPEN_STATUSES]),
        func.coalesce(ActionItem.closed_at, ActionItem.updated_at) >= closed_since,
    )
    # Drafts are the team's alone, in the feed as on the pages.
    visible = (
        literal(True)
        if principal.is_admin
        else or_(
            Convening.status != ConveningStatus.DRAFT,
            Convening.id.in_(sorted(principal.team_roles)),
        )
    )
    return list(
        session.scalars(
            select(ActionItem)
            .join(Convening, Convening.id == ActionItem.convening_id)
            .where(and_(owned, current, visible, ActionItem.carried_over_at.is_(None)))
            .options(
                joinedload(ActionItem.convening),
                joinedload(ActionItem.owner_organisation),
                joinedload(ActionItem.owner_user),
                joinedload(ActionItem.owner_delegate),
            )
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        ).unique()
    )


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


def action_todo(action: ActionItem, stamp: datetime | None = None) -> Todo:
    """One VTODO: DUE as a date, STATUS, PRIORITY and a URL back to the action."""
    url = action_url(action)
    todo = Todo()
    todo.add("uid", action_uid(action.id))
    todo.add("dtstamp", stamp or utcnow())
    todo.add("sequence", max(0, action.version - 1))
    todo.add("created", _utc(action.created_at))
    todo.add("last-modified", _utc(action.updated_at))
    todo.add("summary", action.title)
    paragraphs = []
    if action.status == ActionStatus.BLOCKED:
        paragraphs.append("Blocked: see the latest note on the action's page.")
    if action.description.strip():
        paragraphs.append(action.description.strip())
    paragraphs.append(
        f"Convening: {action.convening.title}\n"
        f"Owner: {owner_label(action)}\n"
        f"Status: {action.status.label}"
    )
    paragraphs.append(url)
    todo.add("description", "\n\n".join(paragraphs))
    if action.due_on is not None:
        todo.add("due", action.due_on)
    todo.add("status", TODO_STATUS[action.status])
    todo.add("priority", TODO_PRIORITY[action.priority])
    todo.add("url", url)
    # The application's own status, which iCalendar's cannot say (blocked).
    todo.add("x-coordination-status", action.status.value)
    if action.status == ActionStatus.DONE:
        todo.add("completed", _utc(action.closed_at or action.updated_at))
        todo.add("percent-complete", 100)
    return todo


def feed_todos(session: Session, principal: Principal) -> list[Todo]:
    """The to-dos of a person's feed."""
    now = utcnow()
    return [action_todo(action, now) for action in owned_actions(session, principal, now)]
