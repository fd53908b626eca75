"""The team's grid of a poll as CSV rows (written out by ``csv_export``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import Poll, PollChoice
from ..timezones import format_local
from .queries import grid


def csv_rows(poll: Poll, zone: str) -> Iterator[list[str]]:
    """The grid as CSV rows: a header of slots, a row per organisation, then the totals."""
    table = grid(poll)
    slots = poll.slots
    yield [
        "Organisation",
        "Must attend",
        *(f"{format_local(s.starts_at, zone)} to {format_local(s.ends_at, zone)}" for s in slots),
        "Comment",
    ]
    for voter in poll.voters:
        row = table.choices[voter.id]
        yield [
            voter.invitation.organisation.name,
            "yes" if voter.must_attend else "no",
            *(row[s.id].label if s.id in row else "No answer" for s in slots),
            voter.comment or "",
        ]
    for name in ("yes", "if_need_be", "no"):
        label = PollChoice(name).label
        yield [f"Total: {label}", "", *(str(getattr(t, name)) for t in table.totals), ""]
