"""Changing convenings: creating, editing and cloning.

Status changes live in ``status``, the team in ``team``, series in ``series``, the checking of
input in ``validation``. Each service takes the session and the acting principal, refuses with
the service contract's errors and never commits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from ..models import Convening, ConveningStatus, Series, TeamMembership, TeamRole, User
from ..principal import Principal
from ..service import StaleError
from .validation import ConveningInput, resolve, sensitivity_labels

__all__ = [
    "ConveningInput",
    "clone_convening",
    "create_convening",
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


def create_convening(session: Session, principal: Principal, data: ConveningInput) -> Convening:
    """Create a draft convening with its creator as organiser."""
    actor = principal.user
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
    principal: Principal,
    convening: Convening,
    data: ConveningInput,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Save an edit made on the given version; answer the fields changed."""
    if expected_version != convening.version:
        raise StaleError()
    actor = principal.user
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
    principal: Principal,
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
    actor = principal.user
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
