"""Matrix rows of the minutes' API: members read them as the minutes page shows them."""

from __future__ import annotations

from tests.api.roles import MEMBERS

ROWS = {
    "api.get_minutes": {"GET": MEMBERS},
}
