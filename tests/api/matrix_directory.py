"""Matrix rows of the directory through the API: the team reads it, organisers add to it and
change what they administer (the world's organisation is invited to the organiser's convening)."""

from __future__ import annotations

from tests.api.roles import ORGANISERS, TEAM

ROWS = {
    "api.list_organisations": {"GET": TEAM},
    "api.get_organisation": {"GET": TEAM},
    "api.create_organisation": {"POST": ORGANISERS},
    "api.update_organisation": {"PATCH": ORGANISERS},
    "api.list_contacts": {"GET": TEAM},
    "api.create_contact": {"POST": ORGANISERS},
    "api.get_contact": {"GET": TEAM},
    "api.update_contact": {"PATCH": ORGANISERS},
}
