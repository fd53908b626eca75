"""Who may look after which accounts.

Administrators manage every account. An organiser sees and manages only the accounts of the
organisations they administer (``directory.access``): never one that holds a team role or
administrator rights, nor one linked (by contact, or as a delegate named with its address) to
an organisation outside them, nor their own.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select

from ..db import get_session
from ..directory.access import administered_organisation_ids
from ..models import Contact, Delegate, Invitation, TeamMembership, User
from ..permissions import Action, rule
from ..principal import Principal


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


def account_manageable(db, administered: set[int], account: User, actor: User) -> bool:
    """Whether an organiser administering these organisations looks after this account."""
    if not administered or account.id == actor.id:
        return False
    found = db.scalar(
        select(User.id).where(User.id == account.id, manageable_accounts(administered))
    )
    return found is not None


@rule(Action.ADMINISTER)
def _administrators_only(_principal: Principal, _target) -> bool:
    return False


@rule(Action.CREATE_ACCOUNT)
def _create_account(principal: Principal, _target) -> bool:
    return principal.organises_any


@rule(Action.MANAGE_ACCOUNT, target=User, decides_existence=True)
def _manage_account(principal: Principal, account: User) -> bool:
    if not principal.organises_any:
        return False
    return account_manageable(
        get_session(), administered_organisation_ids(principal), account, principal.user
    )
