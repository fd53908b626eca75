"""The follow-up report's figures, checked against a dataset whose every number is known."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coordination.db import get_session
from coordination.followup.figures import action_figures
from coordination.followup.report import follow_up_report
from coordination.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Audience,
    Convening,
    Delegate,
    DelegateStatus,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
)

# 11:00 in New York on Monday 10 March 2025.
NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def add_delegates(make, invitation, names, checked_in=0, cancelled=()):
    """Name delegates for an invitation; the first ``checked_in`` of them arrived."""
    for number, name in enumerate(names):
        make.session.add(
            Delegate(
                invitation=invitation,
                name=name,
                email=f"{name.split()[0].lower()}.{invitation.id}@example.org",
                email_normalized=f"{name.split()[0].lower()}.{invitation.id}@example.org",
                checked_in_at=NOW if number < checked_in else None,
            )
        )
    for name in cancelled:
        make.session.add(
            Delegate(
                invitation=invitation,
                name=name,
                email=f"gone.{invitation.id}@example.org",
                email_normalized=f"gone.{invitation.id}@example.org",
                status=DelegateStatus.CANCELLED,
                checked_in_at=NOW,
            )
        )
    make.session.commit()


def add_minute(make, convening, body, kind=MinuteKind.DECISION, item=None, deleted=False):
    entry = MinuteEntry(
        convening_id=convening.id,
        agenda_item_id=item.id if item else None,
        kind=kind,
        body=body,
        deleted=deleted,
    )
    make.session.add(entry)
    make.session.commit()
    return entry


@pytest.fixture
def known(make):
    """Madison Valleywood after the meeting: five organisations invited, six delegates named
    (three arrived), two decisions, eight actions in every state."""
    organiser = make.user(name="Olivia Organiser")
    convening = make.convening(
        "Madison Valleywood",
        organisers=(organiser,),
        timezone="America/New_York",
        starts_at=datetime(2025, 2, 24, 15, 0, tzinfo=UTC),
    )
    apple = make.organisation("Apple")
    twitter = make.organisation("Twitter")
    embassy = make.organisation("British Embassy")
    snap = make.organisation("Snap")
    mtv = make.organisation("MTV")
    add_delegates(
        make,
        make.invitation(convening, apple, status=InvitationStatus.ACCEPTED),
        ["Ann Apple", "Bob Apple"],
        checked_in=1,
    )
    add_delegates(
        make,
        make.invitation(convening, twitter, status=InvitationStatus.ACCEPTED),
        ["Cat Twitter", "Dan Twitter", "Eve Twitter"],
        checked_in=2,
        cancelled=["Gone Twitter"],
    )
    add_delegates(
        make,
        make.invitation(convening, embassy, status=InvitationStatus.TENTATIVE),
        ["Fay Embassy"],
    )
    make.invitation(convening, snap, status=InvitationStatus.DECLINED)
    make.invitation(convening, mtv, status=InvitationStatus.SENT)
    # Neither a draft nor a withdrawn invitation counts as invited.
    make.invitation(convening, make.organisation("Drafted Org"), status=InvitationStatus.DRAFT)
    make.invitation(
        convening, make.organisation("Withdrawn Org"), status=InvitationStatus.WITHDRAWN
    )

    item = AgendaItem(
        convening_id=convening.id,
        position=0,
        title="Faster takedowns",
        duration_minutes=30,
        audience=Audience(),
    )
    make.session.add(item)
    make.session.commit()
    add_minute(make, convening, "Platforms report takedown times monthly.", item=item)
    add_minute(make, convening, "Meet again in Los Angeles.")
    add_minute(make, convening, "A withdrawn decision.", deleted=True)
    add_minute(make, convening, "Coffee was good.", kind=MinuteKind.NOTE)

    owner = make.user(name="Nadia Owner")
    make.action(
        convening, "Pilot counter-messaging", owner_organisation=apple, due_on=date(2025, 3, 1)
    )
    make.action(
        convening,
        "Share the pilot brief",
        owner_organisation=apple,
        status=ActionStatus.DONE,
        due_on=date(2025, 3, 1),
    )
    make.action(
        convening,
        "Takedown figures",
        owner_organisation=twitter,
        status=ActionStatus.IN_PROGRESS,
        due_on=date(2025, 3, 20),
    )
    make.action(
        convening,
        "Account review",
        owner_organisation=twitter,
        status=ActionStatus.BLOCKED,
        due_on=date(2025, 3, 9),
    )
    make.action(convening, "Write the embassy report", owner_user=owner)
    make.action(convening, "Drop this", owner_organisation=embassy, status=ActionStatus.CANCELLED)
    make.action(
        convening,
        "Carried to the next meeting",
        owner_organisation=twitter,
        due_on=date(2025, 3, 1),
        carried_over_at=NOW,
    )
    make.action(convening, "Circulate the minutes", due_on=date(2025, 3, 10))
    return convening


def test_report_totals_match_the_known_dataset(app_context, known):
    report = follow_up_report(get_session(), get_session().get(Convening, known.id), NOW)

    totals = report.totals
    assert (totals.invited, totals.accepted, totals.tentative) == (5, 2, 1)
    assert (totals.declined, totals.not_answered, totals.attended) == (1, 1, 2)
    assert (totals.delegates_named, totals.delegates_checked_in) == (6, 3)
    assert totals.decisions == 2
    assert totals.actions == 8
    assert (totals.actions_open, totals.actions_overdue, totals.actions_done) == (5, 2, 1)
    assert (totals.actions_cancelled, totals.actions_carried_over) == (1, 1)


def test_report_attendance_lists_each_invited_organisation_by_name(app_context, known):
    report = follow_up_report(get_session(), get_session().get(Convening, known.id), NOW)

    rows = [
        (row.organisation.name, row.invitation.status.value, len(row.delegates), row.checked_in)
        for row in report.attendance
    ]
    assert rows == [
        ("Apple", "accepted", 2, 1),
        ("British Embassy", "tentative", 1, 0),
        ("MTV", "sent", 0, 0),
        ("Snap", "declined", 0, 0),
        ("Twitter", "accepted", 3, 2),
    ]


def test_report_decisions_follow_the_agenda_and_leave_out_notes_and_deleted(app_context, known):
    report = follow_up_report(get_session(), get_session().get(Convening, known.id), NOW)

    assert [
        (entry.agenda_item.title if entry.agenda_item else None, entry.body)
        for entry in report.decisions
    ] == [
        ("Faster takedowns", "Platforms report takedown times monthly."),
        (None, "Meet again in Los Angeles."),
    ]


def test_report_groups_actions_by_owner_overdue_first(app_context, known):
    report = follow_up_report(get_session(), get_session().get(Convening, known.id), NOW)

    groups = [(group.label, [a.title for a in group.actions]) for group in report.owners]
    assert groups == [
        ("Apple", ["Pilot counter-messaging", "Share the pilot brief"]),
        ("British Embassy", ["Drop this"]),
        ("Twitter", ["Account review", "Takedown figures", "Carried to the next meeting"]),
        ("Nadia Owner", ["Write the embassy report"]),
        ("No owner yet", ["Circulate the minutes"]),
    ]
    assert [a.title for a in report.overdue] == ["Pilot counter-messaging", "Account review"]


def test_action_figures_in_the_database_agree_with_the_report(app_context, known):
    figures = action_figures(get_session(), ActionItem.convening_id == known.id, now=NOW)[known.id]

    assert (figures.opened, figures.carried_in, figures.open) == (8, 0, 5)
    assert (figures.overdue, figures.done, figures.cancelled) == (2, 1, 1)
    assert figures.carried_over == 1


# An action due on 10 March is overdue once 11 March has begun on the convening's clock.
@pytest.mark.parametrize(
    ("zone", "now", "overdue"),
    [
        # Auckland (UTC+13) reaches 11 March at 11:00 UTC on the 10th.
        ("Pacific/Auckland", datetime(2025, 3, 10, 10, 59, tzinfo=UTC), False),
        ("Pacific/Auckland", datetime(2025, 3, 10, 11, 1, tzinfo=UTC), True),
        # Los Angeles (UTC-7 since 9 March) reaches it at 07:00 UTC on the 11th.
        ("America/Los_Angeles", datetime(2025, 3, 11, 6, 59, tzinfo=UTC), False),
        ("America/Los_Angeles", datetime(2025, 3, 11, 7, 1, tzinfo=UTC), True),
        # UTC itself, either side of midnight.
        ("UTC", datetime(2025, 3, 10, 23, 59, tzinfo=UTC), False),
        ("UTC", datetime(2025, 3, 11, 0, 0, tzinfo=UTC), True),
    ],
)
def test_overdue_turns_at_midnight_in_the_convenings_zone(app_context, make, zone, now, overdue):
    convening = make.convening("Late night", timezone=zone)
    make.action(convening, "Due on the tenth", due_on=date(2025, 3, 10))
    session = get_session()

    report = follow_up_report(session, session.get(Convening, convening.id), now)
    figures = action_figures(session, ActionItem.convening_id == convening.id, now=now)

    assert report.totals.actions_overdue == int(overdue)
    assert figures[convening.id].overdue == int(overdue)
