"""Configuration: defaults, then COORDINATION_* environment variables, then overrides."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "TRUSTED_HOSTS": None,
    "SENSITIVITY_LABELS": ["Public", "Official", "Official-Sensitive"],
    "MAIL_BACKEND": "log",
    "MAIL_SENDER": "coordination <no-reply@coordination.invalid>",
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 30,
    "SMTP_CA_FILE": None,
    "PASSWORD_RESET_TTL_MINUTES": 60,
    "PASSWORD_MIN_LENGTH": 10,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "SIGN_IN_FREE_ATTEMPTS": 5,
    "SIGN_IN_MAX_DELAY_SECONDS": 900,
    "SIGN_IN_FREE_ATTEMPTS_PER_ADDRESS": None,  # four times the per-account number
    "TRUSTED_PROXIES": 0,
    "PER_PAGE": 25,
    "REMEMBER_COOKIE_DAYS": 14,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "CSV_MAX_ROWS": 5000,
    "CSV_MAX_BYTES": 2 * 1024 * 1024,
    # Briefing documents.
    "DOCUMENTS_DIR": None,  # <instance folder>/documents
    "DOCUMENT_MAX_BYTES": 200 * 1024 * 1024,
    "DOCUMENT_TYPES": [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "txt",
        "csv",
        "png",
        "jpg",
        "jpeg",
    ],
    # Labels whose PDFs are stamped with the recipient's name on download.
    "WATERMARK_LABELS": ["Official-Sensitive"],
    # Who may download a non-PDF file under a watermark label: "team" or "audience".
    "UNWATERMARKABLE_FILES_FOR": "team",
    # Hand file transfers to the front web server: "", "x-accel-redirect" or "x-sendfile".
    "DOCUMENT_SENDFILE": "",
    "DOCUMENT_SENDFILE_PREFIX": "/protected-documents/",
    # Action reminders: actions due within this many days are "due soon".
    "ACTION_DUE_SOON_DAYS": 7,
    # Delegate emails (with calendar files) that changes made through one invitation may send
    # in an hour, on top of one per seat it offers; and the most one address receives.
    "DELEGATE_MAIL_PER_HOUR": 20,
    "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR": 5,
    # The JSON API: requests one token may make per minute, and the longest a token lives.
    "API_REQUESTS_PER_MINUTE": 300,
    "API_TOKEN_MAX_DAYS": 366,
    "API_PAGE_MAX": 200,
    # Webhooks: how long one delivery may take, the first wait after a failure (doubling up to
    # the longest), the attempts per delivery, and failures in a row before a subscription is
    # paused. Private, loopback and link-local targets are refused unless allowed.
    "WEBHOOK_TIMEOUT_SECONDS": 5,
    "WEBHOOK_RETRY_SECONDS": 60,
    "WEBHOOK_RETRY_MAX_SECONDS": 6 * 60 * 60,
    "WEBHOOK_MAX_ATTEMPTS": 12,
    "WEBHOOK_PAUSE_AFTER_FAILURES": 10,
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": False,
    # Calendar replies: the address whose local part takes "+<token>" in each calendar
    # request (unset: requests name MAIL_SENDER and no reply is read), the largest message the
    # receiver takes, and the messages one peer may deliver a minute.
    "REPLY_ADDRESS": None,
    "REPLY_MAX_BYTES": 1024 * 1024,
    "REPLY_PER_MINUTE": 60,
}

# Settings read from the environment as something other than a string.
_INT_KEYS = {
    "SMTP_PORT",
    "SMTP_TIMEOUT",
    "PASSWORD_RESET_TTL_MINUTES",
    "PASSWORD_MIN_LENGTH",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_COST",
    "SIGN_IN_FREE_ATTEMPTS",
    "SIGN_IN_MAX_DELAY_SECONDS",
    "SIGN_IN_FREE_ATTEMPTS_PER_ADDRESS",
    "TRUSTED_PROXIES",
    "PER_PAGE",
    "REMEMBER_COOKIE_DAYS",
    "MAX_CONTENT_LENGTH",
    "CSV_MAX_ROWS",
    "CSV_MAX_BYTES",
    "DOCUMENT_MAX_BYTES",
    "ACTION_DUE_SOON_DAYS",
    "DELEGATE_MAIL_PER_HOUR",
    "DELEGATE_MAIL_PER_ADDRESS_PER_HOUR",
    "API_REQUESTS_PER_MINUTE",
    "API_TOKEN_MAX_DAYS",
    "API_PAGE_MAX",
    "WEBHOOK_TIMEOUT_SECONDS",
    "WEBHOOK_RETRY_SECONDS",
    "WEBHOOK_RETRY_MAX_SECONDS",
    "WEBHOOK_MAX_ATTEMPTS",
    "WEBHOOK_PAUSE_AFTER_FAILURES",
    "REPLY_MAX_BYTES",
    "REPLY_PER_MINUTE",
}
_LIST_KEYS = {"SENSITIVITY_LABELS", "TRUSTED_HOSTS", "DOCUMENT_TYPES", "WATERMARK_LABELS"}
_BOOL_KEYS = {"MAIL_DELIVER_AFTER_REQUEST", "WEBHOOK_ALLOW_PRIVATE_TARGETS"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

ENV_PREFIX = "COORDINATION_"


class ConfigurationError(RuntimeError):
    """Raised when the application cannot start with the configuration given."""


def _parse_env_value(key: str, raw: str) -> Any:
    if key in _INT_KEYS:
        try:
            return int(raw)
        except ValueError as error:
            raise ConfigurationError(f"{ENV_PREFIX}{key} must be a whole number") from error
    if key in _BOOL_KEYS:
        value = raw.strip().lower()
        if value not in _TRUE | _FALSE:
            raise ConfigurationError(f"{ENV_PREFIX}{key} must be true or false")
        return value in _TRUE
    if key in _LIST_KEYS:
        raw = raw.strip()
        if raw.startswith("["):
            return json.loads(raw)
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Settings named COORDINATION_<KEY> in the environment."""
    environ = dict(os.environ if environ is None else environ)
    found: dict[str, Any] = {}
    for name, raw in environ.items():
        if name.startswith(ENV_PREFIX):
            key = name[len(ENV_PREFIX) :]
            found[key] = _parse_env_value(key, raw)
    return found


def development_secret_key(instance_path: Path) -> str:
    """A key generated once into the instance folder, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions before the key is written into it.
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
