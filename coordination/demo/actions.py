"""The demonstration's action items, built through the action services.

About twenty actions across the three convenings of the series, in every status, some overdue
and some due this week, with progress notes; one carried over from the Valley meeting through
the studio heads' meeting to Washington. Nothing is added when any of the three convenings
already has actions, so running the demo again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..actions import services
from ..actions.services import ActionInput
from ..models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    Convening,
    MinuteEntry,
    MinuteKind,
    Organisation,
    User,
)
from ..principal import load_principal
from .agenda import _dated

if TYPE_CHECKING:
    from .seed import SeedReport

S = ActionStatus
P = ActionPriority
COORDINATOR = "coordinator@example.org"
ORGANISER = "organiser@example.org"
APPLE = "focal.apple@example.org"
EMBASSY = "focal.embassy@example.org"


@dataclass
class Step:
    """A later update: a new status (or None for a note alone), a note, by whom, days after."""

    status: ActionStatus | None
    note: str
    by: str = COORDINATOR
    days: int = 2


@dataclass
class DemoAction:
    convening: str  # "valley", "studios" or "washington"
    title: str
    owner: str | None
    due_in_days: int | None  # from today; negative is in the past
    priority: ActionPriority = P.NORMAL
    description: str = ""
    steps: list[Step] = field(default_factory=list)
    decision: str = ""  # the start of a decision recorded in the minutes
    owner_email: str | None = None  # a team member owning it in person


ACTIONS = [
    # Silicon Valley (concluded): what the companies and the department promised.
    DemoAction(
        "valley",
        "Share quarterly takedown figures",
        "Twitter",
        -20,
        P.HIGH,
        "Accounts suspended for promoting terrorism in the last quarter, and how they were found.",
        [
            Step(S.IN_PROGRESS, "Figures being checked by the trust and safety team.", days=6),
            Step(S.DONE, "Figures received and shared with the team.", days=24),
        ],
        decision="Platforms will share quarterly figures",
    ),
    DemoAction(
        "valley",
        "Share quarterly takedown figures",
        "Facebook",
        -20,
        P.HIGH,
        "Removals of propaganda accounts and pages in the last quarter.",
        [Step(S.IN_PROGRESS, "Waiting for the quarter's transparency report.", days=10)],
        decision="Platforms will share quarterly figures",
    ),
    DemoAction(
        "valley",
        "Describe the reporting channel for law enforcement requests",
        "Apple",
        -12,
        P.NORMAL,
        "How urgent requests reach the company, and who answers out of hours.",
        [
            Step(S.IN_PROGRESS, "Draft written.", by=APPLE, days=5),
            Step(S.BLOCKED, "Waiting for legal review before it can be shared.", by=APPLE, days=9),
        ],
    ),
    DemoAction(
        "valley",
        "Circulate the recruitment briefing to attendees",
        "National Counterterrorism Center",
        -40,
        P.NORMAL,
        "",
        [Step(S.DONE, "Sent to every attending company.", days=3)],
    ),
    DemoAction(
        "valley",
        "Propose a trusted-flagger pilot",
        "Google",
        -25,
        P.LOW,
        "",
        [Step(S.CANCELLED, "Folded into the Washington takedowns discussion instead.", days=12)],
    ),
    DemoAction(
        "valley",
        "Name a single point of contact for urgent referrals",
        "Justice Department",
        -18,
        P.URGENT,
        "One named person and a duty address, so companies stop receiving requests from "
        "several agencies separately.",
        [Step(S.IN_PROGRESS, "Candidates identified; awaiting sign-off.", by=ORGANISER, days=8)],
        decision="The Justice Department will name a single point of contact",
        owner_email=ORGANISER,
    ),
    # Los Angeles: preparing the studio heads' meeting.
    DemoAction(
        "studios",
        "Send studio heads the propaganda briefing pack",
        "State Department",
        3,
        P.HIGH,
        "",
        [Step(S.IN_PROGRESS, "Pack being cleared for release.", days=1)],
    ),
    DemoAction(
        "studios",
        "List storytellers willing to take part",
        "MTV",
        12,
        P.NORMAL,
        "Writers, presenters and producers with credibility among young audiences.",
    ),
    DemoAction(
        "studios",
        "Outline a co-production model for credible voices",
        "Netflix",
        None,
        P.LOW,
    ),
    # Washington: before and after the main convening.
    DemoAction(
        "washington",
        "Share counter-messaging pilot plan",
        "Twitter",
        2,
        P.HIGH,
        "A page on the pilot: audiences, partners, measures of success.",
        [Step(S.IN_PROGRESS, "Twitter confirmed by phone that a draft is on its way.", days=2)],
    ),
    DemoAction(
        "washington",
        "Report takedown figures",
        "State Department",
        -2,
        P.HIGH,
        "Figures across the platforms for the opening briefing.",
        [Step(None, "Asked the platforms for their latest numbers.", days=1)],
    ),
    DemoAction(
        "washington",
        "Embassy report on UK approach",
        "British Embassy Washington",
        9,
        P.NORMAL,
        "What the United Kingdom has learnt from its own counter-narrative work.",
        [Step(S.IN_PROGRESS, "Outline agreed with London.", by=EMBASSY, days=3)],
    ),
    DemoAction(
        "washington",
        "Confirm Apple's speaker for the counter-narratives session",
        "Apple",
        -5,
        P.NORMAL,
        "",
        [Step(S.DONE, "Speaker confirmed; biography sent.", by=APPLE, days=2)],
    ),
    DemoAction(
        "washington",
        "Share app store policy on extremist content",
        "Apple",
        -4,
        P.NORMAL,
        "The current policy and how it is enforced, for the takedowns discussion.",
    ),
    DemoAction(
        "washington",
        "Draft an optimistic-messaging campaign brief",
        "Omnicom Group",
        4,
        P.NORMAL,
        "",
        [Step(None, "Agency team assembled.", days=1)],
    ),
    DemoAction(
        "washington",
        "Map community groups' local counter-narrative projects",
        "Bridges Community Alliance",
        16,
        P.NORMAL,
        "",
        [Step(S.IN_PROGRESS, "Twelve projects listed so far.", days=4)],
    ),
    DemoAction(
        "washington",
        "Share youth safety research",
        "Snapchat",
        -1,
        P.LOW,
        "",
        [Step(S.BLOCKED, "Research not yet cleared for outside use.", days=2)],
    ),
    DemoAction(
        "washington",
        "Brief the youth panel on the pilot",
        "MTV",
        6,
        P.LOW,
        "",
        [Step(S.CANCELLED, "The panel was dropped from the agenda.", days=1)],
    ),
    DemoAction(
        "washington",
        "Circulate the revised agenda to every delegation",
        None,
        -3,
        P.NORMAL,
        "",
        [Step(S.DONE, "Sent with version 2 of the agenda.", by=ORGANISER, days=1)],
        owner_email=ORGANISER,
    ),
]
CARRIED = "Name a single point of contact for urgent referrals"


def _decision(session: Session, convening: Convening, start: str) -> MinuteEntry | None:
    if not start:
        return None
    return session.scalar(
        select(MinuteEntry).where(
            MinuteEntry.convening_id == convening.id,
            MinuteEntry.kind == MinuteKind.DECISION,
            MinuteEntry.body.startswith(start),
        )
    )


def _created_at(convening: Convening, now: datetime) -> datetime:
    """When the team recorded the convening's actions: just after it, or days before it."""
    if convening.ends_at < now:
        return convening.ends_at + timedelta(hours=2)
    return now - timedelta(days=12)


def _date_latest(action: ActionItem, when: datetime) -> None:
    action.updates[-1].created_at = when


def add(
    session: Session,
    report: SeedReport,
    valley: Convening,
    studios: Convening,
    washington: Convening,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    today: date,
    now: datetime,
) -> None:
    """Actions across the series, unless any of its convenings has actions already."""
    convenings = {"valley": valley, "studios": studios, "washington": washington}
    present = session.scalar(
        select(func.count())
        .select_from(ActionItem)
        .where(ActionItem.convening_id.in_([c.id for c in convenings.values()]))
    )
    if present:
        return
    session.flush()
    coordinator = load_principal(session, users[COORDINATOR])
    for demo in ACTIONS:
        convening = convenings[demo.convening]
        decision = _decision(session, convening, demo.decision)
        created = _created_at(convening, now)
        data = ActionInput(
            title=demo.title,
            description=demo.description,
            decision_id=decision.id if decision else None,
            owner_organisation_id=organisations[demo.owner].id if demo.owner else None,
            owner_user_id=users[demo.owner_email].id if demo.owner_email else None,
            due_on=today + timedelta(days=demo.due_in_days)
            if demo.due_in_days is not None
            else None,
            priority=demo.priority,
        )
        with _dated(session, created):
            action = services.create_action(session, coordinator, convening, data)
            session.flush()
            _date_latest(action, created)
            action.created_at = created
        when = created
        for step in demo.steps:
            when = min(now - timedelta(hours=1), when + timedelta(days=step.days))
            with _dated(session, when):
                services.update_status(
                    session,
                    load_principal(session, users[step.by]),
                    action,
                    step.status,
                    step.note,
                    action.version,
                )
                session.flush()
                _date_latest(action, when)
                if action.closed_at is not None:
                    action.closed_at = when
        if demo.title == CARRIED:
            _carry(session, action, users, now)
    report.note(f"{len(ACTIONS)} actions across {len(convenings)} convenings")
    session.flush()


def _carry(session: Session, action: ActionItem, users: dict[str, User], now: datetime) -> None:
    """Carry the action over twice: the studio meeting, then Washington, with a note on the way."""
    coordinator = load_principal(session, users[COORDINATOR])
    when = min(now - timedelta(minutes=50), action.updates[-1].created_at + timedelta(days=3))
    with _dated(session, when):
        second = services.carry_over(session, coordinator, action)
        session.flush()
        action.carried_over_at = when
        action.updates[-1].created_at = when
        second.created_at = when
        second.updates[-1].created_at = when
    when = min(now - timedelta(minutes=40), when + timedelta(days=2))
    with _dated(session, when):
        services.update_status(
            session,
            load_principal(session, users[ORGANISER]),
            second,
            None,
            "Shortlist of two; the Deputy Attorney General decides next week.",
            second.version,
        )
        session.flush()
        second.updates[-1].created_at = when
    when = min(now - timedelta(minutes=30), when + timedelta(days=1))
    with _dated(session, when):
        third = services.carry_over(session, coordinator, second)
        session.flush()
        second.carried_over_at = when
        second.updates[-1].created_at = when
        third.created_at = when
        third.updates[-1].created_at = when
