"""The invitations blueprint: each view module of manage, answering and board registers its
own routes on it, and the application factory imports them all."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("invitations", __name__)
