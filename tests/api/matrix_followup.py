"""Matrix rows of the follow-up figures through the API."""

from __future__ import annotations

from tests.api.roles import TEAM

ROWS = {
    # The convening's team reads its follow-up report.
    "api.get_follow_up": {"GET": TEAM},
}
