"""Changing date polls: preparing, opening, voting, reminding and closing.

Each service takes the session and the acting principal, refuses with the service contract's
errors and never commits. Voters answer through their invitation's link: opening the poll and
each reminder issue a fresh one (the earlier stops), as the invitation's own reminders do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, mail
from ..convenings.services import input_from, update_convening
from ..invitations import links
from ..models import (
    Convening,
    Invitation,
    InvitationStatus,
    Poll,
    PollChoice,
    PollSlot,
    PollStatus,
    PollVote,
    PollVoter,
    utcnow,
)
from ..principal import Principal
from ..service import InputError, StaleError
from ..timezones import LocalTimeError, format_local, local_to_utc
from ..urls import external_url

MAX_SLOTS = 40
MAX_COMMENT = 2000
LINK_ENDPOINT = "polls.open_link"


def poll_link(raw: str) -> str:
    """The absolute address of a voter's link, from the configured base URL."""
    return external_url(LINK_ENDPOINT, token=raw)


def _record(session: Session, principal: Principal, action: str, poll: Poll, changes=None):
    audit.record(
        session,
        principal.user,
        action,
        poll,
        changes=changes or {},
        convening_id=poll.convening_id,
        label=poll.title,
    )


def _check_not_closed(poll: Poll) -> None:
    if poll.status == PollStatus.CLOSED:
        raise InputError("This poll is closed: nothing can change in it any more.")


def create_poll(session: Session, principal: Principal, convening: Convening, title: str) -> Poll:
    """Start a poll on a draft convening, titled as its voters will see it."""
    if not convening.is_draft:
        raise InputError("Only a draft convening's date can be polled.")
    if session.scalar(select(Poll.id).where(Poll.convening_id == convening.id)) is not None:
        raise InputError("This convening has a poll already.")
    title = (title or "").strip()
    if not title:
        raise InputError("Enter the title voters will see.", "title")
    if len(title) > 200 or any(ord(c) < 32 for c in title):
        raise InputError("Use 200 printable characters or fewer.", "title")
    poll = Poll(convening=convening, title=title, status=PollStatus.DRAFT)
    session.add(poll)
    session.flush()
    _record(session, principal, "poll.created", poll, {"title": title})
    return poll


def slot_times(
    zone: str, starts_local: datetime | None, ends_local: datetime | None
) -> tuple[datetime, datetime]:
    """The UTC instants of a slot entered in the convening's zone, or every problem at once."""
    errors: dict[str, str] = {}
    placed: dict[str, datetime] = {}
    for name, value in (("starts_at", starts_local), ("ends_at", ends_local)):
        if value is None:
            errors[name] = "Enter a date and time, such as 2030-01-15 10:00."
            continue
        try:
            placed[name] = local_to_utc(value, zone)
        except LocalTimeError as error:
            errors[name] = str(error)
    if not errors and placed["ends_at"] <= placed["starts_at"]:
        errors["ends_at"] = "The slot must end after it starts."
    if errors:
        raise InputError(errors)
    return placed["starts_at"], placed["ends_at"]


def add_slot(
    session: Session,
    principal: Principal,
    poll: Poll,
    starts_local: datetime | None,
    ends_local: datetime | None,
) -> PollSlot:
    """Propose a slot, entered as wall-clock times in the convening's zone."""
    _check_not_closed(poll)
    starts_at, ends_at = slot_times(poll.convening.timezone, starts_local, ends_local)
    if any(s.starts_at == starts_at and s.ends_at == ends_at for s in poll.slots):
        raise InputError("This slot is proposed already.", "starts_at")
    if len(poll.slots) >= MAX_SLOTS:
        raise InputError(f"A poll offers at most {MAX_SLOTS} slots.")
    slot = PollSlot(starts_at=starts_at, ends_at=ends_at)
    poll.slots.append(slot)
    session.flush()
    zone = poll.convening.timezone
    _record(
        session,
        principal,
        "poll.slot_added",
        poll,
        {"slot": f"{format_local(starts_at, zone)} to {format_local(ends_at, zone)}"},
    )
    return slot


def _slot_of(poll: Poll, slot_id: int | None, field: str = "slot") -> PollSlot:
    slot = next((slot for slot in poll.slots if slot.id == slot_id), None)
    if slot is None:
        raise InputError("Choose one of the poll's slots.", field)
    return slot


def remove_slot(session: Session, principal: Principal, poll: Poll, slot_id: int | None) -> None:
    """Withdraw a proposed slot, with the votes given on it."""
    _check_not_closed(poll)
    slot = _slot_of(poll, slot_id)
    poll.slots.remove(slot)
    session.flush()
    _record(session, principal, "poll.slot_removed", poll, {"slot": slot_id})


def set_voters(
    session: Session,
    principal: Principal,
    poll: Poll,
    invitation_ids: Iterable[int | None],
    must_attend_ids: Iterable[int | None] = (),
) -> list[PollVoter]:
    """Choose the invited organisations who vote, and which of them must attend."""
    _check_not_closed(poll)
    chosen, must = list(dict.fromkeys(invitation_ids)), set(must_attend_ids)
    invitations = {
        invitation.id: invitation
        for invitation in session.scalars(
            select(Invitation).where(
                Invitation.convening_id == poll.convening_id,
                Invitation.status != InvitationStatus.WITHDRAWN,
            )
        )
    }
    if any(invitation_id not in invitations for invitation_id in chosen) or not must <= set(chosen):
        raise InputError(
            "Choose organisations invited to this convening (a must-attend one votes too).",
            "voters",
        )
    if not chosen:
        raise InputError("Choose at least one organisation to vote.", "voters")
    current = {voter.invitation_id: voter for voter in poll.voters}
    for invitation_id, voter in current.items():
        if invitation_id not in chosen:
            poll.voters.remove(voter)
    for invitation_id in chosen:
        voter = current.get(invitation_id)
        if voter is None:
            voter = PollVoter(invitation=invitations[invitation_id], comment="")
            poll.voters.append(voter)
        voter.must_attend = invitation_id in must
    session.flush()
    _record(
        session,
        principal,
        "poll.voters_chosen",
        poll,
        {
            "voters": sorted(invitations[i].organisation.name for i in chosen),
            "must_attend": sorted(invitations[i].organisation.name for i in must),
        },
    )
    return poll.voters


def _check_reachable(voters: Iterable[PollVoter]) -> None:
    problems = {}
    for voter in voters:
        invitation = voter.invitation
        contact = invitation.focal_point
        if contact is None or contact.is_archived or not contact.email:
            problems[f"voter-{voter.id}"] = (
                f"{invitation.organisation.name}: choose a focal point with an email address."
            )
    if problems:
        raise InputError({"": "Nothing was sent. Fix these invitations first:", **problems})


def _queue(session: Session, voter: PollVoter, subject: str, template: str, **context) -> None:
    poll, contact = voter.poll, voter.invitation.focal_point
    mail.queue(
        session,
        [contact.email],
        subject.format(title=poll.title),
        render_template(
            f"email/{template}.txt", poll=poll, voter=voter, contact=contact, **context
        ),
        convening_id=poll.convening_id,
    )


def _send_link(session: Session, voter: PollVoter, subject: str, template: str) -> None:
    raw = links.issue_link(voter.invitation)
    _queue(session, voter, subject, template, link=poll_link(raw))


def open_poll(session: Session, principal: Principal, poll: Poll) -> int:
    """Open the poll: each voting organisation's focal point is emailed a link to vote."""
    if poll.status != PollStatus.DRAFT:
        raise InputError("This poll is open already.")
    if not poll.slots:
        raise InputError("Propose at least one slot first.")
    if not poll.voters:
        raise InputError("Choose the organisations who vote first.")
    _check_reachable(poll.voters)
    poll.status, poll.opened_at = PollStatus.OPEN, utcnow()
    for voter in poll.voters:
        _send_link(session, voter, "When can you meet? {title}", "poll_invitation")
    _record(session, principal, "poll.opened", poll, {"status": ["draft", "open"]})
    return len(poll.voters)


@dataclass(frozen=True)
class Ballot:
    """One voter's answers: a choice per slot id, and a comment."""

    choices: Mapping[int, str]
    comment: str = ""


def vote(session: Session, principal: Principal, voter: PollVoter, ballot: Ballot) -> None:
    """Record (or change) a voter's answers while the poll is open."""
    poll = voter.poll
    if poll.status != PollStatus.OPEN:
        raise InputError("This poll is not open for votes.")
    errors = {}
    choices = {}
    slot_ids = {slot.id for slot in poll.slots}
    if set(ballot.choices) - slot_ids:
        errors[""] = "Answer only the slots the poll offers."
    for slot in poll.slots:
        raw = ballot.choices.get(slot.id)
        try:
            choices[slot.id] = PollChoice(raw)
        except ValueError:
            errors[f"slot-{slot.id}"] = "Choose yes, if need be or no."
    comment = (ballot.comment or "").replace("\r\n", "\n").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"Use {MAX_COMMENT} characters or fewer."
    if errors:
        raise InputError(errors)
    existing = {vote.slot_id: vote for vote in voter.votes}
    for slot_id, choice in choices.items():
        if slot_id in existing:
            existing[slot_id].choice = choice
        else:
            voter.votes.append(PollVote(slot_id=slot_id, choice=choice))
    voter.comment, voter.answered_at = comment, utcnow()
    session.flush()
    audit.record(
        session,
        principal.user,
        "poll.voted",
        voter,
        changes={str(k): v.value for k, v in choices.items()},
        convening_id=poll.convening_id,
        label=voter.invitation.organisation.name,
    )


def remind(session: Session, principal: Principal, poll: Poll) -> int:
    """Remind each voter who has not answered yet, once, with a fresh link."""
    if poll.status != PollStatus.OPEN:
        raise InputError("Only an open poll's voters can be reminded.")
    waiting = [voter for voter in poll.voters if voter.answered_at is None]
    if not waiting:
        raise InputError("Everyone has answered: there is nobody to remind.")
    _check_reachable(waiting)
    now = utcnow()
    for voter in waiting:
        voter.last_reminded_at = now
        _send_link(session, voter, "Reminder: when can you meet? {title}", "poll_reminder")
    _record(session, principal, "poll.reminded", poll, {"reminded": len(waiting)})
    return len(waiting)


def close_poll(
    session: Session,
    principal: Principal,
    poll: Poll,
    slot_id: int | None,
    expected_version: int | None,
) -> PollSlot:
    """Close the poll on a slot: it becomes the convening's time, and the voters are told."""
    if expected_version != poll.version:
        raise StaleError()
    if poll.status != PollStatus.OPEN:
        raise InputError("Only an open poll can be closed.")
    slot = _slot_of(poll, slot_id)
    convening = poll.convening
    update_convening(
        session,
        principal,
        convening,
        input_from(
            convening,
            starts_local=slot.starts_at.astimezone(convening.zone).replace(tzinfo=None),
            ends_local=slot.ends_at.astimezone(convening.zone).replace(tzinfo=None),
        ),
        convening.version,
    )
    poll.status, poll.closed_at, poll.chosen_slot_id = PollStatus.CLOSED, utcnow(), slot.id
    for voter in poll.voters:
        contact = voter.invitation.focal_point
        if contact is not None and contact.email and not contact.is_archived:
            _queue(session, voter, "Date chosen: {title}", "poll_outcome", slot=slot)
    _record(
        session,
        principal,
        "poll.closed",
        poll,
        {"status": ["open", "closed"], "slot": format_local(slot.starts_at, convening.timezone)},
    )
    return slot
