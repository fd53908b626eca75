"""Matrix rows of the agenda's API: members read the published agenda, the team its working
items, organisers change and publish them."""

from __future__ import annotations

from tests.api.roles import MEMBERS, ORGANISERS, TEAM

ROWS = {
    "api.get_agenda": {"GET": MEMBERS},
    "api.list_agenda_items": {"GET": TEAM},
    "api.create_agenda_item": {"POST": ORGANISERS},
    "api.get_agenda_item": {"GET": TEAM},
    "api.update_agenda_item": {"PATCH": ORGANISERS},
    # Without If-Match the deletion is refused with 428, so the world's item stays for admin.
    "api.delete_agenda_item": {"DELETE": ORGANISERS},
    "api.publish_agenda": {"POST": ORGANISERS},
}
