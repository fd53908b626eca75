"""Matrix rows of invitations through the API: the team reads the board; the team and whoever
may answer (the world's participant is the focal point) read an invitation and its delegates;
the answerers answer and name delegates."""

from __future__ import annotations

from tests.api.roles import ANSWERERS, MEMBERS, TEAM

ROWS = {
    "api.list_invitations": {"GET": TEAM},
    "api.get_invitation": {"GET": MEMBERS},
    "api.list_delegates": {"GET": MEMBERS},
    "api.get_delegate": {"GET": MEMBERS},
    "api.answer_invitation": {"POST": ANSWERERS},
    "api.add_delegate": {"POST": ANSWERERS},
    "api.update_delegate": {"PATCH": ANSWERERS},
    "api.remove_delegate": {"DELETE": ANSWERERS},
}
