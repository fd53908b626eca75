"""Matrix rows of action items through the API."""

from __future__ import annotations

from tests.api.roles import MEMBERS, TEAM

ROWS = {
    # The tracker: anyone on a convening's team, each seeing only their convenings' actions.
    "api.list_tracked_actions": {"GET": TEAM},
    # Members list the convening's actions (participants only their own); the team creates.
    "api.list_convening_actions": {"GET": MEMBERS},
    "api.create_action": {"POST": TEAM},
    # The world's action is owned by the participant's organisation: its owners and the team
    # read it and change its status or add a note; the team edits it.
    "api.get_action": {"GET": MEMBERS},
    "api.add_action_update": {"POST": MEMBERS},
    "api.update_action": {"PATCH": TEAM},
}
