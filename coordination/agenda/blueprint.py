"""The agenda's blueprint: each view module registers its routes on it, and the application
factory imports them all."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("agenda", __name__)
