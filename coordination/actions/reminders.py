"""Daily reminder digests: to owners, what is due soon or overdue; to teams, what is overdue.

Each recipient gets at most one digest of each kind a day. The ActionReminder row (unique per
address, kind and day) is the claim: it is inserted in the same transaction as the queued
message, so a second run on the same day, or one racing this one, sends nothing twice.
``claim_and_queue`` is the service; ``run`` is the job (the command line's, the worker's),
which commits each digest on its own so one run never holds the others' claims for long.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from .. import mail
from ..models import (
    OPEN_STATUSES,
    PARTICIPATING_STATUSES,
    ActionItem,
    ActionReminder,
    Contact,
    ConveningStatus,
    DelegateStatus,
    Invitation,
    ReminderKind,
    TeamMembership,
    User,
)
from ..principal import Principal
from ..urls import external_url
from ..webhooks.events import announce_overdue
from .days import Today
from .tracker import owner_label


@dataclass
class Line:
    """One action in a digest."""

    action: ActionItem
    overdue: bool
    owner: str
    url: str


@dataclass
class Digest:
    """What one address is told today, of one kind."""

    kind: ReminderKind
    email: str
    name: str
    lines: list[Line] = field(default_factory=list)
    _ids: set[int] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.email.strip().lower()

    def add(self, line: Line) -> None:
        if line.action.id not in self._ids:
            self._ids.add(line.action.id)
            self.lines.append(line)

    @property
    def overdue(self) -> list[Line]:
        return [line for line in self.lines if line.overdue]

    @property
    def due_soon(self) -> list[Line]:
        return [line for line in self.lines if not line.overdue]


@dataclass
class RunReport:
    on: date
    dry_run: bool
    queued: dict[ReminderKind, list[Digest]] = field(default_factory=dict)
    skipped: dict[ReminderKind, list[Digest]] = field(default_factory=dict)

    def summary(self) -> str:
        verb = "would be sent" if self.dry_run else "queued"
        parts = []
        for kind, noun in ((ReminderKind.OWNER, "owner"), (ReminderKind.COORDINATOR, "team")):
            queued = len(self.queued.get(kind, []))
            skipped = len(self.skipped.get(kind, []))
            parts.append(f"{queued} {noun} digests {verb}, {skipped} already sent")
        return f"Reminders for {self.on.isoformat()}: " + "; ".join(parts) + "."


def action_url(action_id: int) -> str:
    """The action's page, from the configured base URL."""
    return external_url("actions.show", action_id=action_id)


def _line(action: ActionItem, today: Today) -> Line:
    return Line(
        action=action,
        overdue=today.overdue(action),
        owner=owner_label(action),
        url=action_url(action.id),
    )


def _sort_lines(digests: Iterable[Digest]) -> list[Digest]:
    ordered = sorted(digests, key=lambda digest: digest.key)
    for digest in ordered:
        digest.lines.sort(key=lambda line: (line.action.due_on, line.action.id))
    return ordered


def _open_actions(session: Session, *conditions) -> list[ActionItem]:
    return list(
        session.scalars(
            select(ActionItem)
            .where(
                ActionItem.status.in_([status.value for status in OPEN_STATUSES]),
                ActionItem.carried_over_at.is_(None),
                ActionItem.due_on.is_not(None),
                *conditions,
            )
            .options(
                joinedload(ActionItem.convening),
                joinedload(ActionItem.owner_organisation),
                joinedload(ActionItem.owner_user),
                joinedload(ActionItem.owner_delegate),
            )
            .order_by(ActionItem.due_on, ActionItem.id)
        ).unique()
    )


def owner_digests(session: Session, on: Today | date, due_soon_days: int) -> list[Digest]:
    """A digest per owner address: their actions due within the window and those overdue.

    Owners are the owning person (account or named delegate) and, for an organisation's action,
    the focal point of the organisation's invitation to that convening. Draft convenings are
    left out: their actions are not yet shown to anyone outside the team.
    """
    today = Today.coerce(on)
    # A convening's date is at most a day ahead of UTC's: read that far, then judge each action
    # on its own convening's date.
    horizon = today.reference + timedelta(days=due_soon_days + 1)
    actions = [
        action
        for action in _open_actions(session, ActionItem.due_on <= horizon)
        if action.convening.status != ConveningStatus.DRAFT
        and action.due_on <= today.of(action) + timedelta(days=due_soon_days)
    ]
    pairs = {
        (action.convening_id, action.owner_organisation_id)
        for action in actions
        if action.owner_organisation_id is not None
    }
    focal_points: dict[tuple[int, int], list[Contact]] = {}
    if pairs:
        rows = session.execute(
            select(Invitation.convening_id, Invitation.organisation_id, Contact)
            .join(Contact, Contact.id == Invitation.focal_point_id)
            .where(
                Invitation.convening_id.in_(sorted({c for c, _ in pairs})),
                Invitation.organisation_id.in_(sorted({o for _, o in pairs})),
                Invitation.status.in_(PARTICIPATING_STATUSES),
                Contact.archived_at.is_(None),
                Contact.email.is_not(None),
            )
        )
        for convening_id, organisation_id, contact in rows:
            focal_points.setdefault((convening_id, organisation_id), []).append(contact)
    digests: dict[str, Digest] = {}

    def send_to(email: str | None, name: str, action: ActionItem) -> None:
        if not email or not email.strip():
            return
        digest = Digest(ReminderKind.OWNER, email.strip(), name)
        digests.setdefault(digest.key, digest).add(_line(action, today))

    for action in actions:
        if action.owner_user is not None and action.owner_user.active:
            send_to(action.owner_user.email, action.owner_user.name, action)
        delegate = action.owner_delegate
        if delegate is not None and delegate.status == DelegateStatus.CONFIRMED:
            send_to(delegate.email, delegate.name, action)
        if action.owner_organisation_id is not None:
            for contact in focal_points.get(
                (action.convening_id, action.owner_organisation_id), []
            ):
                send_to(contact.email, contact.name, action)
    return _sort_lines(digests.values())


def overdue_actions(session: Session, on: Today | date) -> list[ActionItem]:
    """Open actions past their due date, each judged on its own convening's calendar."""
    today = Today.coerce(on)
    return [
        action
        for action in _open_actions(
            session, ActionItem.due_on <= today.reference + timedelta(days=1)
        )
        if today.overdue(action)
    ]


def team_digests(session: Session, on: Today | date) -> list[Digest]:
    """A digest per organiser or coordinator: what is overdue in the convenings of their team."""
    today = Today.coerce(on)
    overdue = overdue_actions(session, today)
    by_convening: dict[int, list[ActionItem]] = {}
    for action in overdue:
        by_convening.setdefault(action.convening_id, []).append(action)
    if not by_convening:
        return []
    members = session.execute(
        select(TeamMembership.convening_id, User)
        .join(User, User.id == TeamMembership.user_id)
        .where(TeamMembership.convening_id.in_(sorted(by_convening)), User.active.is_(True))
    )
    digests: dict[str, Digest] = {}
    for convening_id, user in members:
        digest = Digest(ReminderKind.COORDINATOR, user.email, user.name)
        digest = digests.setdefault(digest.key, digest)
        for action in by_convening[convening_id]:
            digest.add(_line(action, today))
    return _sort_lines(digests.values())


def subject_of(digest: Digest, due_soon_days: int) -> str:
    overdue, soon = len(digest.overdue), len(digest.due_soon)
    if digest.kind == ReminderKind.COORDINATOR:
        noun = "action" if overdue == 1 else "actions"
        return f"Overdue in your convenings: {overdue} {noun}"
    parts = []
    if overdue:
        parts.append(f"{overdue} overdue")
    if soon:
        parts.append(f"{soon} due within {due_soon_days} days")
    return "Your actions: " + ", ".join(parts)


@dataclass
class Rendered:
    digest: Digest
    subject: str
    text: str
    html: str


def render(digest: Digest, on: date, due_soon_days: int) -> Rendered:
    """The digest's subject and bodies, from templates/email/action_reminder_<kind>.*."""
    context = {
        "digest": digest,
        "on": on,
        "due_soon_days": due_soon_days,
        "tracker_url": external_url("tracker.list_actions", overdue="y"),
    }
    name = f"email/action_reminder_{digest.kind.value}"
    return Rendered(
        digest=digest,
        subject=subject_of(digest, due_soon_days),
        text=render_template(f"{name}.txt", **context),
        html=render_template(f"{name}.html", **context),
    )


def claim_and_queue(session: Session, principal: Principal, rendered: Rendered, on: date) -> bool:
    """Record the digest as sent today and queue it together; False if already sent.

    Sent by ``principal`` (the system, ``Principal(user=None)``, for the daily run). A
    concurrent run inserting the same row waits on the unique constraint and then fails here,
    so only one of them queues the message; the caller commits.
    """
    digest = rendered.digest
    try:
        with session.begin_nested():
            session.add(
                ActionReminder(
                    recipient_email=digest.key,
                    kind=digest.kind,
                    sent_on=on,
                    action_count=len(digest.lines),
                )
            )
            mail.queue(session, [digest.email], rendered.subject, rendered.text, rendered.html)
            session.flush()
    except IntegrityError:
        return False
    return True


def already_sent(session: Session, on: date) -> set[tuple[str, ReminderKind]]:
    return {
        (email, kind)
        for email, kind in session.execute(
            select(ActionReminder.recipient_email, ActionReminder.kind).where(
                ActionReminder.sent_on == on
            )
        )
    }


def run(
    session: Session,
    principal: Principal,
    today: Today | date,
    due_soon_days: int,
    dry_run: bool = False,
) -> RunReport:
    """Send today's digests that have not been sent yet (or, in a dry run, say which would be).

    Each action is judged on its own convening's date; the run's day (UTC, or the day given)
    names the digests, so a second run that day sends nothing again. Each digest is committed
    as soon as it is claimed.
    """
    today = Today.coerce(today)
    on = today.reference
    report = RunReport(on=on, dry_run=dry_run)
    digests = owner_digests(session, today, due_soon_days) + team_digests(session, today)
    sent = already_sent(session, on)
    # Render everything first: a rolled-back claim expires the loaded actions.
    pending = [
        render(digest, on, due_soon_days)
        for digest in digests
        if (digest.key, digest.kind) not in sent
    ]
    for digest in digests:
        if (digest.key, digest.kind) in sent:
            report.skipped.setdefault(digest.kind, []).append(digest)
    for rendered in pending:
        digest = rendered.digest
        if dry_run:
            report.queued.setdefault(digest.kind, []).append(digest)
        elif claim_and_queue(session, principal, rendered, on):
            session.commit()
            report.queued.setdefault(digest.kind, []).append(digest)
        else:
            report.skipped.setdefault(digest.kind, []).append(digest)
    if not dry_run:
        # Webhook subscribers hear of each overdue action once for its due date.
        announce_overdue(session, overdue_actions(session, today))
        session.commit()
    session.rollback()
    return report
