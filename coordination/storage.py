"""Files kept on disk outside static/, each under a generated key in the documents folder."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app


def documents_root() -> Path:
    return Path(current_app.config["DOCUMENTS_DIR"])


def new_key() -> str:
    """A fresh storage key: 128 random bits in hex, nothing taken from the uploader."""
    return secrets.token_hex(16)


def path_for(key: str) -> Path:
    """Where the file stored under ``key`` lives (two-level fan-out keeps folders small)."""
    if len(key) != 32 or any(char not in "0123456789abcdef" for char in key):
        raise ValueError("not a storage key")
    return documents_root() / key[:2] / key
