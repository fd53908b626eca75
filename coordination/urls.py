"""Web addresses: absolute links for email (built from the configured base URL, never the Host
header), and the links people enter, such as a website or a remote meeting link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute URL under BASE_URL; works inside and outside a request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def is_web_address(value: str | None) -> bool:
    """True for an absolute http(s) address with a host: the only kind stored or shown as a link."""
    if not value or any(character.isspace() or ord(character) < 32 for character in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # such as "http://[::1", an unclosed IPv6 host
        return False
