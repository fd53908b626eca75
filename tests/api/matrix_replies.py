"""Matrix rows of the calendar replies page: administrators alone read what was set aside."""

from __future__ import annotations

from tests.api.roles import ADMIN

ROWS = {
    "replies.quarantine": {"GET": ADMIN},
}
