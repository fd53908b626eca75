"""Calling the API as a person would: with a bearer token of theirs."""

from __future__ import annotations

import secrets
from datetime import timedelta

from coordination.api.tokens import TOKEN_PREFIX
from coordination.models import ApiToken, User, utcnow
from coordination.tokens import hash_token


class ApiClient:
    """The test client with a bearer token on every request."""

    def __init__(self, client, secret: str):
        self.client = client
        self.secret = secret

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def post(self, path, json=None, headers=None, **kwargs):
        return self.client.post(path, json=json, headers=self._headers(headers), **kwargs)

    def patch(self, path, json=None, headers=None, **kwargs):
        return self.client.patch(path, json=json, headers=self._headers(headers), **kwargs)

    def put(self, path, json=None, headers=None, **kwargs):
        return self.client.put(path, json=json, headers=self._headers(headers), **kwargs)

    def delete(self, path, headers=None, **kwargs):
        return self.client.delete(path, headers=self._headers(headers), **kwargs)


def make_token(
    db, user: User, scope: str = "write", days: int = 30, **fields
) -> tuple[str, ApiToken]:
    """A token for ``user`` written straight to the database; answers its secret and row."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=fields.pop("name", "Test token"),
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        scope=scope,
        expires_at=utcnow() + timedelta(days=days),
        issued_to_admin=user.is_admin,
        window_count=0,
        **fields,
    )
    db.add(token)
    db.commit()
    return secret, token
