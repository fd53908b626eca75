"""A convening with a timed agenda for three audiences, shared by the minutes and calendar tests.

A company and a government agency are invited; the agenda has an item for everyone, one for
government agencies only and one for the team only. The convening runs over two days across
the change to British Summer Time (31 March 2030), so times must land in the right UTC instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from coordination.agenda import versions
from coordination.models import (
    AgendaItem,
    AgendaVersion,
    Audience,
    AudienceKind,
    Convening,
    ConveningStatus,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    User,
)
from tests.factories import principal

STARTS = datetime(2030, 3, 30, 9, 0, tzinfo=UTC)  # 09:00 GMT, Saturday
ENDS = datetime(2030, 3, 31, 16, 0, tzinfo=UTC)  # 17:00 BST, Sunday
SECOND_DAY = datetime(2030, 3, 31, 8, 0, tzinfo=UTC)  # 09:00 BST, after the clocks change


@dataclass
class World:
    convening: Convening
    organiser: User
    coordinator: User
    company: Organisation
    agency: Organisation
    company_user: User
    agency_user: User
    outsider: User
    items: dict[str, AgendaItem]


def add_item(
    db,
    convening: Convening,
    title: str,
    *,
    position: int,
    minutes: int = 30,
    audience: AudienceKind = AudienceKind.EVERYONE,
    kinds: tuple[OrganisationKind, ...] = (),
    fixed_start: datetime | None = None,
) -> AgendaItem:
    item = AgendaItem(
        convening_id=convening.id,
        position=position,
        title=title,
        description=f"About {title}.",
        duration_minutes=minutes,
        fixed_start=fixed_start,
        audience=Audience(kind=audience, organisation_kinds=[kind.value for kind in kinds]),
    )
    db.add(item)
    db.commit()
    return item


def build(make, db, *, status: ConveningStatus = ConveningStatus.PUBLISHED) -> World:
    organiser = make.user(name="Olive Organiser")
    coordinator = make.user(name="Colin Coordinator")
    company = make.organisation("Acme Social", kind=OrganisationKind.COMPANY)
    agency = make.organisation("Department of Things", kind=OrganisationKind.GOVERNMENT_AGENCY)
    elsewhere = make.organisation("Uninvited Ltd")
    convening = make.convening(
        "Madison Valleywood",
        status=status,
        timezone="Europe/London",
        starts_at=STARTS,
        hours=(ENDS - STARTS).total_seconds() / 3600,
        organisers=(organiser,),
        coordinators=(coordinator,),
        venue_name="Great Hall",
    )
    make.invitation(convening, company, status=InvitationStatus.ACCEPTED)
    make.invitation(convening, agency, status=InvitationStatus.SENT)
    items = {
        "opening": add_item(db, convening, "Opening remarks", position=0, minutes=45),
        "government": add_item(
            db,
            convening,
            "Classified threat briefing",
            position=1,
            minutes=60,
            audience=AudienceKind.KINDS,
            kinds=(OrganisationKind.GOVERNMENT_AGENCY,),
        ),
        "team": add_item(
            db, convening, "Team debrief", position=2, minutes=30, audience=AudienceKind.TEAM
        ),
        "second_day": add_item(
            db,
            convening,
            "Counter-narratives workshop",
            position=3,
            minutes=90,
            fixed_start=SECOND_DAY,
        ),
    }
    return World(
        convening=convening,
        organiser=organiser,
        coordinator=coordinator,
        company=company,
        agency=agency,
        company_user=make.participant(company),
        agency_user=make.participant(agency),
        outsider=make.participant(elsewhere),
        items=items,
    )


def publish(app, db, world: World) -> AgendaVersion:
    """Publish the draft agenda through the agenda's own service."""
    with app.app_context():
        version = versions.publish(db, principal(world.organiser), world.convening)
        db.commit()
    return version
