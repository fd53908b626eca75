"""Reading polls for their pages: the team's grid and a voter's ballot, in constant queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import Invitation, Poll, PollChoice, PollSlot, PollVoter


def poll_of(session: Session, convening_id: int) -> Poll | None:
    """The convening's poll with its slots, voters and votes loaded."""
    return session.scalar(
        select(Poll)
        .where(Poll.convening_id == convening_id)
        .options(
            selectinload(Poll.slots),
            selectinload(Poll.voters).options(
                selectinload(PollVoter.votes),
                joinedload(PollVoter.invitation).options(
                    joinedload(Invitation.organisation), joinedload(Invitation.focal_point)
                ),
            ),
        )
    )


def voter_for(session: Session, invitation: Invitation) -> PollVoter | None:
    """The invitation's place in its convening's poll, if it was chosen to vote."""
    return session.scalar(
        select(PollVoter)
        .join(Poll, Poll.id == PollVoter.poll_id)
        .where(
            PollVoter.invitation_id == invitation.id, Poll.convening_id == invitation.convening_id
        )
        .options(selectinload(PollVoter.votes), joinedload(PollVoter.poll).selectinload(Poll.slots))
    )


@dataclass
class SlotTotals:
    slot: PollSlot
    yes: int = 0
    if_need_be: int = 0
    no: int = 0
    # Every must-attend organisation answered yes or if need be.
    suits_must_attend: bool = True


@dataclass
class Grid:
    poll: Poll
    # voter id -> slot id -> choice
    choices: dict[int, dict[int, PollChoice]] = field(default_factory=dict)
    totals: list[SlotTotals] = field(default_factory=list)
    waiting: list[PollVoter] = field(default_factory=list)

    @property
    def suitable(self) -> list[SlotTotals]:
        return [totals for totals in self.totals if totals.suits_must_attend]


def grid(poll: Poll) -> Grid:
    """Organisations by slots, with totals per slot and who has not answered."""
    result = Grid(poll=poll)
    for voter in poll.voters:
        result.choices[voter.id] = {vote.slot_id: vote.choice for vote in voter.votes}
        if voter.answered_at is None:
            result.waiting.append(voter)
    for slot in poll.slots:
        totals = SlotTotals(slot=slot)
        for voter in poll.voters:
            choice = result.choices[voter.id].get(slot.id)
            if choice is not None:
                setattr(totals, choice.value, getattr(totals, choice.value) + 1)
            if voter.must_attend and choice not in (PollChoice.YES, PollChoice.IF_NEED_BE):
                totals.suits_must_attend = False
        result.totals.append(totals)
    return result
