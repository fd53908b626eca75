"""Calendar files served to people: a convening's download, its agenda, and personal feeds.

Agenda items always come from the latest published agenda version, filtered by audience with
``audiences.admits``, so a calendar never shows an item its page would hide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from icalendar import Event
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from ..audiences import Viewer, admits, viewer_for
from ..models import AgendaItem, AgendaVersion, Convening, User
from ..permissions import Action, can
from ..principal import Principal, load_principal
from ..tokens import hash_token
from ..urls import external_url
from .action_todos import feed_todos
from .agenda_events import agenda_item_event, agenda_item_uid
from .ics import build_calendar, build_event, convening_uid

FEED_NAME = "Convenings"
# What tokens.new_token makes: URL-safe base64 of 32 bytes.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def convening_url(convening: Convening) -> str:
    return external_url("convenings.show", convening_id=convening.id)


def agenda_url(convening: Convening) -> str:
    return external_url("agenda.show", convening_id=convening.id)


def convening_event(convening: Convening) -> Event:
    """The convening's own event, the same in downloads and feeds."""
    return build_event(
        convening,
        uid=convening_uid(convening),
        sequence=convening.calendar_sequence,
        url=convening_url(convening),
    )


def latest_versions(session: Session, convening_ids: Iterable[int]) -> dict[int, AgendaVersion]:
    """The latest published agenda version of each convening that has one (one query)."""
    ids = list(convening_ids)
    if not ids:
        return {}
    latest = (
        select(AgendaVersion.convening_id, func.max(AgendaVersion.number).label("number"))
        .where(AgendaVersion.convening_id.in_(ids))
        .group_by(AgendaVersion.convening_id)
        .subquery()
    )
    versions = session.scalars(
        select(AgendaVersion).join(
            latest,
            and_(
                AgendaVersion.convening_id == latest.c.convening_id,
                AgendaVersion.number == latest.c.number,
            ),
        )
    )
    return {version.convening_id: version for version in versions}


def visible_entries(version: AgendaVersion | None, viewer: Viewer) -> list[dict[str, Any]]:
    """The published items this viewer may see, in their published order."""
    if version is None:
        return []
    return [entry for entry in version.items or [] if admits(entry.get("audience") or {}, viewer)]


def item_sequences(session: Session, item_ids: Iterable[int]) -> dict[int, int]:
    """Each existing item's own calendar sequence (one query); removed items are absent."""
    ids = [item_id for item_id in item_ids if isinstance(item_id, int)]
    if not ids:
        return {}
    return dict(
        session.execute(
            select(AgendaItem.id, AgendaItem.calendar_sequence).where(AgendaItem.id.in_(ids))
        ).all()
    )


def agenda_events(
    convening: Convening,
    entries: list[dict[str, Any]],
    sequences: dict[int, int],
    location: str | None,
) -> list[Event]:
    """An event per published item; its SEQUENCE rises with the convening's and the item's."""
    url = agenda_url(convening)
    return [
        agenda_item_event(
            convening,
            entry,
            uid=agenda_item_uid(entry["item_id"]),
            sequence=convening.calendar_sequence + sequences.get(entry["item_id"], 0),
            url=url,
            location=location,
        )
        for entry in entries
        if entry.get("item_id") is not None and entry.get("starts_at") and entry.get("ends_at")
    ]


def _ics(events: list[Event], name: str | None = None) -> bytes:
    calendar = build_calendar(events)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar.to_ical()


def convening_calendar(convening: Convening) -> bytes:
    """The .ics download with the convening as one event."""
    return _ics([convening_event(convening)])


def agenda_calendar(session: Session, convening: Convening, viewer: Viewer) -> bytes:
    """The convening's event and each item of its latest published agenda the viewer may see."""
    version = latest_versions(session, [convening.id]).get(convening.id)
    entries = visible_entries(version, viewer)
    sequences = item_sequences(session, [entry.get("item_id") for entry in entries])
    main = convening_event(convening)
    events = [main, *agenda_events(convening, entries, sequences, main.get("location"))]
    return _ics(events, convening.title)


def feed_convenings(session: Session, principal: Principal) -> list[Convening]:
    """The convenings the user is part of (team or participant) that their pages show them."""
    ids = set(principal.team_roles) | set(principal.participant_convening_ids)
    if not ids:
        return []
    convenings = session.scalars(
        select(Convening)
        .where(Convening.id.in_(ids))
        .options(joinedload(Convening.host_organisation))
        .order_by(Convening.starts_at, Convening.id)
    )
    return [c for c in convenings if can(principal, Action.VIEW_CONVENING, c)]


def feed_calendar(session: Session, user: User) -> bytes:
    """A user's personal feed: their convenings, the agenda items meant for them, their actions."""
    principal = load_principal(session, user)
    convenings = feed_convenings(session, principal)
    versions = latest_versions(session, [convening.id for convening in convenings])
    visible = {
        convening.id: visible_entries(
            versions.get(convening.id), viewer_for(session, principal, convening)
        )
        for convening in convenings
    }
    sequences = item_sequences(
        session, [entry.get("item_id") for entries in visible.values() for entry in entries]
    )
    events = []
    for convening in convenings:
        main = convening_event(convening)
        events.append(main)
        events.extend(
            agenda_events(convening, visible[convening.id], sequences, main.get("location"))
        )
    # The actions the person or their organisation owes, as to-dos.
    events.extend(feed_todos(session, principal))
    return _ics(events, FEED_NAME)


def find_feed_user(session: Session, raw_token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    if not _TOKEN_SHAPE.fullmatch(raw_token or ""):
        return None
    user = session.scalar(
        select(User).where(User.calendar_feed_token_hash == hash_token(raw_token))
    )
    if user is None or not user.active:
        return None
    return user


def feed_urls(raw_token: str) -> dict[str, str]:
    """The feed's address to subscribe to (webcal://) and to paste (https://)."""
    https = external_url("calendar.feed", token=raw_token)
    return {"https": https, "webcal": re.sub(r"^https?://", "webcal://", https)}
