"""The invitations blueprint; its routes live in modules by audience."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("invitations", __name__)

# Organisers' pages under /convenings/<id>/invitations, answering pages under /rsvp.
from . import board_views, manage_views, rsvp_views  # noqa: E402, F401
