"""Follow-up report per convening, series dashboard and stakeholder history."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("followup", __name__)
