"""Who may manage personal access tokens: their owner (administrators may always)."""

from __future__ import annotations

from ..models import ApiToken
from ..permissions import Action, rule
from ..principal import Principal


@rule(Action.MANAGE_API_TOKEN, target=ApiToken, decides_existence=True)
def _manage_api_token(principal: Principal, token: ApiToken) -> bool:
    return token.user_id == principal.user.id
