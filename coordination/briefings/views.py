"""Uploading, versioning and listing a convening's briefing documents."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("briefings", __name__)
