"""Rules for convenings: creating, editing and cloning; the dashboard's sections.

Status changes live in ``status``, the checking of input in ``validation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import audit
from ..models import Convening, ConveningStatus, Series, TeamMembership, TeamRole, User, utcnow
from ..principal import Principal
from .validation import (
    STALE_MESSAGE,
    ConveningError,
    ConveningInput,
    StaleConveningError,
    resolve,
    sensitivity_labels,
)

__all__ = [
    "STALE_MESSAGE",
    "ConveningError",
    "ConveningInput",
    "StaleConveningError",
    "clone_convening",
    "create_convening",
    "dashboard_convenings",
    "input_from",
    "sensitivity_labels",
    "update_convening",
]

# Fields written to the audit trail, in the order they are shown.
AUDITED_FIELDS = (
    "title",
    "codename",
    "summary",
    "host_organisation",
    "venue_name",
    "venue_address",
    "venue_room",
    "remote_url",
    "timezone",
    "starts_at",
    "ends_at",
    "rsvp_deadline",
    "sensitivity",
    "series",
    "status",
)
# Changes that make the calendar files sent to invitees out of date.
CALENDAR_FIELDS = frozenset(
    {
        "starts_at",
        "ends_at",
        "timezone",
        "venue_name",
        "venue_address",
        "venue_room",
        "remote_url",
    }
)


def _new_series(session: Session, actor: User, name: str) -> Series:
    series = Series(name=name)
    session.add(series)
    audit.record(session, actor, "series.created", series, changes={"name": name})
    return series


def _apply(session: Session, actor: User, convening: Convening, data: ConveningInput) -> None:
    values, new_series_name = resolve(session, data, convening if convening.id else None)
    if new_series_name:
        values["series"] = _new_series(session, actor, new_series_name)
    for name, value in values.items():
        setattr(convening, name, value)


def describe(convening: Convening) -> dict[str, Any]:
    """The audited fields as people read them (organisation and series by name)."""
    values = audit.snapshot(
        convening,
        [name for name in AUDITED_FIELDS if name not in ("host_organisation", "series")],
    )
    host, series = convening.host_organisation, convening.series
    values["host_organisation"] = host.name if host else None
    values["series"] = series.name if series else None
    return {name: values[name] for name in AUDITED_FIELDS}


def input_from(convening: Convening, **changes: Any) -> ConveningInput:
    """The input that would recreate the convening as it is, with some fields changed."""
    base = ConveningInput(
        title=convening.title,
        timezone=convening.timezone,
        starts_local=convening.local_start.replace(tzinfo=None),
        ends_local=convening.local_end.replace(tzinfo=None),
        sensitivity=convening.sensitivity,
        codename=convening.codename or "",
        summary=convening.summary or "",
        host_organisation_id=convening.host_organisation_id,
        venue_name=convening.venue_name or "",
        venue_address=convening.venue_address or "",
        venue_room=convening.venue_room or "",
        remote_url=convening.remote_url or "",
        rsvp_local=(
            convening.local_rsvp_deadline.replace(tzinfo=None) if convening.rsvp_deadline else None
        ),
        series_id=convening.series_id,
    )
    return replace(base, **changes)


def create_convening(session: Session, actor: User, data: ConveningInput) -> Convening:
    """Create a draft convening with its creator as organiser."""
    convening = Convening(status=ConveningStatus.DRAFT, created_by_id=actor.id)
    _apply(session, actor, convening, data)
    convening.team = [TeamMembership(user=actor, role=TeamRole.ORGANISER)]
    session.add(convening)
    session.flush()
    audit.record(
        session,
        actor,
        "convening.created",
        convening,
        changes=describe(convening),
        convening_id=convening.id,
    )
    return convening


def update_convening(
    session: Session,
    actor: User,
    convening: Convening,
    data: ConveningInput,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Save an edit made on the given version; answer the fields changed."""
    if expected_version != convening.version:
        raise StaleConveningError()
    before = describe(convening)
    _apply(session, actor, convening, data)
    changes = audit.changes_between(before, describe(convening))
    if changes.keys() & CALENDAR_FIELDS:
        convening.calendar_sequence += 1
    if changes:
        session.flush()
        audit.record(
            session,
            actor,
            "convening.updated",
            convening,
            changes=changes,
            convening_id=convening.id,
        )
    return changes


def clone_convening(
    session: Session,
    actor: User,
    source: Convening,
    *,
    title: str,
    starts_local: datetime | None,
    ends_local: datetime | None,
    rsvp_local: datetime | None = None,
    new_series_name: str = "",
) -> Convening:
    """A draft copy of ``source`` at new times, with its fields, series and team.

    When the source has no series, ``new_series_name`` groups the source and the copy.
    """
    data = input_from(
        source,
        title=title,
        starts_local=starts_local,
        ends_local=ends_local,
        rsvp_local=rsvp_local,
        new_series_name=new_series_name if source.series_id is None else "",
    )
    values, series_name = resolve(session, data, source)
    if series_name:
        values["series"] = _new_series(session, actor, series_name)
    if source.series is None and values["series"] is not None:
        source.series = values["series"]
        session.flush()
        audit.record(
            session,
            actor,
            "convening.updated",
            source,
            changes={"series": [None, values["series"].name]},
            convening_id=source.id,
        )
    # Read the source's team before the copy exists, so no autoflush meets it half-built.
    team = [(member.user, member.role) for member in source.team]
    if all(user.id != actor.id for user, _role in team):
        team.append((actor, TeamRole.ORGANISER))
    clone = Convening(status=ConveningStatus.DRAFT, created_by_id=actor.id, **values)
    clone.team = [TeamMembership(user=user, role=role) for user, role in team]
    session.add(clone)
    session.flush()
    audit.record(
        session,
        actor,
        "convening.cloned",
        clone,
        changes={
            **describe(clone),
            "cloned_from": f"{source.title} (#{source.id})",
            "team": [f"{m.user.name} ({m.role.label})" for m in clone.team],
        },
        convening_id=clone.id,
    )
    return clone


@dataclass
class DashboardSections:
    organising: list[Convening] = field(default_factory=list)
    coordinating: list[Convening] = field(default_factory=list)
    participating: list[Convening] = field(default_factory=list)
    past: list[Convening] = field(default_factory=list)


def dashboard_convenings(session: Session, principal: Principal) -> DashboardSections:
    """The principal's convenings by role, upcoming first; past ones apart."""
    ids = set(principal.team_roles) | principal.participant_convening_ids
    sections = DashboardSections()
    if not ids:
        return sections
    convenings = session.scalars(
        select(Convening)
        .where(Convening.id.in_(ids))
        .options(selectinload(Convening.host_organisation), selectinload(Convening.series))
        .order_by(Convening.starts_at)
    ).all()
    now = utcnow()
    for convening in convenings:
        role = principal.team_roles.get(convening.id)
        if role is None and convening.status == ConveningStatus.DRAFT:
            continue
        if convening.ends_at < now:
            sections.past.append(convening)
        elif role is TeamRole.ORGANISER:
            sections.organising.append(convening)
        elif role is TeamRole.COORDINATOR:
            sections.coordinating.append(convening)
        else:
            sections.participating.append(convening)
    sections.past.reverse()
    return sections
