"""Follow-up through the API: the figures of a convening's follow-up report."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from ..api.blueprint import blueprint
from ..api.operations import operation
from ..api.responses import json_response
from ..api.schemas import Named
from ..db import get_session
from ..models import ActionItem, ActionStatus, Convening
from ..permissions import Action, guard, load
from .report import Attendance, OwnerGroup, follow_up_report, owner_person

TAG = "Follow-up"


class FollowUpTotals(BaseModel):
    invited: int = Field(description="Organisations whose invitation was sent, not withdrawn.")
    accepted: int
    tentative: int
    declined: int
    not_answered: int
    attended: int = Field(description="Organisations with at least one delegate checked in.")
    delegates_named: int
    delegates_checked_in: int
    decisions: int = Field(description="Decisions recorded in the minutes.")
    actions: int
    actions_open: int = Field(description="Open, in progress or blocked, not carried over.")
    actions_overdue: int
    actions_done: int
    actions_cancelled: int
    actions_carried_over: int


class OrganisationAttendance(BaseModel):
    organisation: Named
    kind: str
    answer: Literal["sent", "accepted", "tentative", "declined"] = Field(
        description="sent: not answered yet."
    )
    delegates_named: int
    delegates_checked_in: int
    attended: bool


class ActionCounts(BaseModel):
    open: int
    overdue: int
    done: int
    cancelled: int
    carried_over: int
    total: int


class OwnerFigures(BaseModel):
    kind: Literal["organisation", "person", "none"]
    organisation: Named | None
    label: str = Field(description="The organisation's or the person's name.")
    actions: ActionCounts
    action_ids: list[int] = Field(description="Overdue first, then open by due date, then closed.")


class OverdueAction(BaseModel):
    id: int
    title: str
    due_on: date
    days_late: int
    owner_organisation: Named | None
    owner_person: str | None


class FollowUp(BaseModel):
    convening_id: int
    as_of: date = Field(
        description="Today in the convening's time zone: overdue means still open and due "
        "before this day."
    )
    totals: FollowUpTotals
    attendance: list[OrganisationAttendance]
    owners: list[OwnerFigures]
    overdue: list[OverdueAction] = Field(description="Oldest due date first.")


def _named(obj) -> Named | None:
    return Named(id=obj.id, name=obj.name) if obj is not None else None


def _attendance(row: Attendance) -> OrganisationAttendance:
    return OrganisationAttendance(
        organisation=Named(id=row.organisation.id, name=row.organisation.name),
        kind=row.organisation.kind.value,
        answer=row.invitation.status.value,
        delegates_named=len(row.delegates),
        delegates_checked_in=row.checked_in,
        attended=row.attended,
    )


def _counts(actions: list[ActionItem], today: date) -> ActionCounts:
    """Counted as the report's totals count them: a carried-over action only as carried over."""
    live = [action for action in actions if action.carried_over_at is None]
    return ActionCounts(
        open=sum(action.is_open for action in live),
        overdue=sum(action.is_overdue(today) for action in live),
        done=sum(action.status == ActionStatus.DONE for action in live),
        cancelled=sum(action.status == ActionStatus.CANCELLED for action in live),
        carried_over=len(actions) - len(live),
        total=len(actions),
    )


def _owner(group: OwnerGroup, today: date) -> OwnerFigures:
    organisation = group.actions[0].owner_organisation if group.kind == "organisation" else None
    return OwnerFigures(
        kind=group.kind,
        organisation=_named(organisation),
        label=group.label,
        actions=_counts(group.actions, today),
        action_ids=[action.id for action in group.actions],
    )


@blueprint.get("/convenings/<id:convening_id>/follow-up")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, response=FollowUp)
def get_follow_up(convening: Convening):
    """The follow-up report's figures (the team): attendance, decisions and actions.

    Counts by status and overdue, per invited organisation's attendance and per owner. Only
    invitations that were sent and not withdrawn count.
    """
    report = follow_up_report(get_session(), convening)
    today = report.today
    return json_response(
        FollowUp(
            convening_id=convening.id,
            as_of=today,
            totals=FollowUpTotals(**vars(report.totals)),
            attendance=[_attendance(row) for row in report.attendance],
            owners=[_owner(group, today) for group in report.owners],
            overdue=[
                OverdueAction(
                    id=action.id,
                    title=action.title,
                    due_on=action.due_on,
                    days_late=(today - action.due_on).days,
                    owner_organisation=_named(action.owner_organisation),
                    owner_person=owner_person(action),
                )
                for action in report.overdue
            ],
        )
    )
