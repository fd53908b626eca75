"""Polls written straight to the database, and a voter's link opened as a browser does."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from coordination.invitations import links
from coordination.models import (
    Convening,
    Invitation,
    Poll,
    PollChoice,
    PollSlot,
    PollStatus,
    PollVote,
    PollVoter,
    utcnow,
)


def make_poll(
    session: Session,
    convening: Convening,
    voters: tuple[Invitation, ...] = (),
    *,
    status: PollStatus = PollStatus.OPEN,
    slots: int = 2,
    must_attend: tuple[Invitation, ...] = (),
) -> Poll:
    """A poll with ``slots`` one-hour slots a day apart, a week from now, and its voters."""
    start = utcnow().replace(microsecond=0, second=0, minute=0) + timedelta(days=7)
    poll = Poll(convening=convening, title="When can we meet?", status=status)
    poll.slots = [
        PollSlot(starts_at=start + timedelta(days=n), ends_at=start + timedelta(days=n, hours=1))
        for n in range(slots)
    ]
    poll.voters = [
        PollVoter(invitation=invitation, must_attend=invitation in must_attend, comment="")
        for invitation in voters
    ]
    session.add(poll)
    session.commit()
    return poll


def give_link(session: Session, invitation: Invitation) -> str:
    """A fresh link for the invitation (as opening the poll issues); the raw token."""
    raw = links.issue_link(invitation)
    session.commit()
    return raw


def cast(session: Session, voter: PollVoter, *choices: PollChoice) -> None:
    """Record a voter's answers directly, one per slot in order."""
    for slot, choice in zip(voter.poll.slots, choices, strict=True):
        voter.votes.append(PollVote(slot_id=slot.id, choice=choice))
    voter.answered_at = utcnow()
    session.commit()
