"""Generated data at Madison Valleywood scale, or a multiple of it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from coordination.agenda.versions import publish
from coordination.models import (
    AgendaItem,
    AgendaItemKind,
    Audience,
    AudienceKind,
    Contact,
    Convening,
    ConveningStatus,
    Delegate,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Series,
    TeamMembership,
    TeamRole,
    User,
)

BENCH_PASSWORD = "benchmark password"  # noqa: S105 - generated test data
SECTORS = ["Technology", "Social media", "Film", "Advertising", "Community", "Diplomacy"]
KINDS = list(OrganisationKind)


DELEGATES_PER_CONVENING = 250
AGENDA_ITEMS_PER_CONVENING = 30


@dataclass
class Scale:
    organisations: int
    convenings: int
    contacts_per_organisation: int

    @classmethod
    def times(cls, factor: int) -> Scale:
        # The base is one Madison Valleywood series: 60 organisations and three convenings,
        # each with 60 invitations, 250 delegates and 30 agenda items.
        return cls(organisations=60 * factor, convenings=3 * factor, contacts_per_organisation=4)


@dataclass
class Dataset:
    organiser_email: str
    main_convening_id: int
    organisation_id: int


def generate(session: Session, scale: Scale, seed: int = 2016) -> Dataset:
    """Write one dataset; returns what the benchmark needs to address its pages."""
    rng = random.Random(seed)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)
    organiser = User(
        email="bench.organiser@example.org",
        email_normalized="bench.organiser@example.org",
        name="Bench Organiser",
        password_hash=hasher.hash(BENCH_PASSWORD),
        is_admin=False,
    )
    session.add(organiser)
    organisations = []
    for number in range(scale.organisations):
        name = f"Organisation {number:05d}"
        organisation = Organisation(
            name=name,
            name_normalized=name.lower(),
            kind=KINDS[number % len(KINDS)],
            country=rng.choice(["US", "GB", "FR", "DE", "CA"]),
            notes="",
            sector_links=[OrganisationSector(name=s) for s in rng.sample(SECTORS, 2)],
        )
        organisation.contacts = [
            Contact(
                name=f"Person {number}-{index}",
                email=f"person{number}.{index}@example.org",
                email_normalized=f"person{number}.{index}@example.org",
                title="Delegate",
            )
            for index in range(scale.contacts_per_organisation)
        ]
        organisations.append(organisation)
    session.add_all(organisations)
    series = Series(name="Benchmark series")
    start = datetime(2027, 2, 24, 14, 0, tzinfo=UTC)
    convenings = []
    for number in range(scale.convenings):
        convening = Convening(
            title=f"Benchmark convening {number}",
            codename="Madison Valleywood",
            summary="Generated for the benchmark.",
            timezone="America/New_York",
            starts_at=start + timedelta(days=7 * number),
            ends_at=start + timedelta(days=7 * number, hours=7),
            sensitivity="Official",
            status=ConveningStatus.PUBLISHED,
            series=series,
            team=[TeamMembership(user=organiser, role=TeamRole.ORGANISER)],
        )
        convenings.append(convening)
    session.add_all(convenings)
    session.flush()
    # Every convening of the series gets a full Madison Valleywood: at ten times the scale
    # there are ten times the convenings, organisations and people, not one giant meeting.
    for index, convening in enumerate(convenings):
        invited = [organisations[(index * 7 + n) % len(organisations)] for n in range(60)]
        _fill_convening(session, organiser, convening, invited, index)
    session.commit()
    return Dataset(
        organiser_email=organiser.email,
        main_convening_id=convenings[0].id,
        organisation_id=organisations[0].id,
    )


def _fill_convening(session, organiser, convening, invited, index: int) -> None:
    statuses = list(InvitationStatus)
    invitations = [
        Invitation(
            convening=convening,
            organisation=organisation,
            status=statuses[number % len(statuses)],
            seat_quota=20,
            focal_point=organisation.contacts[0],
        )
        for number, organisation in enumerate(invited)
    ]
    session.add_all(invitations)
    answered = [
        invitation
        for invitation in invitations
        if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)
    ]
    for number in range(DELEGATES_PER_CONVENING):
        invitation = answered[number % len(answered)]
        email = f"delegate{index}.{number}@example.org"
        session.add(
            Delegate(
                invitation=invitation,
                name=f"Delegate {index}-{number:03d}",
                email=email,
                email_normalized=email,
                title="Adviser",
                is_head=number < len(answered),
            )
        )
    kinds = list(AgendaItemKind)
    for number in range(AGENDA_ITEMS_PER_CONVENING):
        government_only = number % 5 == 4
        session.add(
            AgendaItem(
                convening=convening,
                position=number,
                kind=kinds[number % len(kinds)],
                title=f"Agenda item {number}",
                description="Generated for the benchmark.",
                duration_minutes=10,
                audience=Audience(
                    kind=AudienceKind.KINDS if government_only else AudienceKind.EVERYONE,
                    organisation_kinds=["government_agency"] if government_only else [],
                ),
            )
        )
    session.flush()
    publish(session, organiser, convening)
