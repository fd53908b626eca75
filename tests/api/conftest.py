"""Calling the API with real tokens, made as the pages make them."""

from __future__ import annotations

import pytest

from coordination.models import User
from tests.api.helpers import ApiClient, make_token


@pytest.fixture
def api_as(client, db):
    """``api_as(user, scope="write")``: a client calling the API with a new token of ``user``."""

    def build(user: User, scope: str = "write", **fields) -> ApiClient:
        secret, _token = make_token(db, user, scope, **fields)
        return ApiClient(client, secret)

    return build
