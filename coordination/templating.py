"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Flask, request

from .markdown import render_markdown
from .timezones import format_local


def local_time(
    instant: datetime | None, zone_name: str, pattern: str = "%a %d %b %Y, %H:%M"
) -> str:
    return format_local(instant, zone_name, pattern)


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for filters and pages)."""
    arguments = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            arguments.pop(key, None)
        else:
            arguments[key] = [str(value)]
    query = urlencode(arguments, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def init_app(app: Flask) -> None:
    from .permissions import template_can

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["can"] = template_can
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
