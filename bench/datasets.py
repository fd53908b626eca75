"""Generated data at Madison Valleywood scale, or a multiple of it."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from argon2 import PasswordHasher
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from coordination import storage
from coordination.agenda.versions import publish
from coordination.models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    AgendaItem,
    AgendaItemKind,
    Audience,
    AudienceKind,
    Contact,
    Convening,
    ConveningStatus,
    Delegate,
    Document,
    DocumentVersion,
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
from coordination.principal import load_principal

BENCH_PASSWORD = "benchmark password"  # noqa: S105 - generated test data
SECTORS = ["Technology", "Social media", "Film", "Advertising", "Community", "Diplomacy"]
KINDS = list(OrganisationKind)


DELEGATES_PER_CONVENING = 250
AGENDA_ITEMS_PER_CONVENING = 30
DOCUMENTS_PER_CONVENING = 40
ACTIONS_PER_CONVENING = 150


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
    series_id: int


def generate(session: Session, scale: Scale, seed: int = 2016) -> Dataset:
    """Write one dataset; returns what the benchmark needs to address its pages."""
    rng = random.Random(seed)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)
    organiser = User(
        email="bench.organiser@example.org",
        email_normalized="bench.organiser@example.org",
        name="Bench Organiser",
        password_hash=hasher.hash(BENCH_PASSWORD),
        email_confirmed_at=datetime.now(UTC),
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
        series_id=series.id,
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
    publish(session, load_principal(session, organiser), convening)
    _add_documents(session, organiser, convening, invited)
    _add_actions(session, organiser, convening, invited, index)


def _briefing_pdf(title: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(3):
        pdf.drawString(72, 720, f"{title}, page {page + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _add_documents(session, organiser, convening, invited) -> None:
    """Forty briefings, a fifth for government agencies only, a tenth with two versions."""
    for number in range(DOCUMENTS_PER_CONVENING):
        government_only = number % 5 == 4
        document = Document(
            convening=convening,
            title=f"Briefing {number:02d}",
            description="Generated for the benchmark.",
            sensitivity="Official-Sensitive" if number % 4 == 3 else "Official",
            audience=Audience(
                kind=AudienceKind.KINDS if government_only else AudienceKind.EVERYONE,
                organisation_kinds=["government_agency"] if government_only else [],
            ),
            created_by=organiser,
        )
        session.add(document)
        for version_number in range(1, 3 if number % 10 == 0 else 2):
            content = _briefing_pdf(f"{document.title} v{version_number}")
            key = storage.new_key()
            path = storage.path_for(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            session.add(
                DocumentVersion(
                    document=document,
                    number=version_number,
                    storage_key=key,
                    filename=f"briefing-{number:02d}.pdf",
                    media_type="application/pdf",
                    size_bytes=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    uploaded_by=organiser,
                )
            )


def _add_actions(session, organiser, convening, invited, index: int) -> None:
    """A hundred and fifty actions in every status, each with its history of two updates."""
    statuses = list(ActionStatus)
    priorities = list(ActionPriority)
    today = date(2027, 3, 1)
    for number in range(ACTIONS_PER_CONVENING):
        status = statuses[number % len(statuses)]
        action = ActionItem(
            convening=convening,
            title=f"Action {index}-{number:03d}",
            description="Generated for the benchmark.",
            owner_organisation=invited[number % len(invited)],
            due_on=today + timedelta(days=number % 30 - 10),
            priority=priorities[number % len(priorities)],
            status=status,
            created_by=organiser,
        )
        action.updates = [
            ActionUpdate(
                kind=ActionUpdateKind.CREATED,
                new_status=ActionStatus.OPEN,
                author=organiser,
                author_name=organiser.name,
            ),
            ActionUpdate(
                kind=ActionUpdateKind.STATUS,
                old_status=ActionStatus.OPEN,
                new_status=status,
                note="Progress reported at the meeting.",
                author=organiser,
                author_name=organiser.name,
            ),
        ]
        session.add(action)
