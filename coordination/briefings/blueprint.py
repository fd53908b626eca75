"""The briefings' blueprints, the team's documents pages and the downloads, and what they share.

Each view module registers its routes on these; the application factory imports them all.
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import Forbidden, NotFound

from ..errors import handle_http_error
from ..principal import current_principal
from .access import conceals
from .files import human_size

blueprint = Blueprint("briefings", __name__)
downloads = Blueprint("downloads", __name__)

# Sizes read the same on every page and in the limit's messages.
blueprint.add_app_template_filter(human_size, "file_size")


def refused(error: Forbidden):
    """Refused: a document the user may not receive is not found, as if it did not exist."""
    if conceals(current_principal(), request.view_args or {}):
        return handle_http_error(NotFound())
    return handle_http_error(error)


blueprint.register_error_handler(Forbidden, refused)
downloads.register_error_handler(Forbidden, refused)
