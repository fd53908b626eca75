"""Who may manage, see and update action items."""

from __future__ import annotations

from ..models import ActionItem, Convening
from ..permissions import Action, rule
from ..principal import Principal, organisation_ids_of


@rule(Action.MANAGE_ACTIONS, target=Convening)
def _manage_actions(principal: Principal, convening: Convening) -> bool:
    return principal.role_in(convening) is not None


@rule(Action.VIEW_TRACKER)
def _view_tracker(principal: Principal, _target) -> bool:
    return principal.on_any_team


@rule(Action.UPDATE_ACTION, target=ActionItem, decides_existence=True)
def _update_action(principal: Principal, action: ActionItem) -> bool:
    """The convening's team, the owner person, and the people of the owner organisation."""
    if principal.role_in(action.convening) is not None:
        return True
    if action.owner_user_id is not None and action.owner_user_id == principal.user.id:
        return True
    if (
        action.owner_delegate is not None
        and principal.user.proven_email is not None
        and action.owner_delegate.email_normalized == principal.user.proven_email
    ):
        return True
    return (
        action.owner_organisation_id is not None
        and action.owner_organisation_id in organisation_ids_of(principal)
    )
