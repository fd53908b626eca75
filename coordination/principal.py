"""Who is acting: the signed-in user (or nobody), their roles, and the invitation links opened.

Loaded once per request (``current_principal``) or for a given user where there is no request
(``load_principal``). It imports no domain code, so every domain's rules and services can use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, session
from flask_login import current_user
from sqlalchemy import Select, select, union

from .db import get_session
from .identity import named_as_delegate
from .models import (
    PARTICIPATING_STATUSES,
    Contact,
    Convening,
    ConveningStatus,
    Delegate,
    DelegateStatus,
    Invitation,
    TeamMembership,
    TeamRole,
    User,
)

# Where a browser session keeps the invitation links it opened: invitation id -> token hash.
LINK_GRANTS_KEY = "invitation_links"


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

    def sees(self, convening: Convening) -> bool:
        """The team sees its convenings, drafts included; participants the published ones."""
        if self.is_admin or self.role_in(convening) is not None:
            return True
        return convening.status != ConveningStatus.DRAFT and self.participates_in(convening)


def _as_delegate(user: User, column) -> Select:
    """The invitations naming the user a confirmed delegate (by proved address), as ``column``."""
    return (
        select(column)
        .join(Delegate, Delegate.invitation_id == Invitation.id)
        .where(
            named_as_delegate(user),
            Delegate.status == DelegateStatus.CONFIRMED,
            Invitation.status.in_(PARTICIPATING_STATUSES),
        )
    )


def organisations_acted_for(user: User):
    """A query of the organisations the user acts for: their own, and those that named them a
    confirmed delegate (usable as a subquery where there is no signed-in request). Neither
    counts before the account has proved its email address."""
    as_delegate = _as_delegate(user, Invitation.organisation_id)
    if user.proven_contact_id is None:
        return as_delegate
    return union(
        select(Contact.organisation_id).where(Contact.id == user.proven_contact_id), as_delegate
    )


def organisation_ids_of(principal: Principal, db=None) -> set[int]:
    """The organisations the signed-in user acts for, read once (with ``db``, a service's
    session, else the request's)."""
    if principal.user is None:
        return set()
    if principal._organisation_ids is None:
        principal._organisation_ids = set(
            (db or get_session()).scalars(organisations_acted_for(principal.user))
        )
    return principal._organisation_ids


def load_principal(db, user: User | None) -> Principal:
    """Read the user's team roles and invited convenings in two queries."""
    if user is None:
        return Principal(user=None)
    roles = dict(
        db.execute(
            select(TeamMembership.convening_id, TeamMembership.role).where(
                TeamMembership.user_id == user.id
            )
        ).all()
    )
    # A participant is a contact of an invited organisation, or a delegate named with
    # this account's email address, once the account has proved that address.
    participant_query = _as_delegate(user, Invitation.convening_id)
    if user.proven_contact_id is not None:
        as_contact = (
            select(Invitation.convening_id)
            .join(Contact, Contact.organisation_id == Invitation.organisation_id)
            .where(
                Contact.id == user.proven_contact_id,
                Invitation.status.in_(PARTICIPATING_STATUSES),
            )
        )
        participant_query = union(as_contact, participant_query)
    participant_ids = set(db.scalars(participant_query))
    return Principal(user=user, team_roles=roles, participant_convening_ids=participant_ids)


def current_principal() -> Principal:
    """The principal of this request, loaded on first use."""
    if "principal" not in g:
        user = current_user if current_user.is_authenticated else None
        principal = load_principal(get_session(), user)
        grants = session.get(LINK_GRANTS_KEY) or {}
        principal.link_grants = {
            int(key): value for key, value in grants.items() if str(key).isdigit()
        }
        g.principal = principal
    return g.principal
