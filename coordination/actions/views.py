"""Action items of a convening: creating, editing, updating status and notes, carrying over."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("actions", __name__)
