"""Rules for a convening's team: organisers and coordinators.

A convening always keeps at least one organiser, so someone can still run it.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import audit, mail
from ..auth.accounts import normalize_email
from ..models import Contact, Convening, TeamMembership, TeamRole, User
from ..principal import Principal
from ..service import InputError
from ..urls import external_url

LAST_ORGANISER = "A convening needs at least one organiser. Make someone else an organiser first."


def team_members(session: Session, convening: Convening) -> list[TeamMembership]:
    """The team, organisers first, each with their account and organisation."""
    members = session.scalars(
        select(TeamMembership)
        .where(TeamMembership.convening_id == convening.id)
        .options(
            joinedload(TeamMembership.user)
            .selectinload(User.contact)
            .selectinload(Contact.organisation)
        )
    ).all()
    return sorted_team(members)


def sorted_team(members: list[TeamMembership]) -> list[TeamMembership]:
    """Organisers first, then by name."""
    order = {TeamRole.ORGANISER: 0, TeamRole.COORDINATOR: 1}
    return sorted(members, key=lambda m: (order[m.role], m.user.name.lower(), m.id))


def find_member(
    session: Session, convening: Convening, membership_id: int
) -> TeamMembership | None:
    """The membership with this id on this convening's team, or None."""
    membership = session.get(TeamMembership, membership_id)
    if membership is None or membership.convening_id != convening.id:
        return None
    return membership


def _lock(session: Session, convening: Convening) -> None:
    # Serialise team changes on one convening so two organisers cannot each remove
    # the other and leave nobody (PostgreSQL; SQLite writers are serialised anyway).
    session.execute(select(Convening.id).where(Convening.id == convening.id).with_for_update())


def _organiser_count(session: Session, convening: Convening) -> int:
    return session.scalar(
        select(func.count(TeamMembership.id)).where(
            TeamMembership.convening_id == convening.id,
            TeamMembership.role == TeamRole.ORGANISER,
        )
    )


def _member_label(user: User) -> str:
    return f"{user.name} <{user.email}>"


def add_member(
    session: Session, principal: Principal, convening: Convening, email: str, role: TeamRole
) -> TeamMembership:
    """Put the account with this email on the team, and tell them."""
    actor = principal.user
    user = session.scalar(select(User).where(User.email_normalized == normalize_email(email)))
    if user is None or not user.active:
        raise InputError(
            f"No active account has the address {email.strip()}. Create the account first.",
            "email",
        )
    _lock(session, convening)
    existing = session.scalar(
        select(TeamMembership).where(
            TeamMembership.convening_id == convening.id, TeamMembership.user_id == user.id
        )
    )
    if existing is not None:
        raise InputError(
            f"{user.name} is already on the team as {existing.role.label.lower()}.", "email"
        )
    membership = TeamMembership(convening=convening, user=user, role=role)
    session.add(membership)
    session.flush()
    audit.record(
        session,
        actor,
        "convening.team_member_added",
        membership,
        changes={"member": _member_label(user), "role": role.value},
        convening_id=convening.id,
        label=user.name,
    )
    mail.queue(
        session,
        [user.email],
        f"You are {role.label.lower()} of {convening.title}",
        render_template(
            "convenings/email/team_added.txt",
            user=user,
            actor=actor,
            convening=convening,
            role=role,
            link=external_url("convenings.show", convening_id=convening.id),
        ),
    )
    return membership


def change_role(
    session: Session,
    principal: Principal,
    convening: Convening,
    membership: TeamMembership,
    role: TeamRole,
) -> bool:
    """Give a member another role; answer whether anything changed."""
    _lock(session, convening)
    before = membership.role
    if before is role:
        return False
    if before is TeamRole.ORGANISER and _organiser_count(session, convening) <= 1:
        raise InputError(LAST_ORGANISER, "role")
    membership.role = role
    session.flush()
    audit.record(
        session,
        principal.user,
        "convening.team_role_changed",
        membership,
        changes={"member": _member_label(membership.user), "role": [before.value, role.value]},
        convening_id=convening.id,
        label=membership.user.name,
    )
    return True


def remove_member(
    session: Session, principal: Principal, convening: Convening, membership: TeamMembership
) -> None:
    """Take a member off the team, keeping at least one organiser."""
    _lock(session, convening)
    if membership.role is TeamRole.ORGANISER and _organiser_count(session, convening) <= 1:
        raise InputError(LAST_ORGANISER, "")
    audit.record(
        session,
        principal.user,
        "convening.team_member_removed",
        membership,
        changes={"member": _member_label(membership.user), "role": membership.role.value},
        convening_id=convening.id,
        label=membership.user.name,
    )
    session.delete(membership)
    session.flush()
