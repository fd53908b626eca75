"""A convening with a team, a company and a government agency invited."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coordination.models import (
    Convening,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    User,
)

from .helpers import utc


@dataclass
class Setting:
    convening: Convening
    organiser: User
    coordinator: User
    company: Organisation
    agency: Organisation
    company_invitation: Invitation
    agency_invitation: Invitation
    company_person: User
    agency_person: User


@pytest.fixture
def setting(make) -> Setting:
    organiser = make.user(name="Olive Organiser")
    coordinator = make.user(name="Cole Coordinator")
    convening = make.convening(
        "Madison Valleywood",
        timezone="America/New_York",
        starts_at=utc(2030, 1, 15, 14, 0),  # 09:00 EST
        hours=8,
        organisers=(organiser,),
        coordinators=(coordinator,),
    )
    company = make.organisation("Apple", kind=OrganisationKind.COMPANY)
    agency = make.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY)
    company_focal = make.contact(company, name="Casey Company", email="casey@apple.example")
    agency_focal = make.contact(agency, name="Avery Agency", email="avery@state.example")
    company_invitation = make.invitation(
        convening, company, status=InvitationStatus.ACCEPTED, focal_point=company_focal
    )
    agency_invitation = make.invitation(
        convening, agency, status=InvitationStatus.SENT, focal_point=agency_focal
    )
    return Setting(
        convening=convening,
        organiser=organiser,
        coordinator=coordinator,
        company=company,
        agency=agency,
        company_invitation=company_invitation,
        agency_invitation=agency_invitation,
        company_person=make.participant(company),
        agency_person=make.participant(agency),
    )
