"""Password hashing with Argon2id."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=int(config["ARGON2_TIME_COST"]), memory_cost=int(config["ARGON2_MEMORY_COST"])
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if the password matches; a missing hash still costs one verification."""
    hasher = _hasher()
    if not stored_hash:
        # Spend the same time as a real check, so timing does not reveal missing accounts.
        _burn(hasher)
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: dict[tuple[int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("dummy password for timing")
    return _DUMMY[key]


def _burn(hasher: PasswordHasher) -> None:
    with contextlib.suppress(VerificationError):
        hasher.verify(_dummy_hash(hasher), "not the password")


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
