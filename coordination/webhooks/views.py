"""Pages for webhook subscriptions and their delivery log."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("webhooks", __name__, url_prefix="/webhooks")
