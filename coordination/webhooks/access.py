"""Who may subscribe to webhooks and read their deliveries.

A convening's organisers subscribe to its events; administrators also to every convening's
(an installation-wide subscription, theirs alone). Coordinators read what they need through
the API with a token of their own.
"""

from __future__ import annotations

from ..models import Convening, TeamRole, WebhookSubscription
from ..permissions import Action, rule
from ..principal import Principal


@rule(Action.MANAGE_WEBHOOKS, target=Convening)
def _manage_webhooks(principal: Principal, convening: Convening) -> bool:
    return principal.role_in(convening) is TeamRole.ORGANISER


@rule(Action.MANAGE_WEBHOOK_SUBSCRIPTION, target=WebhookSubscription, decides_existence=True)
def _manage_subscription(principal: Principal, subscription: WebhookSubscription) -> bool:
    # Administrators pass before this is asked; an installation-wide one is theirs alone.
    if subscription.convening is None:
        return False
    return principal.role_in(subscription.convening) is TeamRole.ORGANISER


def may_receive(principal: Principal, subscription: WebhookSubscription) -> bool:
    """Whether the owner may still have this subscription's events (checked at each event)."""
    if principal.user is None or not principal.user.active:
        return False
    if principal.is_admin:
        return True
    return subscription.convening is not None and _manage_subscription(principal, subscription)
