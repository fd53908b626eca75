"""The convenings blueprint, on which each view module of the package registers its routes."""

from __future__ import annotations

from flask import Blueprint, current_app

blueprint = Blueprint("convenings", __name__, url_prefix="/convenings")


def per_page() -> int:
    """Rows per page of the package's lists."""
    return int(current_app.config["PER_PAGE"])
