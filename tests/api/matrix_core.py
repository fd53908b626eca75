"""Matrix rows of the API's own routes, its tokens and convenings."""

from __future__ import annotations

from tests.api.roles import ADMIN, EVERYONE, MEMBERS, ORGANISERS, SIGNED_IN, TEAM

ROWS = {
    # The description and its reference page are public; everything else takes a token.
    "api.openapi_document": {"GET": EVERYONE},
    "api.reference": {"GET": EVERYONE},
    # Tokens: everyone signed in keeps their own; the world's token is the participant's.
    "api_tokens.own_tokens": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "api_tokens.revoke": {"POST": {"participant", "admin"}},
    "api_tokens.all_tokens": {"GET": ADMIN},
    "api.list_convenings": {"GET": SIGNED_IN},
    "api.get_convening": {"GET": MEMBERS},
    "api.create_convening": {"POST": ORGANISERS},
    "api.update_convening": {"PATCH": ORGANISERS},
    "api.change_status": {"POST": ORGANISERS},
    "api.list_team": {"GET": TEAM},
}
