"""Personal access tokens: made and revoked by their owner, seen and revoked by administrators.

A token is ``coord_`` and 256 random bits; only its SHA-256 is stored. It acts as its owner,
never more: the owner's rights are read afresh on every request, and the token stops when the
owner is deactivated or their site-wide role changes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..models import ApiToken, TokenScope, User, utcnow
from ..principal import Principal
from ..service import InputError, NotPermitted
from ..tokens import hash_token

TOKEN_PREFIX = "coord_"  # noqa: S105  (a marker, not a secret)
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # The secret, shown to its owner once and never stored.
    secret: str


def _max_days() -> int:
    return int(current_app.config["API_TOKEN_MAX_DAYS"])


def issue(
    session: Session, principal: Principal, *, name: str, scope: str, days: int | None
) -> IssuedToken:
    """Make a token for the acting user; answer it with its secret, shown once."""
    user = principal.user
    if user is None:
        raise NotPermitted("Sign in to make a token.")
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name that says what uses it, such as 'Visitor system'."
    elif len(name) > 100:
        errors["name"] = "Keep the name to 100 characters or fewer."
    if scope not in {item.value for item in TokenScope}:
        errors["scope"] = "Choose read, or read and write."
    days = DEFAULT_DAYS if days is None else days
    if not 1 <= days <= _max_days():
        errors["days"] = f"A token lives between 1 and {_max_days()} days."
    if errors:
        raise InputError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        scope=scope,
        expires_at=utcnow() + timedelta(days=days),
        issued_to_admin=user.is_admin,
        window_count=0,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        user,
        "api_token.created",
        token,
        changes={"name": name, "scope": scope, "expires_at": token.expires_at},
        label=f"API token '{name}' of {user.email}",
    )
    return IssuedToken(token, secret)


def revoke(session: Session, principal: Principal, token: ApiToken) -> None:
    """Stop a token at once; its owner or an administrator may."""
    if principal.user is None or not (principal.is_admin or token.user_id == principal.user.id):
        raise NotPermitted("Only the token's owner or an administrator may revoke it.")
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    token.revoked_by_id = principal.user.id
    session.flush()
    audit.record(
        session,
        principal.user,
        "api_token.revoked",
        token,
        label=f"API token '{token.name}' of {token.user.email}",
    )


def why_refused(token: ApiToken | None, now: datetime) -> str | None:
    """Why a presented token does not work, or None when it does."""
    if token is None:
        return "The token is not known. Check that it was copied whole."
    if token.revoked_at is not None:
        return "The token was revoked."
    if token.expires_at <= now:
        return "The token has expired. Make a new one on your account page."
    user = token.user
    if not user.active:
        return "The token's owner is deactivated."
    if user.is_admin != token.issued_to_admin:
        return "The owner's role changed since the token was made. Make a new one."
    return None


def find(session: Session, secret: str) -> ApiToken | None:
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
    ).one_or_none()


def count_request(session: Session, token: ApiToken, now: datetime, limit: int) -> int | None:
    """Count a request in the token's one-minute window, in one statement every process
    shares; answer the seconds to wait when the limit is reached, else None."""
    window = now.replace(second=0, microsecond=0)
    same_window = ApiToken.window_started_at == window
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(
            window_count=case((same_window, ApiToken.window_count + 1), else_=1),
            window_started_at=window,
            last_used_at=now,
        )
        .returning(ApiToken.window_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if result > limit:
        return max(1, 60 - now.second)
    return None


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
