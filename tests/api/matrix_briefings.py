"""Matrix rows of the briefings' API: members receive the world's document (it is for
everyone invited), as the pages' download gives it."""

from __future__ import annotations

from tests.api.roles import MEMBERS

ROWS = {
    "api.list_documents": {"GET": MEMBERS},
    "api.get_document": {"GET": MEMBERS},
    "api.download_document": {"GET": MEMBERS},
}
