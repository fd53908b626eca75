"""Telling everyone invited what changed in a newly published agenda, each as they see it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import mail
from ..audiences import Viewer
from ..models import (
    AgendaVersion,
    Convening,
    DelegateStatus,
    Invitation,
    InvitationStatus,
)
from ..timezones import utc_to_local
from ..urls import external_url
from .diffs import diff_for, has_changes
from .presenters import time_range

# Invitations whose people hear about agenda changes (declined and drafts do not).
NOTIFIED_STATUSES = (InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)


@dataclass
class Recipient:
    email: str
    name: str
    organisations: set[tuple[int, str]] = field(default_factory=set)

    @property
    def viewer(self) -> Viewer:
        return Viewer(organisations=frozenset(self.organisations))


def recipients(session: Session, convening: Convening) -> list[Recipient]:
    """Focal points and confirmed delegates of invitations still open or accepted, once each."""
    invitations = session.scalars(
        select(Invitation)
        .where(Invitation.convening_id == convening.id, Invitation.status.in_(NOTIFIED_STATUSES))
        .options(
            joinedload(Invitation.organisation),
            joinedload(Invitation.focal_point),
            selectinload(Invitation.delegates),
        )
        .order_by(Invitation.id)
    ).unique()
    people: dict[str, Recipient] = {}

    def add(email: str | None, name: str, invitation: Invitation) -> None:
        if not email:
            return
        key = email.strip().lower()
        person = people.setdefault(key, Recipient(email=email.strip(), name=name))
        person.organisations.add((invitation.organisation_id, invitation.organisation.kind.value))

    for invitation in invitations:
        if invitation.focal_point is not None and invitation.focal_point.archived_at is None:
            add(invitation.focal_point.email, invitation.focal_point.name, invitation)
        for delegate in invitation.delegates:
            if delegate.status == DelegateStatus.CONFIRMED:
                add(delegate.email, delegate.name, invitation)
    return list(people.values())


def _when(value: str, zone: str) -> str:
    return f"{utc_to_local(datetime.fromisoformat(value), zone):%a %d %b}"


def summary_lines(changes: dict[str, list[dict[str, Any]]], zone: str) -> list[str]:
    """The changes as short lines of plain text, times in the convening's zone."""
    lines = []
    for entry in changes.get("added", []):
        starts, ends = datetime.fromisoformat(entry["starts_at"]), entry["ends_at"]
        lines.append(
            f"Added: {entry['title']}, {_when(entry['starts_at'], zone)} "
            f"{time_range(starts, datetime.fromisoformat(ends), zone)}"
        )
    for entry in changes.get("removed", []):
        lines.append(f"Removed: {entry['title']}")
    for entry in changes.get("retimed", []):
        before = entry["before"]
        now = time_range(
            datetime.fromisoformat(entry["starts_at"]),
            datetime.fromisoformat(entry["ends_at"]),
            zone,
        )
        was = time_range(
            datetime.fromisoformat(before["starts_at"]),
            datetime.fromisoformat(before["ends_at"]),
            zone,
        )
        lines.append(
            f"New time: {entry['title']}, now {_when(entry['starts_at'], zone)} {now} "
            f"(was {_when(before['starts_at'], zone)} {was})"
        )
    for entry in changes.get("retitled", []):
        lines.append(f"Renamed: “{entry['before']}” is now “{entry['title']}”")
    return lines


def notify_change(
    session: Session,
    convening: Convening,
    version: AgendaVersion,
    previous_items: list[dict[str, Any]],
) -> int:
    """Queue each recipient a summary of the changes they can see; answer how many were queued.

    Each summary compares the previous and new versions as that recipient sees them, so an
    item meant for others never appears, and people who see no change get no email.
    """
    batch = secrets.token_hex(8)
    link = external_url("agenda.show", convening_id=convening.id)
    queued = 0
    for person in recipients(session, convening):
        changes = diff_for(version, previous_items, person.viewer)
        if not has_changes(changes):
            continue
        body = render_template(
            "agenda/email/changes.txt",
            person=person,
            convening=convening,
            version=version,
            first=not previous_items,
            lines=summary_lines(changes, convening.timezone),
            link=link,
        )
        mail.queue(
            session,
            [person.email],
            f"Agenda updated: {convening.title} (version {version.number})",
            body,
            batch=batch,
            convening_id=convening.id,
        )
        queued += 1
    return queued
