"""Telling everyone invited that the convening's time, place or status changed.

The convening's calendar sequence rises with each such change (see convenings.services), so the
updated calendar invitation replaces the earlier one; a cancelled convening sends a CANCEL.
What changed is read from the audit trail: the changes since invitations first went out, or
since the last notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ... import audit
from ...calendar import ics
from ...convenings.services import CALENDAR_FIELDS
from ...models import (
    AuditEvent,
    Convening,
    ConveningStatus,
    Invitation,
    InvitationStatus,
)
from ...principal import Principal
from ...service import InputError, StaleError
from ...timezones import format_local
from ...urls import external_url
from .batches import Outcome, new_batch, queue_calendar_email
from .sending import PARTSTATS

NOTIFIED = "invitations.change_notified"
CHANGE_ACTIONS = ("convening.updated", "convening.status_changed")
# Invitations whose people expect to hear of changes (declined and withdrawn ones do not).
AUDIENCE_STATUSES = (InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)
FIELD_LABELS = {
    "starts_at": "Starts",
    "ends_at": "Ends",
    "timezone": "Time zone",
    "venue_name": "Venue",
    "venue_address": "Venue address",
    "venue_room": "Room",
    "remote_url": "Remote link",
    "status": "Status",
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Audience:
    invitations: list[Invitation]

    @property
    def focal_points(self) -> int:
        return sum(1 for invitation in self.invitations if _reachable(invitation))

    @property
    def delegates(self) -> int:
        return sum(len(invitation.active_delegates) for invitation in self.invitations)

    @property
    def total(self) -> int:
        return self.focal_points + self.delegates


def _reachable(invitation: Invitation) -> bool:
    contact = invitation.focal_point
    return contact is not None and bool(contact.email) and not contact.is_archived


def _readable(name: str, value: Any, zone: str) -> str:
    if value in (None, ""):
        return "(none)"
    if name in ("starts_at", "ends_at") and isinstance(value, str):
        try:
            return format_local(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    if name == "status":
        try:
            return ConveningStatus(value).label
        except ValueError:
            return str(value)
    return str(value)


def pending_changes(session: Session, convening: Convening) -> list[Change]:
    """Changes of time, place or status that people already invited have not been told of."""
    if convening.calendar_sequence == 0:
        return []
    out, first_sent = session.execute(
        select(func.count(Invitation.id), func.min(Invitation.sent_at)).where(
            Invitation.convening_id == convening.id, Invitation.status.in_(AUDIENCE_STATUSES)
        )
    ).one()
    if not out:
        return []
    last_notified = session.scalar(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.convening_id == convening.id, AuditEvent.action == NOTIFIED
        )
    )
    query = select(AuditEvent.changes).where(
        AuditEvent.convening_id == convening.id, AuditEvent.action.in_(CHANGE_ACTIONS)
    )
    moments = [moment for moment in (first_sent, last_notified) if moment is not None]
    if moments:
        query = query.where(AuditEvent.occurred_at > max(moments))
    merged: dict[str, list[Any]] = {}
    watched = CALENDAR_FIELDS | {"status"}
    for changes in session.scalars(query.order_by(AuditEvent.occurred_at, AuditEvent.id)):
        for name, value in (changes or {}).items():
            if name not in watched or not isinstance(value, list) or len(value) != 2:
                continue
            merged.setdefault(name, list(value))[1] = value[1]
    return [
        Change(
            label,
            _readable(name, merged[name][0], convening.timezone),
            _readable(name, merged[name][1], convening.timezone),
        )
        for name, label in FIELD_LABELS.items()
        if name in merged and merged[name][0] != merged[name][1]
    ]


def audience(session: Session, convening: Convening) -> Audience:
    """Invitations sent and not declined, with their focal points and delegates."""
    return Audience(
        list(
            session.scalars(
                select(Invitation)
                .where(
                    Invitation.convening_id == convening.id,
                    Invitation.status.in_(AUDIENCE_STATUSES),
                )
                .options(
                    joinedload(Invitation.organisation),
                    joinedload(Invitation.focal_point),
                    selectinload(Invitation.delegates),
                )
                .order_by(Invitation.id)
            ).unique()
        )
    )


def check_can_notify(convening: Convening) -> None:
    if convening.status == ConveningStatus.DRAFT:
        raise InputError(
            "This convening is a draft again: publish it before telling the people invited."
        )
    if convening.status == ConveningStatus.CONCLUDED:
        raise InputError("This convening has concluded: there is nobody left to tell.")


NOTHING_NEW = (
    "Nothing the people invited see (time, place or status) has changed since they were last "
    "told, so nothing was sent."
)
MOVED_ON = (
    "The convening changed again while you were looking at this page. Nothing was sent: check "
    "what will be announced now and send again."
)


def _lock(session: Session, convening: Convening) -> Convening:
    """Re-read the convening under a row lock, so two notices for one change queue up and the
    second finds the first already recorded."""
    return session.execute(
        select(Convening)
        .where(Convening.id == convening.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def notify_change(
    session: Session, principal: Principal, convening: Convening, based_on: int | None = None
) -> Outcome:
    """Email every focal point and confirmed delegate an updated (or cancelled) calendar event.

    Only when something they see has changed since they were last told: a second press of the
    button, or a notice about nothing, sends nothing. ``based_on`` is the calendar sequence the
    organiser's page showed; a convening changed since is not announced unseen (StaleError).
    """
    convening = _lock(session, convening)
    check_can_notify(convening)
    if based_on is not None and based_on != convening.calendar_sequence:
        raise StaleError(MOVED_ON)
    changes = pending_changes(session, convening)
    if not changes:
        raise InputError(NOTHING_NEW)
    people = audience(session, convening)
    if not people.total:
        raise InputError("Nobody invited can be reached by email, so there is nobody to tell.")
    cancelled = convening.status == ConveningStatus.CANCELLED
    url = external_url("convenings.show", convening_id=convening.id)
    outcome = Outcome(batch=new_batch())

    def send(to: str, name: str, uid: str, sequence: int, partstat: str, **extra) -> None:
        queue_calendar_email(
            session,
            to=to,
            subject="Cancelled: {title}" if cancelled else "Updated: {title}",
            template="invitation_update",
            context={
                "convening": convening,
                "name": name,
                "changes": changes,
                "cancelled": cancelled,
                "link": url,
                **extra,
            },
            calendar=ics.itip_message(
                convening,
                uid=uid,
                sequence=sequence,
                url=url,
                attendee=ics.Attendee(to, name, partstat),
                cancel=cancelled,
            ),
            cancel=cancelled,
            batch=outcome.batch,
            convening=convening,
        )
        outcome.emails += 1

    for invitation in people.invitations:
        contact = invitation.focal_point
        partstat = PARTSTATS.get(invitation.status, ics.PARTSTAT_NEEDS_ACTION)
        if _reachable(invitation):
            send(
                contact.email,
                contact.name,
                ics.invitation_uid(convening, invitation.id),
                convening.calendar_sequence + invitation.calendar_sequence,
                partstat,
                invitation=invitation,
                delegate=None,
            )
        else:
            outcome.unreachable.append(invitation.organisation.name)
        for delegate in invitation.active_delegates:
            send(
                delegate.email,
                delegate.name,
                ics.delegate_uid(convening, delegate.id),
                convening.calendar_sequence + delegate.calendar_sequence,
                ics.PARTSTAT_TENTATIVE
                if invitation.status == InvitationStatus.TENTATIVE
                else ics.PARTSTAT_ACCEPTED,
                invitation=invitation,
                delegate=delegate,
            )
        outcome.done.append(invitation.organisation.name)
    audit.record(
        session,
        principal.user,
        NOTIFIED,
        convening,
        changes={
            "emails": outcome.emails,
            "calendar_sequence": convening.calendar_sequence,
            "what_changed": "; ".join(f"{c.label}: {c.before} → {c.after}" for c in changes),
            "batch": outcome.batch,
        },
        convening_id=convening.id,
    )
    return outcome
