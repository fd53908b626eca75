"""Answering an invitation through the API: the answer and the delegates, through the answer
page's services, so deadlines, seat quotas, mail caps and the delegates' email hold alike.

Also how an invitation and a delegate are shown, which the reading operations share.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from ..api.blueprint import blueprint
from ..api.operations import operation
from ..api.responses import (
    check_if_match,
    content_etag,
    etag_of,
    expected_version,
    json_response,
    no_content,
    perform,
)
from ..api.schemas import AttendanceName, Input, InvitationStatusName, Named
from ..db import get_session
from ..models import AttendanceMode, Delegate, Invitation, InvitationStatus
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from ..service import InputError
from ..urls import external_url
from .answering import answers, delegates

TAG = "Invitations"
KIND = "invitation"
StatusName = InvitationStatusName
AnswerName = Literal["accepted", "tentative", "declined"]


class ConveningRef(BaseModel):
    id: int
    title: str


class OrganisationRef(Named):
    kind: str


class FocalPoint(BaseModel):
    id: int
    name: str
    email: str | None


class Seats(BaseModel):
    quota: int
    used: int = Field(description="Delegates named.")
    extra_requested: int = Field(description="More seats asked for in the latest request.")
    extra_request: Literal["none", "pending", "approved", "refused"]
    extra_reason: str


class TeamView(BaseModel):
    """What the convening's team sees besides: when the invitation went out and was chased."""

    sent_at: AwareDatetime | None
    last_reminded_at: AwareDatetime | None
    reminders_sent: int


class InvitationOut(BaseModel):
    id: int
    convening: ConveningRef
    organisation: OrganisationRef
    status: StatusName
    responded_at: AwareDatetime | None
    answered_on_behalf: bool = Field(description="The answer was recorded by the organisers.")
    note: str = Field(description="The organisers' personal note sent with the invitation.")
    focal_point: FocalPoint | None
    seats: Seats
    team: TeamView | None = Field(description="For the convening's team; null for others.")
    version: int
    web_url: str = Field(description="The answer page, or the board for the rest of the team.")


def invitation_out(principal: Principal, invitation: Invitation) -> InvitationOut:
    """The invitation as ``principal`` (who may read it) sees it."""
    convening, organisation, focal_point = (
        invitation.convening,
        invitation.organisation,
        invitation.focal_point,
    )
    on_team = can(principal, Action.VIEW_TEAM_AREA, convening)
    if can(principal, Action.ANSWER_INVITATION, invitation):
        web_url = external_url("invitations.answer", invitation_id=invitation.id)
    else:
        web_url = external_url("invitations.board", convening_id=convening.id)
        web_url += f"#invitation-{invitation.id}"
    return InvitationOut(
        id=invitation.id,
        convening=ConveningRef(id=convening.id, title=convening.title),
        organisation=OrganisationRef(
            id=organisation.id, name=organisation.name, kind=organisation.kind.value
        ),
        status=invitation.status.value,
        responded_at=invitation.responded_at,
        answered_on_behalf=invitation.answered_on_behalf,
        note=invitation.note or "",
        focal_point=FocalPoint(id=focal_point.id, name=focal_point.name, email=focal_point.email)
        if focal_point
        else None,
        seats=Seats(
            quota=invitation.seat_quota,
            used=invitation.seats_used,
            extra_requested=invitation.extra_seats_requested,
            extra_request=invitation.extra_seats_status.value,
            extra_reason=invitation.extra_seats_reason or "",
        ),
        team=TeamView(
            sent_at=invitation.sent_at,
            last_reminded_at=invitation.last_reminded_at,
            reminders_sent=invitation.reminders_sent,
        )
        if on_team
        else None,
        version=invitation.version,
        web_url=web_url,
    )


def answer_with_invitation(invitation: Invitation):
    return json_response(
        invitation_out(current_principal(), invitation),
        etag=etag_of(KIND, invitation.id, invitation.version),
    )


class DelegateOut(BaseModel):
    id: int
    invitation_id: int
    name: str
    email: str
    title: str | None
    attendance: AttendanceName
    accessibility_needs: str
    dietary_needs: str
    is_head: bool = Field(description="Head of the delegation (one at most).")
    status: Literal["confirmed", "cancelled"] = Field(
        description="Cancelled: removed, or their organisation declined or was withdrawn."
    )


def delegate_out(delegate: Delegate) -> DelegateOut:
    return DelegateOut(
        id=delegate.id,
        invitation_id=delegate.invitation_id,
        name=delegate.name,
        email=delegate.email,
        title=delegate.title,
        attendance=delegate.attendance.value,
        accessibility_needs=delegate.accessibility_needs or "",
        dietary_needs=delegate.dietary_needs or "",
        is_head=delegate.is_head,
        status=delegate.status.value,
    )


# --- Answering ---------------------------------------------------------------------------------

ANSWERERS = load(Invitation, "invitation_id", "invitation")


class AnswerIn(Input):
    status: AnswerName
    confirm: bool = Field(
        False,
        description="Declining cancels the delegates already named, each told by email: send "
        "true to confirm that. Without it, such a decline is refused.",
    )


@blueprint.post("/invitations/<id:invitation_id>/answer")
@guard(Action.ANSWER_INVITATION, ANSWERERS)
@operation(tags=TAG, body=AnswerIn, response=InvitationOut, versioned=True, errors=(409, 412))
def answer_invitation(invitation: Invitation, body: AnswerIn):
    """Accept, answer tentatively or decline, for the organisation.

    For its focal point, and for the organisers on its behalf (marked so in the audit trail).
    Answers change until the RSVP deadline; organisers may still record them until the
    convening ends. Send If-Match with the ETag last read.
    """
    principal = current_principal()
    version = expected_version(KIND, invitation.id, invitation.version)
    status = InvitationStatus(body.status)

    def answer(session):
        try:
            return answers.answer(
                session,
                principal,
                invitation,
                status,
                confirmed=body.confirm,
                expected_version=version,
            )
        except answers.DeclineNeedsConfirmation as error:
            # The page asks again on a page of its own; a program is pointed at the field.
            raise InputError(str(error), "confirm") from None

    invitation_id = invitation.id
    perform(answer)
    return answer_with_invitation(answers.load_for_page(get_session(), invitation_id))


class DelegateIn(Input):
    name: str
    email: str = Field(description="Their confirmation and calendar invitation are sent here.")
    title: str = ""
    attendance: AttendanceName = "in_person"
    accessibility_needs: str = ""
    dietary_needs: str = ""
    is_head: bool = Field(
        False, description="Marking someone head of delegation unmarks the current head."
    )


def _omit_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _unchanged_unless_sent(description: str | None = None) -> Any:
    """A field that may be left out, but not sent as null."""
    return Field(None, description=description, json_schema_extra=_omit_default)


class DelegateChange(Input):
    """Only the fields sent are changed; null clears the title and the needs."""

    name: str = _unchanged_unless_sent()
    email: str = _unchanged_unless_sent("A new address is sent the calendar invitation.")
    title: str | None = None
    attendance: AttendanceName = _unchanged_unless_sent()
    accessibility_needs: str | None = None
    dietary_needs: str | None = None
    is_head: bool = _unchanged_unless_sent()


def delegate_etag(delegate: Delegate) -> str:
    return content_etag("delegate", delegate.id, delegate_out(delegate))


def _delegate_input(values: dict[str, Any]) -> delegates.DelegateInput:
    return delegates.DelegateInput(
        name=values["name"],
        email=values["email"],
        title=values.get("title") or "",
        attendance=AttendanceMode(values["attendance"]),
        accessibility_needs=values.get("accessibility_needs") or "",
        dietary_needs=values.get("dietary_needs") or "",
        is_head=values["is_head"],
    )


@blueprint.post("/invitations/<id:invitation_id>/delegates")
@guard(Action.ANSWER_INVITATION, ANSWERERS)
@operation(tags=TAG, body=DelegateIn, response=DelegateOut, status=201)
def add_delegate(invitation: Invitation, body: DelegateIn):
    """Name a delegate, within the seat quota; they are emailed a calendar invitation.

    Once the invitation is accepted or answered tentatively, for the same people as answering.
    """
    principal = current_principal()
    data = _delegate_input(body.model_dump())
    delegate = perform(lambda session: delegates.add(session, principal, invitation, data))
    return json_response(
        delegate_out(delegate), 201, headers={"Location": f"/api/v1/delegates/{delegate.id}"}
    )


# A delegate is changed by whoever may answer their invitation, as on the answer page.
DELEGATE_ANSWERERS = load(Delegate, "delegate_id", "delegate", judged_by=lambda d: d.invitation)


@blueprint.patch("/delegates/<id:delegate_id>")
@guard(Action.ANSWER_INVITATION, DELEGATE_ANSWERERS)
@operation(tags=TAG, body=DelegateChange, response=DelegateOut, versioned=True)
def update_delegate(delegate: Delegate, body: DelegateChange):
    """Change a delegate's details; a new address or attendance mode is emailed to them.

    Send If-Match with the ETag last read (a digest of what this API shows of the delegate).
    """
    check_if_match(delegate_etag(delegate))
    principal = current_principal()
    current = {
        "name": delegate.name,
        "email": delegate.email,
        "title": delegate.title,
        "attendance": delegate.attendance.value,
        "accessibility_needs": delegate.accessibility_needs,
        "dietary_needs": delegate.dietary_needs,
        "is_head": delegate.is_head,
    }
    data = _delegate_input({**current, **body.model_dump(exclude_unset=True)})
    invitation = delegate.invitation
    perform(lambda session: delegates.update(session, principal, invitation, delegate, data))
    return json_response(delegate_out(delegate), etag=delegate_etag(delegate))


@blueprint.delete("/delegates/<id:delegate_id>")
@guard(Action.ANSWER_INVITATION, DELEGATE_ANSWERERS)
@operation(tags=TAG, status=204, versioned=True)
def remove_delegate(delegate: Delegate):
    """Remove a delegate; they are emailed a calendar cancellation. Kept as cancelled."""
    check_if_match(delegate_etag(delegate))
    principal = current_principal()
    invitation = delegate.invitation
    perform(lambda session: delegates.cancel(session, principal, invitation, delegate))
    return no_content()
