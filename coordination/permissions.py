"""Who may do what: every route declares its rule and is checked on the server.

Each domain declares the rules of its actions beside its services (``<domain>/access.py``)
and registers them here with ``rule``; ``can`` looks the rule up. A view is wrapped by
``guard`` (a rule, optionally with the object it acts on) or marked ``public``. The
application refuses to start if a route has neither or an action has no rule, and the
permission-matrix test drives every route as every role.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for

from .db import get_session
from .principal import Principal, current_principal


class Action(enum.StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    # Site-wide.
    ADMINISTER = "administer"
    CREATE_ACCOUNT = "create_account"
    # On one account: see, change, deactivate, end its sessions, resend its set-up link.
    MANAGE_ACCOUNT = "manage_account"
    # On one organisation: change its details (name, kind, sector, country) and its contacts.
    EDIT_ORGANISATION = "edit_organisation"
    VIEW_DIRECTORY = "view_directory"
    EDIT_DIRECTORY = "edit_directory"
    IMPORT_DIRECTORY = "import_directory"
    ARCHIVE_DIRECTORY = "archive_directory"
    CREATE_CONVENING = "create_convening"
    # On one convening.
    VIEW_CONVENING = "view_convening"
    VIEW_TEAM_AREA = "view_team_area"
    EDIT_CONVENING = "edit_convening"
    # On one series: the team sees every series, others those they can see into.
    VIEW_SERIES = "view_series"
    # On one series: its dashboard, for anyone on the team of one of its convenings.
    VIEW_SERIES_DASHBOARD = "view_series_dashboard"
    # On one organisation.
    VIEW_ORGANISATION = "view_organisation"
    # On one invitation: its focal point (by account or by link) and the organisers.
    ANSWER_INVITATION = "answer_invitation"
    # On one invitation: the convening's team (as on the RSVP board) and whoever may answer it.
    VIEW_INVITATION = "view_invitation"
    # On one document: its audience once the embargo has passed, and the team.
    DOWNLOAD_DOCUMENT = "download_document"
    # On one convening: its briefings list, pack and book (participants and link holders).
    VIEW_BRIEFINGS = "view_briefings"
    # On one convening: create, edit and reassign its action items (organisers, coordinators).
    MANAGE_ACTIONS = "manage_actions"
    # Across convenings: the tracker of every action in the convenings one is on the team of.
    VIEW_TRACKER = "view_tracker"
    # On one action item: its convening's team, and the organisation or person owning it.
    UPDATE_ACTION = "update_action"
    # On one organisation: its history with the convenings the viewer is on the team of.
    VIEW_STAKEHOLDER_HISTORY = "view_stakeholder_history"
    # On one personal access token: its owner and administrators revoke it.
    MANAGE_API_TOKEN = "manage_api_token"  # noqa: S105
    # On one convening: subscribe endpoints to its events (its organisers).
    MANAGE_WEBHOOKS = "manage_webhooks"
    # On one webhook subscription: see its deliveries, pause, resume, resend, delete it.
    MANAGE_WEBHOOK_SUBSCRIPTION = "manage_webhook_subscription"
    # On one invitation: vote in its convening's date poll (its focal point, the organisers).
    VOTE_IN_POLL = "vote_in_poll"


Check = Callable[[Principal, Any], bool]


@dataclass(frozen=True)
class Rule:
    check: Check
    # The kind of object the rule judges; any other target is refused.
    target: type | None = None
    # Decided for visitors who are not signed in too (invitation links); otherwise signed-in
    # people only, and administrators always.
    before_sign_in: bool = False


_RULES: dict[Action, Rule] = {}
# For each kind of object, the action that decides whether a refused visitor may know the
# object exists at all (403), or is told nothing (404).
_EXISTENCE: dict[type, Action] = {}


def rule(
    action: Action,
    *,
    target: type | None = None,
    before_sign_in: bool = False,
    decides_existence: bool = False,
) -> Callable[[Check], Check]:
    """Register the function deciding ``action``; a domain calls this once per action."""

    def register(check: Check) -> Check:
        if action in _RULES:
            raise RuntimeError(f"The action {action} has two rules.")
        _RULES[action] = Rule(check, target, before_sign_in)
        if decides_existence:
            _EXISTENCE[target] = action
        return check

    return register


def unruled_actions() -> list[Action]:
    """Actions no domain has given a rule; the app refuses to start with any."""
    return [action for action in Action if action not in _RULES]


def can(principal: Principal, action: Action, target: Any = None) -> bool:
    """The single answer to "may this principal do this (to this)?"."""
    entry = _RULES[action]
    if entry.target is not None and not isinstance(target, entry.target):
        return False
    if not entry.before_sign_in:
        if not principal.is_authenticated:
            return False
        if principal.is_admin:
            return True
    return entry.check(principal, target)


rule(Action.PUBLIC, before_sign_in=True)(lambda principal, target: True)
rule(Action.SIGNED_IN)(lambda principal, target: True)


def _refuse(principal: Principal, target: Any):
    if not principal.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    existence = _EXISTENCE.get(type(target))
    if existence is not None and not can(principal, existence, target):
        abort(404)
    abort(403)


Loader = Callable[[dict[str, Any]], tuple[Any, dict[str, Any]]]


def load(
    model: type,
    url_argument: str,
    name: str,
    judged_by: Callable[[Any], Any] | None = None,
) -> Loader:
    """Replace the URL's id argument with the object it names, or answer 404.

    ``judged_by`` names the object the rule is checked against when it is not the loaded one
    (an invitation is managed by whoever may edit its convening).
    """

    def loader(view_args: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        view_args = dict(view_args)
        object_id = view_args.pop(url_argument)
        loaded = get_session().get(model, object_id)
        if loaded is None:
            abort(404)
        view_args[name] = loaded
        return (judged_by(loaded) if judged_by else loaded), view_args

    return loader


def guard(action: Action, loader: Loader | None = None):
    """Declare and enforce the rule of a view."""

    def decorator(view):
        @wraps(view)
        def wrapper(**view_args):
            target = None
            if loader is not None:
                target, view_args = loader(view_args)
            principal = current_principal()
            if not can(principal, action, target):
                return _refuse(principal, target)
            return view(**view_args)

        wrapper.permission = action
        return wrapper

    return decorator


def public(view):
    """Mark a view open to everyone (sign-in pages, static, health)."""
    view.permission = Action.PUBLIC
    return view


def unguarded_endpoints(app) -> list[str]:
    """Endpoints that declare no rule; the app refuses to start with any."""
    missing = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        if getattr(view, "permission", None) is None:
            missing.append(endpoint)
    return sorted(missing)


def template_can(action: str, target: Any = None) -> bool:
    return can(current_principal(), Action(action), target)
