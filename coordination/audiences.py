"""Who an agenda item, a document or minutes are meant for, and whether a viewer is among them.

Audiences are compared as plain dictionaries ({"kind", "organisation_kinds",
"organisation_ids"}) so that live items and frozen agenda versions are judged alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .identity import named_as_delegate
from .models import (
    PARTICIPATING_STATUSES,
    Audience,
    AudienceKind,
    AudienceOrganisation,
    Contact,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    Organisation,
    OrganisationKind,
)
from .principal import Principal


@dataclass(frozen=True)
class Viewer:
    """Someone looking at a convening: the team sees everything, others through their
    organisations' invitations to it."""

    is_team: bool = False
    # (organisation id, OrganisationKind value) for each organisation invited to the convening
    # that the viewer takes part through.
    organisations: frozenset[tuple[int, str]] = field(default_factory=frozenset)

    @classmethod
    def team(cls) -> Viewer:
        return cls(is_team=True)

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> Viewer:
        return cls(organisations=frozenset({(organisation.id, organisation.kind.value)}))


def snapshot(audience: Audience) -> dict[str, Any]:
    """The audience as a plain dictionary (stored in published versions)."""
    return {
        "kind": audience.kind.value,
        "organisation_kinds": sorted(audience.organisation_kinds or []),
        "organisation_ids": sorted(audience.organisation_ids),
    }


def admits(audience: dict[str, Any], viewer: Viewer) -> bool:
    """True if the viewer is in the audience. Unknown kinds admit nobody but the team."""
    if viewer.is_team:
        return True
    kind = audience.get("kind")
    if kind == AudienceKind.EVERYONE.value:
        return bool(viewer.organisations)
    if kind == AudienceKind.KINDS.value:
        kinds = set(audience.get("organisation_kinds") or [])
        return any(org_kind in kinds for _id, org_kind in viewer.organisations)
    if kind == AudienceKind.ORGANISATIONS.value:
        ids = set(audience.get("organisation_ids") or [])
        return any(org_id in ids for org_id, _kind in viewer.organisations)
    return False


def viewer_for(session: Session, principal: Principal, convening: Convening) -> Viewer:
    """The viewer a principal is for this convening (two queries at most)."""
    if principal.is_admin or principal.role_in(convening) is not None:
        return Viewer.team()
    if principal.user is None:
        return Viewer()
    user = principal.user
    through_delegation = (
        select(Organisation.id, Organisation.kind)
        .join(Invitation, Invitation.organisation_id == Organisation.id)
        .join(Delegate, Delegate.invitation_id == Invitation.id)
        .where(
            Invitation.convening_id == convening.id,
            Invitation.status.in_(PARTICIPATING_STATUSES),
            named_as_delegate(user),
            Delegate.status == DelegateStatus.CONFIRMED,
        )
    )
    rows = set(session.execute(through_delegation).all())
    if user.proven_contact_id is not None:
        through_contact = (
            select(Organisation.id, Organisation.kind)
            .join(Invitation, Invitation.organisation_id == Organisation.id)
            .join(Contact, Contact.organisation_id == Organisation.id)
            .where(
                Invitation.convening_id == convening.id,
                Invitation.status.in_(PARTICIPATING_STATUSES),
                Contact.id == user.proven_contact_id,
            )
        )
        rows |= set(session.execute(through_contact).all())
    return Viewer(
        organisations=frozenset(
            (org_id, kind.value if isinstance(kind, OrganisationKind) else str(kind))
            for org_id, kind in rows
        )
    )


def check_audience(
    kind_value: str,
    kinds: list[str],
    organisation_ids: list[int],
    choosable_ids: set[int],
    errors: dict[str, str],
    unknown_kind_message: str,
) -> tuple[AudienceKind, list[str], list[int]]:
    """An audience as entered, checked; problems go into ``errors`` under the form's field names.

    ``choosable_ids`` are the organisations that may be chosen: those invited, and any the
    audience already names (they stay even if their invitation changed).
    """
    try:
        kind = AudienceKind(kind_value)
    except ValueError:
        errors["audience_kind"] = unknown_kind_message
        return AudienceKind.TEAM, [], []
    if kind is AudienceKind.KINDS:
        chosen = sorted(set(kinds))
        if not chosen:
            errors["audience_kinds"] = "Choose at least one kind of organisation."
        elif set(chosen) - {member.value for member in OrganisationKind}:
            errors["audience_kinds"] = "Choose kinds of organisation from the list."
        return kind, chosen, []
    if kind is AudienceKind.ORGANISATIONS:
        chosen_ids = list(dict.fromkeys(organisation_ids))
        if not chosen_ids:
            errors["audience_organisations"] = "Choose at least one organisation."
        elif set(chosen_ids) - choosable_ids:
            errors["audience_organisations"] = "Choose organisations among those invited."
        return kind, [], chosen_ids
    return kind, [], []


def apply_audience(
    session: Session,
    audience: Audience,
    kind: AudienceKind,
    kinds: list[str],
    organisation_ids: list[int],
) -> None:
    """Set an audience to a checked choice, keeping the links it already has."""
    audience.kind = kind
    audience.organisation_kinds = list(kinds)
    links = {link.organisation_id: link for link in audience.organisation_links}
    audience.organisation_links = [
        links.get(org_id) or AudienceOrganisation(organisation=session.get(Organisation, org_id))
        for org_id in organisation_ids
    ]
