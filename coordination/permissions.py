"""Who may do what: every route declares its rule here and is checked on the server.

A view is wrapped by ``guard`` (a rule, optionally with the object it acts on) or
marked ``public``. The application refuses to start if a route has neither, and
the permission-matrix test drives every route as every role.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, except_, exists, or_, select, union

from .db import get_session
from .identity import named_as_delegate
from .ids import MAX_ID
from .models import (
    PARTICIPATING_STATUSES,
    ActionItem,
    Contact,
    Convening,
    ConveningStatus,
    Delegate,
    DelegateStatus,
    Document,
    Invitation,
    Organisation,
    Series,
    TeamMembership,
    TeamRole,
    User,
)


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


@dataclass
class Principal:
    """The signed-in user (or nobody) and their roles, loaded once per request."""

    user: User | None
    team_roles: dict[int, TeamRole] = field(default_factory=dict)
    participant_convening_ids: set[int] = field(default_factory=set)
    # Invitation links opened in this browser session: invitation id -> token hash.
    link_grants: dict[int, str] = field(default_factory=dict)
    # Organisations the user acts for (as their contact or as a named delegate), read lazily.
    _organisation_ids: set[int] | None = None
    # Organisations whose contacts and accounts the user looks after, read lazily.
    _administered_ids: set[int] | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_admin(self) -> bool:
        return bool(self.user and self.user.is_admin)

    @property
    def organises_any(self) -> bool:
        return TeamRole.ORGANISER in self.team_roles.values()

    @property
    def on_any_team(self) -> bool:
        return bool(self.team_roles)

    def role_in(self, convening: Convening) -> TeamRole | None:
        return self.team_roles.get(convening.id)

    def participates_in(self, convening: Convening) -> bool:
        return convening.id in self.participant_convening_ids


def organisations_acted_for(user: User):
    """A query of the organisations the user acts for: their own, and those that named them a
    confirmed delegate (usable as a subquery where there is no signed-in request). Neither
    counts before the account has proved its email address."""
    as_delegate = (
        select(Invitation.organisation_id)
        .join(Delegate, Delegate.invitation_id == Invitation.id)
        .where(
            named_as_delegate(user),
            Delegate.status == DelegateStatus.CONFIRMED,
            Invitation.status.in_(PARTICIPATING_STATUSES),
        )
    )
    if user.proven_contact_id is None:
        return as_delegate
    return union(
        select(Contact.organisation_id).where(Contact.id == user.proven_contact_id), as_delegate
    )


def organisation_ids_of(principal: Principal) -> set[int]:
    """The organisations the signed-in user acts for, read once per request."""
    if principal.user is None:
        return set()
    if principal._organisation_ids is None:
        principal._organisation_ids = set(
            get_session().scalars(organisations_acted_for(principal.user))
        )
    return principal._organisation_ids


def _may_update_action(principal: Principal, action: ActionItem) -> bool:
    if principal.role_in(action.convening) is not None:
        return True
    if action.owner_user_id is not None and action.owner_user_id == principal.user.id:
        return True
    if (
        action.owner_delegate is not None
        and principal.user.proven_email is not None
        and action.owner_delegate.email_normalized == principal.user.proven_email
    ):
        return True
    return (
        action.owner_organisation_id is not None
        and action.owner_organisation_id in organisation_ids_of(principal)
    )


def _may_see_history_of(principal: Principal, organisation: Organisation) -> bool:
    if not principal.team_roles:
        return False
    invited_to = select(Invitation.id).where(
        Invitation.organisation_id == organisation.id,
        Invitation.convening_id.in_(list(principal.team_roles)),
    )
    return get_session().scalar(invited_to.limit(1)) is not None


def load_principal(session, user: User | None) -> Principal:
    """Read the user's team roles and invited convenings in two queries."""
    if user is None:
        return Principal(user=None)
    roles = dict(
        session.execute(
            select(TeamMembership.convening_id, TeamMembership.role).where(
                TeamMembership.user_id == user.id
            )
        ).all()
    )
    # A participant is a contact of an invited organisation, or a delegate named with
    # this account's email address, once the account has proved that address.
    as_delegate = (
        select(Invitation.convening_id)
        .join(Delegate, Delegate.invitation_id == Invitation.id)
        .where(
            named_as_delegate(user),
            Delegate.status == DelegateStatus.CONFIRMED,
            Invitation.status.in_(PARTICIPATING_STATUSES),
        )
    )
    participant_query = as_delegate
    if user.proven_contact_id is not None:
        as_contact = (
            select(Invitation.convening_id)
            .join(Contact, Contact.organisation_id == Invitation.organisation_id)
            .where(
                Contact.id == user.proven_contact_id,
                Invitation.status.in_(PARTICIPATING_STATUSES),
            )
        )
        participant_query = union(as_contact, as_delegate)
    participant_ids = set(session.scalars(participant_query))
    return Principal(user=user, team_roles=roles, participant_convening_ids=participant_ids)


LINK_GRANTS_KEY = "invitation_links"


def current_principal() -> Principal:
    if "principal" not in g:
        user = current_user if current_user.is_authenticated else None
        principal = load_principal(get_session(), user)
        grants = session.get(LINK_GRANTS_KEY) or {}
        principal.link_grants = {
            int(key): value for key, value in grants.items() if str(key).isdigit()
        }
        g.principal = principal
    return g.principal


def _may_answer(principal: Principal, invitation: Invitation) -> bool:
    from .invitations.links import is_current

    if is_current(invitation, principal.link_grants.get(invitation.id)):
        return True
    if not principal.is_authenticated:
        return False
    if principal.is_admin or principal.role_in(invitation.convening) is TeamRole.ORGANISER:
        return True
    return (
        principal.user.proven_contact_id is not None
        and principal.user.proven_contact_id == invitation.focal_point_id
        and invitation.status in PARTICIPATING_STATUSES
    )


def _convening_visible(principal: Principal, convening: Convening) -> bool:
    if principal.is_admin or principal.role_in(convening):
        return True
    return convening.status != ConveningStatus.DRAFT and principal.participates_in(convening)


# --- Who administers whom --------------------------------------------------------------------
#
# An account or a contact unlocks every convening its organisation is invited to, so the power
# to create, link or change one is scoped like those convenings. Administrators look after
# everyone. An organiser looks after the organisations invited to convenings they organise and
# to no convening they do not, and, among accounts, only those that hold no team role, no
# administrator rights, and no link (contact, or delegate named with the account's address)
# to an organisation outside that set.


def _organisations_administered(session, organised: list[int]) -> set[int]:
    if not organised:
        return set()
    # The host counts like an invited organisation: its people may own the convening's actions.
    inside = union(
        select(Invitation.organisation_id).where(Invitation.convening_id.in_(organised)),
        select(Convening.host_organisation_id).where(
            Convening.id.in_(organised), Convening.host_organisation_id.is_not(None)
        ),
    )
    outside = union(
        select(Invitation.organisation_id).where(Invitation.convening_id.not_in(organised)),
        select(Convening.host_organisation_id).where(
            Convening.id.not_in(organised), Convening.host_organisation_id.is_not(None)
        ),
    )
    return set(session.scalars(except_(inside.subquery().select(), outside.subquery().select())))


def administered_organisation_ids(principal: Principal) -> set[int]:
    """Organisations whose contacts and accounts this organiser looks after (one query)."""
    if principal._administered_ids is None:
        organised = sorted(
            convening_id
            for convening_id, role in principal.team_roles.items()
            if role is TeamRole.ORGANISER
        )
        principal._administered_ids = _organisations_administered(get_session(), organised)
    return principal._administered_ids


def organisations_administered_by(session, user: User) -> set[int] | None:
    """For services: the organisations the user looks after, or None for all (administrators)."""
    if user.is_admin:
        return None
    organised = session.scalars(
        select(TeamMembership.convening_id).where(
            TeamMembership.user_id == user.id, TeamMembership.role == TeamRole.ORGANISER
        )
    )
    return _organisations_administered(session, sorted(organised))


def manageable_accounts(administered: set[int]) -> ColumnElement[bool]:
    """The condition on User "an organiser administering these organisations looks after it"."""
    ids = sorted(administered)
    contact_organisation = (
        select(Contact.organisation_id).where(Contact.id == User.contact_id).scalar_subquery()
    )
    delegate_of = (
        select(Invitation.organisation_id)
        .join(Delegate, Delegate.invitation_id == Invitation.id)
        .where(Delegate.email_normalized == User.email_normalized)
    )
    on_a_team = select(TeamMembership.id).where(TeamMembership.user_id == User.id)
    return and_(
        User.is_admin.is_(False),
        ~exists(on_a_team),
        or_(User.contact_id.is_(None), contact_organisation.in_(ids)),
        ~exists(delegate_of.where(Invitation.organisation_id.not_in(ids))),
        or_(User.contact_id.is_not(None), exists(delegate_of)),
    )


def account_manageable(session, administered: set[int], account: User, actor: User) -> bool:
    """Whether an organiser administering these organisations looks after this account."""
    if not administered or account.id == actor.id:
        return False
    found = session.scalar(
        select(User.id).where(User.id == account.id, manageable_accounts(administered))
    )
    return found is not None


def _may_manage_account(principal: Principal, account: User) -> bool:
    if not principal.organises_any:
        return False
    return account_manageable(
        get_session(), administered_organisation_ids(principal), account, principal.user
    )


def _may_edit_organisation(principal: Principal, organisation: Organisation) -> bool:
    """Its details (kind, for audiences) and contacts (focal points, who gets the links)
    decide what reaches its people: an organiser changes them for an organisation they
    administer, or one not yet invited to or hosting any convening."""
    if not principal.organises_any:
        return False
    if organisation.id in administered_organisation_ids(principal):
        return True
    session = get_session()
    invited = select(Invitation.id).where(Invitation.organisation_id == organisation.id)
    hosting = select(Convening.id).where(Convening.host_organisation_id == organisation.id)
    return session.scalar(invited.limit(1)) is None and session.scalar(hosting.limit(1)) is None


def can(principal: Principal, action: Action, target: Any = None) -> bool:
    """The single answer to "may this principal do this (to this)?"."""
    if action is Action.PUBLIC:
        return True
    if action is Action.ANSWER_INVITATION:
        return isinstance(target, Invitation) and _may_answer(principal, target)
    if action is Action.DOWNLOAD_DOCUMENT:
        # Invitation-link holders may download too, so this is decided before sign-in.
        from .briefings.access import may_download

        return isinstance(target, Document) and may_download(principal, target)
    if action is Action.VIEW_BRIEFINGS:
        from .briefings.access import linked_viewer

        if principal.is_authenticated and _convening_visible(principal, target):
            return True
        return not target.is_draft and bool(linked_viewer(principal, target).organisations)
    if not principal.is_authenticated:
        return False
    if action is Action.SIGNED_IN:
        return True
    if principal.is_admin:
        return True
    match action:
        case Action.ADMINISTER | Action.IMPORT_DIRECTORY | Action.ARCHIVE_DIRECTORY:
            return False
        case Action.CREATE_ACCOUNT | Action.EDIT_DIRECTORY | Action.CREATE_CONVENING:
            return principal.organises_any
        case Action.MANAGE_ACCOUNT:
            return isinstance(target, User) and _may_manage_account(principal, target)
        case Action.EDIT_ORGANISATION:
            return isinstance(target, Organisation) and _may_edit_organisation(principal, target)
        case Action.VIEW_DIRECTORY:
            return principal.on_any_team
        case Action.VIEW_ORGANISATION:
            return principal.on_any_team and isinstance(target, Organisation)
        case Action.VIEW_CONVENING:
            return _convening_visible(principal, target)
        case Action.VIEW_TEAM_AREA:
            return principal.role_in(target) is not None
        case Action.EDIT_CONVENING:
            return principal.role_in(target) is TeamRole.ORGANISER
        case Action.MANAGE_ACTIONS:
            return principal.role_in(target) is not None
        case Action.VIEW_TRACKER:
            return principal.on_any_team
        case Action.UPDATE_ACTION:
            return isinstance(target, ActionItem) and _may_update_action(principal, target)
        case Action.VIEW_STAKEHOLDER_HISTORY:
            return isinstance(target, Organisation) and _may_see_history_of(principal, target)
        case Action.VIEW_SERIES:
            # A series shows only through the convenings the viewer may see; an empty one
            # (just created) is visible to those who may fill it.
            if not target.convenings:
                return principal.organises_any
            return any(_convening_visible(principal, convening) for convening in target.convenings)
        case Action.VIEW_SERIES_DASHBOARD:
            # The dashboard then shows only the convenings whose team the viewer is on.
            return isinstance(target, Series) and any(
                principal.role_in(convening) is not None for convening in target.convenings
            )
    return False


# Which action decides whether a refused user may know the object exists at all.
_VISIBILITY = {
    Convening: Action.VIEW_CONVENING,
    Organisation: Action.VIEW_ORGANISATION,
    Series: Action.VIEW_SERIES,
    Invitation: Action.ANSWER_INVITATION,
    Document: Action.DOWNLOAD_DOCUMENT,
    ActionItem: Action.UPDATE_ACTION,
    User: Action.MANAGE_ACCOUNT,
}


def _refuse(principal: Principal, target: Any):
    if not principal.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    visibility = _VISIBILITY.get(type(target))
    if visibility is not None and not can(principal, visibility, target):
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
        if isinstance(object_id, int) and not 0 < object_id <= MAX_ID:
            abort(404)
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
