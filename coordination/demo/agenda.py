"""The demonstration's agendas and minutes, built through the agenda and minutes services.

A convening whose agenda already has items or published versions is left as it is, and so
are minutes that already have entries: running the demo again adds nothing. Each step is
dated as if done in the days before (or, for minutes, during) its convening.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..agenda import queries, services, versions
from ..agenda.timing import compute
from ..minutes.services import MinuteInput, add_entry, set_published
from ..models import (
    AgendaItem,
    AudienceKind,
    AuditEvent,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    MinuteEntry,
    Organisation,
    User,
)
from ..principal import load_principal
from ..timezones import utc_to_local
from . import agenda_data as facts

if TYPE_CHECKING:
    from .seed import SeedReport


@contextmanager
def _dated(session: Session, when: datetime) -> Iterator[None]:
    """Audit events written inside the block are dated ``when`` instead of now."""
    session.flush()
    last = session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    yield
    session.flush()
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.id > last)
        .values(occurred_at=when)
        .execution_options(synchronize_session="fetch")
    )


def _invited(session: Session, convening: Convening) -> dict[str, int]:
    """Organisations invited to the convening (not withdrawn), by name."""
    rows = session.execute(
        select(Organisation.name, Organisation.id)
        .join(Invitation, Invitation.organisation_id == Organisation.id)
        .where(
            Invitation.convening_id == convening.id,
            Invitation.status != InvitationStatus.WITHDRAWN,
        )
    )
    return {name: organisation_id for name, organisation_id in rows}


def _delegate_id(
    session: Session, convening: Convening, organisation: str, name: str
) -> int | None:
    return session.scalar(
        select(Delegate.id)
        .join(Invitation, Invitation.id == Delegate.invitation_id)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .where(
            Invitation.convening_id == convening.id,
            Invitation.status != InvitationStatus.WITHDRAWN,
            Organisation.name == organisation,
            Delegate.name == name,
            Delegate.status == DelegateStatus.CONFIRMED,
        )
    )


def _input(
    session: Session, convening: Convening, item: facts.DemoItem, invited: dict[str, int]
) -> services.ItemInput:
    """The item as the builder's form would send it.

    Presenting organisations not invited (such as the host) are named in the free text; an
    audience's organisations not invited are left out.
    """
    fixed = None
    if item.fixed_start is not None:
        day = utc_to_local(convening.starts_at, convening.timezone).date()
        fixed = datetime.combine(day, item.fixed_start)
    audience = item.audience
    audience_ids = [invited[name] for name in item.audience_organisations if name in invited]
    if audience is AudienceKind.ORGANISATIONS and not audience_ids:
        audience = AudienceKind.TEAM  # narrower, never wider, than meant
    delegate_ids = [
        delegate_id
        for organisation, name in item.delegates
        if (delegate_id := _delegate_id(session, convening, organisation, name)) is not None
    ]
    uninvited = [name for name in item.organisations if name not in invited]
    return services.ItemInput(
        title=item.title,
        duration_minutes=item.minutes,
        kind=item.kind.value,
        description=item.description,
        fixed_start_local=fixed,
        presenter_organisation_ids=[invited[n] for n in item.organisations if n in invited],
        presenter_delegate_ids=delegate_ids,
        presenters_text="; ".join([*uninvited, *filter(None, [item.presenters_text])]),
        audience_kind=audience.value,
        audience_kinds=[kind.value for kind in item.audience_kinds],
        audience_organisation_ids=audience_ids,
    )


def _build(
    session: Session,
    report: SeedReport,
    convening: Convening,
    items: list[facts.DemoItem],
    actor: User,
) -> list[AgendaItem] | None:
    """Create the draft agenda, unless the convening has one (items or versions) already."""
    present = session.scalar(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.convening_id == convening.id)
    )
    if present or queries.last_version_number(session, convening):
        return None
    invited = _invited(session, convening)
    acting = load_principal(session, actor)
    built = [
        services.create_item(session, acting, convening, _input(session, convening, item, invited))
        for item in items
    ]
    report.note(f"agenda of {convening.title} ({len(built)} items)")
    return built


def _publish(
    session: Session, report: SeedReport, convening: Convening, actor: User, when: datetime
) -> None:
    with _dated(session, when):
        version = versions.publish(session, load_principal(session, actor), convening)
        version.published_at = when
    report.note(f"agenda version {version.number} of {convening.title}")


def _revise(session: Session, actor: User, items: list[AgendaItem]) -> None:
    """Version 2's change: fifteen minutes move between two discussions; one is retitled."""
    acting = load_principal(session, actor)
    by_title = {item.title: item for item in items}
    changes = [
        (facts.LONGER[0], {"duration_minutes": facts.LONGER[1]}),
        (facts.SHORTER[0], {"duration_minutes": facts.SHORTER[1]}),
        (facts.RETITLED[0], {"title": facts.RETITLED[1]}),
    ]
    for title, values in changes:
        item = by_title[title]
        data = replace(services.input_from(item), **values)
        services.update_item(session, acting, item, data, item.version)


def _minutes(
    session: Session, report: SeedReport, convening: Convening, users: dict[str, User]
) -> None:
    """The valley convening's notes and decisions, shared with participants afterwards."""
    written = session.scalar(
        select(func.count())
        .select_from(MinuteEntry)
        .where(MinuteEntry.convening_id == convening.id)
    )
    if written:
        return
    items = queries.draft_items(session, convening)
    schedule = compute(items, convening.starts_at, convening.ends_at, convening.timezone)
    starts = {entry.item.title: (entry.item, entry.starts_at) for entry in schedule.items}
    writers = [
        load_principal(session, users["coordinator@example.org"]),
        load_principal(session, users["organiser@example.org"]),
    ]
    taken: dict[str | None, int] = {}
    for index, (kind, title, body) in enumerate(facts.VALLEY_MINUTES):
        item, start = starts.get(title, (None, convening.starts_at))
        if title is not None and item is None:
            continue  # a note meant for an item must not become a general one
        taken[title] = taken.get(title, 0) + 1
        when = start + timedelta(minutes=10 * taken[title])
        data = MinuteInput(kind=kind, body=body, agenda_item_id=item.id if item else None)
        with _dated(session, when):
            entry = add_entry(session, writers[index % 2], convening, data)
            session.flush()
            # A statement rather than attributes, so the entry keeps its first version.
            session.execute(
                update(MinuteEntry)
                .where(MinuteEntry.id == entry.id)
                .values(created_at=when, updated_at=when)
                .execution_options(synchronize_session="fetch")
            )
    report.note(f"minutes of {convening.title}")
    if convening.minutes_published_at is None:
        when = convening.ends_at + timedelta(days=2)
        with _dated(session, when):
            set_published(session, writers[1], convening, True)
            convening.minutes_published_at = when


def add(
    session: Session,
    report: SeedReport,
    washington: Convening,
    valley: Convening,
    studios: Convening,
    users: dict[str, User],
    now: datetime,
) -> None:
    """Agendas for the three convenings (two versions for Washington) and the valley minutes."""
    organiser = users["organiser@example.org"]

    built_at = min(now, washington.starts_at) - timedelta(days=9)
    with _dated(session, built_at):
        items = _build(session, report, washington, facts.WASHINGTON, organiser)
    if items is not None:
        _publish(session, report, washington, organiser, built_at + timedelta(days=1))
        revised_at = min(now, washington.starts_at) - timedelta(days=2)
        with _dated(session, revised_at):
            _revise(session, organiser, items)
        _publish(session, report, washington, organiser, revised_at + timedelta(hours=1))

    built_at = valley.starts_at - timedelta(days=10)
    with _dated(session, built_at):
        items = _build(session, report, valley, facts.VALLEY, organiser)
    if items is not None:
        _publish(session, report, valley, organiser, built_at + timedelta(days=3))
    _minutes(session, report, valley, users)

    with _dated(session, min(now, studios.starts_at) - timedelta(days=3)):
        _build(session, report, studios, facts.STUDIOS, users["coordinator@example.org"])
    session.flush()
