"""What an account's proved identity matches: delegates named with its address."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from .models import Delegate, User


def named_as_delegate(user: User) -> ColumnElement[bool]:
    """Delegates named with the address the account has proved; none before it has proved it."""
    if user.proven_email is None:
        return false()
    return Delegate.email_normalized == user.proven_email
