"""Who may answer an invitation (its focal point, by account or by link, and the organisers)
and who may read it (those, and the convening's team)."""

from __future__ import annotations

from ..models import PARTICIPATING_STATUSES, Invitation, TeamRole
from ..permissions import Action, rule
from ..principal import Principal
from . import links


@rule(Action.ANSWER_INVITATION, target=Invitation, before_sign_in=True, decides_existence=True)
def _answer_invitation(principal: Principal, invitation: Invitation) -> bool:
    if links.is_current(invitation, principal.link_grants.get(invitation.id)):
        return True
    if not principal.is_authenticated:
        return False
    if principal.is_admin or principal.role_in(invitation.convening) is TeamRole.ORGANISER:
        return True
    return (
        principal.user.proven_contact_id is not None
        and principal.user.proven_contact_id == invitation.focal_point_id
        and invitation.status in PARTICIPATING_STATUSES
    )


@rule(Action.VIEW_INVITATION, target=Invitation)
def _view_invitation(principal: Principal, invitation: Invitation) -> bool:
    return principal.role_in(invitation.convening) is not None or _answer_invitation(
        principal, invitation
    )
