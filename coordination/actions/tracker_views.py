"""The coordinators' tracker of actions across convenings: filters, board, CSV, totals."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("tracker", __name__)
