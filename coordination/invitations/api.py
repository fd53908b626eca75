"""Invitations through the API: the team's board of answers, one invitation and its delegates.

The convening's team reads every invitation, as on the RSVP board; whoever may answer one
(its focal point, the organisers, administrators) reads it as on the answer page. Nobody else
learns that it exists. Answers and delegates change in ``answer_api``.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import Field
from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from ..api.blueprint import blueprint
from ..api.cursors import PageQuery, page_after
from ..api.operations import operation
from ..api.representations import representer
from ..api.responses import json_response
from ..api.schemas import ItemsPage
from ..db import get_session
from ..directory.api import KindName
from ..models import (
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
)
from ..permissions import Action, can, guard, load
from ..principal import Principal, current_principal
from . import answer_api
from .answer_api import (
    TAG,
    DelegateOut,
    InvitationOut,
    StatusName,
    answer_with_invitation,
    delegate_etag,
    delegate_out,
    invitation_out,
)
from .answering import answers
from .board import board

__all__ = ["answer_api", "blueprint"]


@representer(Invitation, "invitation")
def _invitation_shown(_session: Session, principal: Principal, invitation: Invitation):
    return (
        invitation_out(principal, invitation)
        if can(principal, Action.VIEW_INVITATION, invitation)
        else None
    )


@representer(Delegate, "delegate")
def _delegate_shown(_session: Session, principal: Principal, delegate: Delegate):
    return (
        delegate_out(delegate)
        if can(principal, Action.VIEW_INVITATION, delegate.invitation)
        else None
    )


class InvitationListQuery(PageQuery):
    status: StatusName | None = Field(
        None, description="Only this status; without it, every status but draft, as the board."
    )
    kind: KindName | None = Field(None, description="Only organisations of this kind.")
    q: str | None = Field(
        None,
        max_length=board.SEARCH_MAX,
        description="Words found in the organisation's name or its delegates' names "
        "(case and accents ignored).",
    )


def _matching_ids(session: Session, convening: Convening, search: str) -> list[int]:
    """The board's search, over the names it searches: the organisation's and its delegates'."""
    rows = session.execute(
        select(Invitation.id, Organisation.name, Delegate.name)
        .join(Invitation.organisation)
        .outerjoin(
            Delegate,
            and_(
                Delegate.invitation_id == Invitation.id,
                Delegate.status == DelegateStatus.CONFIRMED,
            ),
        )
        .where(Invitation.convening_id == convening.id)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for invitation_id, organisation_name, delegate_name in rows:
        if not names[invitation_id]:
            names[invitation_id].append(organisation_name)
        if delegate_name:
            names[invitation_id].append(delegate_name)
    return [key for key, texts in names.items() if board.matches(search, *texts)]


@blueprint.get("/convenings/<id:convening_id>/invitations")
@guard(Action.VIEW_TEAM_AREA, load(Convening, "convening_id", "convening"))
@operation(tags=TAG, query=InvitationListQuery, response=ItemsPage[InvitationOut])
def list_invitations(convening: Convening, query: InvitationListQuery):
    """The convening's invitations by organisation, with answers and seats (for the team).

    The RSVP board's rows, with its filters.
    """
    session = get_session()
    principal = current_principal()
    statement = (
        select(Invitation)
        .join(Invitation.organisation)
        .where(Invitation.convening_id == convening.id)
        .options(
            contains_eager(Invitation.organisation),
            joinedload(Invitation.focal_point),
            selectinload(Invitation.delegates),
        )
    )
    if query.status:
        statement = statement.where(Invitation.status == InvitationStatus(query.status))
    else:
        statement = statement.where(Invitation.status != InvitationStatus.DRAFT)
    if query.kind:
        statement = statement.where(Organisation.kind == OrganisationKind(query.kind))
    search = " ".join((query.q or "").split())
    if search:
        statement = statement.where(Invitation.id.in_(_matching_ids(session, convening, search)))
    page = page_after(
        session,
        statement,
        keys=(Organisation.name_normalized, Invitation.id),
        key_of=lambda invitation: (invitation.organisation.name_normalized, invitation.id),
        cursor=query.cursor,
        limit=query.limit,
    )
    return json_response(
        ItemsPage[InvitationOut](
            items=[invitation_out(principal, invitation) for invitation in page.items],
            next_cursor=page.next_cursor,
        )
    )


@blueprint.get("/invitations/<id:invitation_id>")
@guard(Action.VIEW_INVITATION, load(Invitation, "invitation_id", "invitation"))
@operation(tags=TAG, response=InvitationOut, versioned=True)
def get_invitation(invitation: Invitation):
    """One invitation: its answer, focal point and seats.

    For the convening's team, and for whoever may answer it: its focal point, the organisers
    and administrators. The ETag follows the invitation's own fields (answer, seats, focal
    point); its delegates are listed apart.
    """
    return answer_with_invitation(answers.load_for_page(get_session(), invitation.id))


@blueprint.get("/invitations/<id:invitation_id>/delegates")
@guard(Action.VIEW_INVITATION, load(Invitation, "invitation_id", "invitation"))
@operation(tags=TAG, query=PageQuery, response=ItemsPage[DelegateOut])
def list_delegates(invitation: Invitation, query: PageQuery):
    """The delegates named for an invitation, the head of delegation first, then by name.

    For the same people as the invitation. Removed delegates are not listed.
    """
    head_first = case((Delegate.is_head.is_(True), 0), else_=1)
    page = page_after(
        get_session(),
        select(Delegate).where(
            Delegate.invitation_id == invitation.id, Delegate.status == DelegateStatus.CONFIRMED
        ),
        keys=(head_first, Delegate.name, Delegate.id),
        key_of=lambda delegate: (0 if delegate.is_head else 1, delegate.name, delegate.id),
        cursor=query.cursor,
        limit=query.limit,
    )
    return json_response(
        ItemsPage[DelegateOut](
            items=[delegate_out(delegate) for delegate in page.items],
            next_cursor=page.next_cursor,
        )
    )


@blueprint.get("/delegates/<id:delegate_id>")
@guard(
    Action.VIEW_INVITATION,
    load(Delegate, "delegate_id", "delegate", judged_by=lambda delegate: delegate.invitation),
)
@operation(tags=TAG, response=DelegateOut, versioned=True)
def get_delegate(delegate: Delegate):
    """One delegate, named or removed (for the same people as their invitation)."""
    return json_response(delegate_out(delegate), etag=delegate_etag(delegate))
