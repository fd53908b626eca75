"""Matrix rows of the date poll: the team sees the grid and its CSV, organisers prepare, open,
remind and close it; the world's invited organisation votes (its focal point by account, the
organisers on its behalf); the poll link is public and the world's token opens nothing."""

from __future__ import annotations

from tests.api.roles import ANSWERERS, EVERYONE, ORGANISERS, TEAM

ROWS = {
    "polls.show": {"GET": TEAM},
    "polls.export_csv": {"GET": TEAM},
    "polls.create": {"POST": ORGANISERS},
    "polls.add_slot": {"POST": ORGANISERS},
    "polls.remove_slot": {"POST": ORGANISERS},
    "polls.set_voters": {"POST": ORGANISERS},
    "polls.open_poll": {"POST": ORGANISERS},
    "polls.remind": {"POST": ORGANISERS},
    "polls.close": {"POST": ORGANISERS},
    # Answered 410 to everyone: the world's token is not a poll link.
    "polls.open_link": {"GET": EVERYONE},
    "polls.vote": {"GET": ANSWERERS, "POST": ANSWERERS},
}
