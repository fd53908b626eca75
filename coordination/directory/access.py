"""Who may read and change the directory, and who administers which organisations.

An account or a contact unlocks every convening its organisation is invited to, so the power
to create, link or change one is scoped like those convenings. Administrators look after
everyone. An organiser looks after the organisations invited to (or hosting) convenings they
organise and no convening they do not.
"""

from __future__ import annotations

from sqlalchemy import except_, select, union

from ..db import get_session
from ..models import Convening, Invitation, Organisation, TeamMembership, TeamRole, User
from ..permissions import Action, rule
from ..principal import Principal


def _organisations_administered(db, organised: list[int]) -> set[int]:
    if not organised:
        return set()

    def involved(convenings):
        # The host counts like an invited organisation: its people may own the actions.
        return union(
            select(Invitation.organisation_id).where(convenings(Invitation.convening_id)),
            select(Convening.host_organisation_id).where(
                convenings(Convening.id), Convening.host_organisation_id.is_not(None)
            ),
        )

    inside = involved(lambda column: column.in_(organised))
    outside = involved(lambda column: column.not_in(organised))
    return set(db.scalars(except_(inside.subquery().select(), outside.subquery().select())))


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


def organisations_administered_by(db, user: User) -> set[int] | None:
    """For services: the organisations the user looks after, or None for all (administrators)."""
    if user.is_admin:
        return None
    organised = db.scalars(
        select(TeamMembership.convening_id).where(
            TeamMembership.user_id == user.id, TeamMembership.role == TeamRole.ORGANISER
        )
    )
    return _organisations_administered(db, sorted(organised))


@rule(Action.VIEW_DIRECTORY)
def _view_directory(principal: Principal, _target) -> bool:
    return principal.on_any_team


@rule(Action.VIEW_ORGANISATION, target=Organisation, decides_existence=True)
def _view_organisation(principal: Principal, _organisation: Organisation) -> bool:
    return principal.on_any_team


@rule(Action.EDIT_DIRECTORY)
def _add_to_directory(principal: Principal, _target) -> bool:
    return principal.organises_any


@rule(Action.EDIT_ORGANISATION, target=Organisation)
def _edit_organisation(principal: Principal, organisation: Organisation) -> bool:
    """Its details (kind, for audiences) and contacts (focal points, who gets the links)
    decide what reaches its people: an organiser changes them for an organisation they
    administer, or one not yet invited to or hosting any convening."""
    if not principal.organises_any:
        return False
    if organisation.id in administered_organisation_ids(principal):
        return True
    db = get_session()
    invited = select(Invitation.id).where(Invitation.organisation_id == organisation.id)
    hosting = select(Convening.id).where(Convening.host_organisation_id == organisation.id)
    return db.scalar(invited.limit(1)) is None and db.scalar(hosting.limit(1)) is None


@rule(Action.IMPORT_DIRECTORY)
@rule(Action.ARCHIVE_DIRECTORY)
def _administrators_only(_principal: Principal, _target) -> bool:
    return False
