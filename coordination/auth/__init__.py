"""Accounts, sign-in and sessions."""

from __future__ import annotations

from flask_login import LoginManager
from sqlalchemy.orm import joinedload

from ..db import get_session
from ..models import Contact, User

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
# Flask-Login's "strong" mode would sign out on IP changes; sessions are ended by rotating
# the token embedded in the login identifier instead.
login_manager.session_protection = None


@login_manager.user_loader
def load_user(identifier: str) -> User | None:
    """The user named by ``id:session_token``; a rotated token signs the holder out."""
    user_id, _, token = identifier.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = get_session().get(
        User, int(user_id), options=[joinedload(User.contact).joinedload(Contact.organisation)]
    )
    if user is None or not user.active or user.session_token != token:
        return None
    return user
