"""Action figures and attendance counted in the database, shared by the follow-up pages.

"Overdue" is judged against each convening's own date today, as on the action pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from ..models import (
    OPEN_STATUSES,
    ActionItem,
    ActionStatus,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
)
from ..principal import Principal


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def local_today(convening: Convening, now: datetime | None = None) -> date:
    """Today's date on the convening's wall clock: what "overdue" is judged against."""
    return _now(now).astimezone(ZoneInfo(convening.timezone)).date()


def team_convenings(principal: Principal) -> ColumnElement[bool]:
    """The convenings whose team area the viewer may see: all for administrators."""
    if principal.is_admin:
        return true()
    return Convening.id.in_(list(principal.team_roles))


# --- action figures, computed in the database -------------------------------------------


@dataclass
class ActionFigures:
    """Counts of a set of actions. A carried-over action lives on in its successor, so it
    counts as carried over, never as open, done or cancelled."""

    opened: int = 0
    carried_in: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0
    cancelled: int = 0
    carried_over: int = 0

    @property
    def total(self) -> int:
        return self.opened + self.carried_in

    def add(self, other: ActionFigures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def action_figures(
    session: Session, *conditions: ColumnElement[bool], now: datetime | None = None
) -> dict[int, ActionFigures]:
    """Figures per convening for the actions matching ``conditions``, in one query.

    "Overdue" depends on each convening's own date today, which is at most a day either
    side of the UTC date: the query counts open actions due before yesterday, yesterday and
    today (UTC), and each convening adds up the buckets that lie before its own today.
    """
    moment = _now(now)
    utc_today = moment.astimezone(UTC).date()
    yesterday = utc_today - timedelta(days=1)
    live = ActionItem.carried_over_at.is_(None)
    is_open = and_(ActionItem.status.in_(list(OPEN_STATUSES)), live)
    statement = (
        select(
            ActionItem.convening_id,
            Convening.timezone,
            count_where(ActionItem.carried_from_id.is_(None)),
            count_where(ActionItem.carried_from_id.is_not(None)),
            count_where(is_open),
            count_where(and_(ActionItem.status == ActionStatus.DONE, live)),
            count_where(and_(ActionItem.status == ActionStatus.CANCELLED, live)),
            count_where(ActionItem.carried_over_at.is_not(None)),
            count_where(and_(is_open, ActionItem.due_on < yesterday)),
            count_where(and_(is_open, ActionItem.due_on == yesterday)),
            count_where(and_(is_open, ActionItem.due_on == utc_today)),
        )
        .join(Convening, Convening.id == ActionItem.convening_id)
        .where(*conditions)
        .group_by(ActionItem.convening_id, Convening.timezone)
    )
    figures = {}
    for row in session.execute(statement):
        (convening_id, zone, opened, carried_in, open_, done, cancelled, carried_over) = row[:8]
        before_yesterday, due_yesterday, due_today = row[8:]
        today = moment.astimezone(ZoneInfo(zone)).date()
        overdue = before_yesterday
        if today > yesterday:
            overdue += due_yesterday
        if today > utc_today:
            overdue += due_today
        figures[convening_id] = ActionFigures(
            opened=opened,
            carried_in=carried_in,
            open=open_,
            overdue=overdue,
            done=done,
            cancelled=cancelled,
            carried_over=carried_over,
        )
    return figures


def attended_clause() -> Exists:
    """True for an invitation with at least one delegate checked in."""
    return (
        exists()
        .where(
            Delegate.invitation_id == Invitation.id,
            Delegate.status == DelegateStatus.CONFIRMED,
            Delegate.checked_in_at.is_not(None),
        )
        .correlate(Invitation)
    )
