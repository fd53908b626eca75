"""Every domain's permission rules, loaded so that ``permissions.can`` knows them all."""

from __future__ import annotations

from .actions import access as actions_access
from .admin import access as admin_access
from .api import access as api_access
from .briefings import access as briefings_access
from .convenings import access as convenings_access
from .directory import access as directory_access
from .followup import access as followup_access
from .invitations import access as invitations_access
from .polls import access as polls_access
from .webhooks import access as webhooks_access

DOMAIN_RULES = (
    actions_access,
    admin_access,
    api_access,
    briefings_access,
    convenings_access,
    directory_access,
    followup_access,
    invitations_access,
    polls_access,
    webhooks_access,
)
