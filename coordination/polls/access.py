"""Who may vote in a date poll: the voting organisation's focal point (by its link or its
account), and the convening's organisers on its behalf."""

from __future__ import annotations

from ..models import Invitation, InvitationStatus, TeamRole
from ..permissions import Action, rule
from ..principal import Principal


def holds_link(principal: Principal, invitation: Invitation) -> bool:
    """Whether this browser opened the invitation's current link (a poll's or an answer's)."""
    grant = principal.link_grants.get(invitation.id)
    return bool(
        grant
        and invitation.token_hash is not None
        and grant == invitation.token_hash
        and invitation.status != InvitationStatus.WITHDRAWN
    )


@rule(Action.VOTE_IN_POLL, target=Invitation, before_sign_in=True)
def _vote_in_poll(principal: Principal, invitation: Invitation) -> bool:
    if holds_link(principal, invitation):
        return True
    if not principal.is_authenticated:
        return False
    if principal.is_admin or principal.role_in(invitation.convening) is TeamRole.ORGANISER:
        return True
    # Invitations are drafts while the poll runs, so the focal point's account counts without
    # the invitation having been sent.
    return (
        principal.user.proven_contact_id is not None
        and principal.user.proven_contact_id == invitation.focal_point_id
        and invitation.status != InvitationStatus.WITHDRAWN
    )
