"""Who an audience admits, and which viewer a person is for a convening."""

from __future__ import annotations

import pytest

from coordination.audiences import Viewer, admits, snapshot, viewer_for
from coordination.models import (
    Audience,
    AudienceKind,
    AudienceOrganisation,
    Delegate,
    DelegateStatus,
    InvitationStatus,
    OrganisationKind,
)
from coordination.principal import Principal, load_principal

COMPANY = OrganisationKind.COMPANY.value
AGENCY = OrganisationKind.GOVERNMENT_AGENCY.value
EMBASSY = OrganisationKind.EMBASSY.value


def audience(kind: str, kinds=(), ids=()) -> dict:
    return {"kind": kind, "organisation_kinds": list(kinds), "organisation_ids": list(ids)}


COMPANY_VIEWER = Viewer(organisations=frozenset({(1, COMPANY)}))
AGENCY_VIEWER = Viewer(organisations=frozenset({(2, AGENCY)}))
NOBODY = Viewer()


@pytest.mark.parametrize(
    ("item_audience", "viewer", "expected"),
    [
        (audience("everyone"), COMPANY_VIEWER, True),
        (audience("everyone"), NOBODY, False),
        (audience("kinds", kinds=[AGENCY, EMBASSY]), AGENCY_VIEWER, True),
        (audience("kinds", kinds=[AGENCY, EMBASSY]), COMPANY_VIEWER, False),
        (audience("kinds", kinds=[]), AGENCY_VIEWER, False),
        (audience("organisations", ids=[1]), COMPANY_VIEWER, True),
        (audience("organisations", ids=[1]), AGENCY_VIEWER, False),
        (audience("team"), COMPANY_VIEWER, False),
        (audience("team"), AGENCY_VIEWER, False),
        (audience("something new"), COMPANY_VIEWER, False),
        ({}, COMPANY_VIEWER, False),
    ],
)
def test_admits_by_audience_kind(item_audience, viewer, expected):
    assert admits(item_audience, viewer) is expected


@pytest.mark.parametrize("kind", ["everyone", "kinds", "organisations", "team", "unknown"])
def test_admits_the_team_to_everything(kind):
    assert admits(audience(kind), Viewer.team()) is True


def test_admits_a_viewer_through_any_of_their_organisations():
    both = Viewer(organisations=frozenset({(1, COMPANY), (2, AGENCY)}))

    assert admits(audience("kinds", kinds=[AGENCY]), both)
    assert admits(audience("organisations", ids=[1]), both)


def test_snapshot_is_a_sorted_plain_dictionary(db, make):
    first, second = make.organisation(), make.organisation()
    stored = Audience(
        kind=AudienceKind.ORGANISATIONS,
        organisation_kinds=[EMBASSY, AGENCY],
        organisation_links=[
            AudienceOrganisation(organisation_id=second.id),
            AudienceOrganisation(organisation_id=first.id),
        ],
    )
    db.add(stored)
    db.commit()

    assert snapshot(stored) == {
        "kind": "organisations",
        "organisation_kinds": [EMBASSY, AGENCY],
        "organisation_ids": sorted([first.id, second.id]),
    }


@pytest.fixture
def world(make):
    organiser, coordinator, admin = make.user(), make.user(), make.user(is_admin=True)
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    company = make.organisation("Company", kind=OrganisationKind.COMPANY)
    agency = make.organisation("Agency", kind=OrganisationKind.GOVERNMENT_AGENCY)
    invitation = make.invitation(convening, company)
    make.invitation(convening, agency, status=InvitationStatus.ACCEPTED)
    return {
        "convening": convening,
        "organiser": organiser,
        "coordinator": coordinator,
        "admin": admin,
        "company": company,
        "agency": agency,
        "invitation": invitation,
    }


def viewer_of(db, user, convening) -> Viewer:
    return viewer_for(db, load_principal(db, user), convening)


@pytest.mark.parametrize("role", ["organiser", "coordinator", "admin"])
def test_viewer_for_the_team_and_administrators_sees_everything(db, world, role):
    assert viewer_of(db, world[role], world["convening"]).is_team


def test_viewer_for_a_contact_of_an_invited_organisation(db, make, world):
    person = make.participant(world["company"])

    viewer = viewer_of(db, person, world["convening"])

    assert viewer == Viewer(organisations=frozenset({(world["company"].id, COMPANY)}))


def test_viewer_for_a_confirmed_delegate_by_email(db, make, world):
    person = make.user(email="delegate@example.net")
    db.add(
        Delegate(
            invitation_id=world["invitation"].id,
            name="Dee Legate",
            email="Delegate@Example.net",
            email_normalized="delegate@example.net",
        )
    )
    db.commit()

    viewer = viewer_of(db, person, world["convening"])

    assert viewer.organisations == frozenset({(world["company"].id, COMPANY)})
    assert not viewer.is_team


def test_viewer_for_a_cancelled_delegate_is_nobody(db, make, world):
    person = make.user(email="gone@example.net")
    db.add(
        Delegate(
            invitation_id=world["invitation"].id,
            name="Gone",
            email="gone@example.net",
            email_normalized="gone@example.net",
            status=DelegateStatus.CANCELLED,
        )
    )
    db.commit()

    assert viewer_of(db, person, world["convening"]) == Viewer()


@pytest.mark.parametrize("status", [InvitationStatus.DRAFT, InvitationStatus.WITHDRAWN])
def test_viewer_for_an_organisation_not_yet_or_no_longer_invited_is_nobody(db, make, world, status):
    embassy = make.organisation("Embassy", kind=OrganisationKind.EMBASSY)
    make.invitation(world["convening"], embassy, status=status)
    person = make.participant(embassy)

    assert viewer_of(db, person, world["convening"]) == Viewer()


def test_viewer_for_an_outsider_or_nobody_signed_in(db, make, world):
    elsewhere = make.organisation("Elsewhere")
    outsider = make.participant(elsewhere)

    assert viewer_of(db, outsider, world["convening"]) == Viewer()
    assert viewer_for(db, Principal(user=None), world["convening"]) == Viewer()
