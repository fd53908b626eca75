"""Flask extensions the application shares, created once and bound in ``create_app``."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
