"""Loading the demonstration data; every step looks for what exists before adding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.passwords import hash_password
from ..models import (
    Contact,
    Convening,
    ConveningStatus,
    InvitationStatus,
    Organisation,
    OrganisationSector,
    Series,
    TeamMembership,
    TeamRole,
    User,
    utcnow,
)
from ..timezones import local_to_utc
from . import actions, agenda, data, delegations
from . import briefings as briefing_documents


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.created.append(text)


def _slug(name: str) -> str:
    return "".join(character for character in name.lower() if character.isalnum())[:20]


def _organisations(session: Session, report: SeedReport) -> dict[str, Organisation]:
    existing = {
        organisation.name_normalized: organisation
        for organisation in session.scalars(select(Organisation))
    }
    found: dict[str, Organisation] = {}
    for name, kind, country, sectors, website in data.ORGANISATIONS:
        organisation = existing.get(name.lower())
        if organisation is None:
            organisation = Organisation(
                name=name,
                name_normalized=name.lower(),
                kind=kind,
                country=country,
                website=website,
                notes="",
                sector_links=[OrganisationSector(name=sector) for sector in sectors],
            )
            session.add(organisation)
            report.note(f"organisation {name}")
        found[name] = organisation
    session.flush()
    return found


def _focal_point(session: Session, organisation: Organisation, email: str, name: str) -> Contact:
    contact = session.scalar(
        select(Contact).where(
            Contact.organisation_id == organisation.id, Contact.email_normalized == email.lower()
        )
    )
    if contact is None:
        contact = Contact(
            organisation=organisation,
            name=name,
            email=email,
            email_normalized=email.lower(),
            title="Focal point",
        )
        session.add(contact)
    return contact


def _accounts(
    session: Session, organisations: dict[str, Organisation], password: str, report: SeedReport
) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = None
    for email, name, _role, organisation_name, is_admin in data.DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.email_normalized == email))
        if user is None:
            password_hash = password_hash or hash_password(password)
            contact = None
            if organisation_name:
                contact = _focal_point(session, organisations[organisation_name], email, name)
            user = User(
                email=email,
                email_normalized=email,
                name=name,
                password_hash=password_hash,
                password_changed_at=utcnow(),
                email_confirmed_at=utcnow(),
                is_admin=is_admin,
                contact=contact,
            )
            session.add(user)
            report.note(f"account {email}")
        users[email] = user
    # Every other organisation gets a focal point contact too (no account).
    for name, organisation in organisations.items():
        _focal_point(
            session, organisation, f"focal.{_slug(name)}@example.org", f"{name} focal point"
        )
    session.flush()
    return users


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return local_to_utc(datetime.combine(day, time(hour, minute)), zone)


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _convening(session: Session, series: Series, report: SeedReport, **fields) -> Convening:
    convening = session.scalar(
        select(Convening).where(
            Convening.title == fields["title"], Convening.series_id == series.id
        )
    )
    if convening is None:
        convening = Convening(series=series, **fields)
        session.add(convening)
        report.note(f"convening {fields['title']}")
    return convening


def _team(convening: Convening, users: dict[str, User]) -> None:
    present = {membership.user_id for membership in convening.team if membership.user_id}
    wanted = [
        (users["organiser@example.org"], TeamRole.ORGANISER),
        (users["coordinator@example.org"], TeamRole.COORDINATOR),
    ]
    for user, role in wanted:
        if user.id not in present:
            convening.team.append(TeamMembership(user=user, role=role))


def _main_statuses() -> dict[str, InvitationStatus]:
    """Nearly fifty organisations invited to Washington, answering in every way."""
    cycle = [
        InvitationStatus.ACCEPTED,
        InvitationStatus.ACCEPTED,
        InvitationStatus.SENT,
        InvitationStatus.TENTATIVE,
        InvitationStatus.ACCEPTED,
        InvitationStatus.DECLINED,
    ]
    statuses = {}
    for index, (name, *_rest) in enumerate(data.ORGANISATIONS):
        if name == "Justice Department":
            continue  # the host
        statuses[name] = cycle[index % len(cycle)]
    # Reported as present at the real meeting.
    for name in (
        "Apple",
        "Twitter",
        "Facebook",
        "Snapchat",
        "MTV",
        "National Security Council",
        "State Department",
        "National Counterterrorism Center",
    ):
        statuses[name] = InvitationStatus.ACCEPTED
    statuses["British Embassy Washington"] = InvitationStatus.SENT
    statuses["Institute for Narrative Strategy"] = InvitationStatus.DRAFT
    statuses["Center for Online Safety Research"] = InvitationStatus.DRAFT
    statuses["Havas"] = InvitationStatus.WITHDRAWN
    return statuses


def seed(session: Session, password: str, today: date | None = None) -> SeedReport:
    """Add whatever of the demonstration is missing; what exists is left as it is."""
    report = SeedReport()
    today = today or utcnow().date()
    organisations = _organisations(session, report)
    users = _accounts(session, organisations, password, report)

    series = session.scalar(select(Series).where(Series.name == data.SERIES_NAME))
    if series is None:
        series = Series(name=data.SERIES_NAME, description=data.SERIES_DESCRIPTION)
        session.add(series)
        report.note(f"series {data.SERIES_NAME}")

    pacific, eastern = "America/Los_Angeles", "America/New_York"
    valley_day = _next_weekday(today - timedelta(days=49), 4)
    washington_day = _next_weekday(today + timedelta(days=21), 2)
    studio_day = washington_day - timedelta(days=7)
    justice = organisations["Justice Department"]

    valley = _convening(
        session,
        series,
        report,
        title="Silicon Valley technology leaders meeting",
        codename="Madison Valleywood: Valley",
        summary=data.VALLEY_SUMMARY,
        host_organisation=justice,
        venue_name="Conference centre",
        venue_address="San Jose, California",
        venue_room="Hall B",
        timezone=pacific,
        starts_at=_at(valley_day, 10, 0, pacific),
        ends_at=_at(valley_day, 15, 0, pacific),
        rsvp_deadline=_at(valley_day - timedelta(days=7), 17, 0, pacific),
        sensitivity="Official-Sensitive",
        status=ConveningStatus.CONCLUDED,
    )
    studios = _convening(
        session,
        series,
        report,
        title="Film and television studio heads meeting",
        codename="Madison Valleywood: Hollywood",
        summary=data.STUDIO_SUMMARY,
        host_organisation=organisations["State Department"],
        venue_name="Studio lot screening room",
        venue_address="Los Angeles, California",
        timezone=pacific,
        starts_at=_at(studio_day, 9, 30, pacific),
        ends_at=_at(studio_day, 13, 0, pacific),
        rsvp_deadline=_at(studio_day - timedelta(days=5), 17, 0, pacific),
        sensitivity="Official",
        status=ConveningStatus.PUBLISHED,
    )
    washington = _convening(
        session,
        series,
        report,
        title="Countering online propaganda: technology, advertising and entertainment",
        codename="Madison Valleywood",
        summary=data.MAIN_SUMMARY,
        host_organisation=justice,
        venue_name="Robert F. Kennedy Department of Justice Building",
        venue_address="950 Pennsylvania Avenue NW, Washington, DC 20530",
        venue_room="Great Hall",
        remote_url="https://meet.example.org/madison-valleywood",
        timezone=eastern,
        starts_at=_at(washington_day, 9, 0, eastern),
        ends_at=_at(washington_day, 16, 30, eastern),
        rsvp_deadline=_at(washington_day - timedelta(days=10), 17, 0, eastern),
        sensitivity="Official-Sensitive",
        status=ConveningStatus.PUBLISHED,
    )
    session.flush()
    for convening in (valley, studios, washington):
        _team(convening, users)
    now = utcnow()
    delegations.invite(
        session,
        report,
        valley,
        organisations,
        dict.fromkeys(
            [name for name in data.VALLEY_VISIT if name != "Justice Department"],
            InvitationStatus.ACCEPTED,
        ),
        now,
    )
    delegations.invite(
        session,
        report,
        studios,
        organisations,
        {
            name: (InvitationStatus.SENT if index % 3 else InvitationStatus.ACCEPTED)
            for index, name in enumerate(data.STUDIO_MEETING)
        },
        now,
    )
    delegations.invite(session, report, washington, organisations, _main_statuses(), now)
    delegations.request_seats(session, report, washington)
    for convening in (valley, studios, washington):
        delegations.delegate(session, report, convening, users["organiser@example.org"])
    agenda.add(session, report, washington, valley, studios, users, now)
    briefing_documents.add(session, report, washington, valley, users, now)
    actions.add(session, report, valley, studios, washington, organisations, users, today, now)
    if report.created:
        audit.record(
            session,
            None,
            "demo.seeded",
            series,
            changes={"created": len(report.created)},
            label="Madison Valleywood demo",
        )
    return report
