"""`flask actions remind`: digests to owners and teams, through a real SMTP server, once a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordination.actions import reminders
from coordination.db import get_database
from coordination.models import (
    ActionReminder,
    ActionStatus,
    ConveningStatus,
    Delegate,
    InvitationStatus,
    OutboxMessage,
    ReminderKind,
)
from coordination.principal import Principal
from tests.mail.helpers import send_outbox

ON = date(2016, 2, 10)
# The daily run acts as the system.
SYSTEM = Principal(user=None)
HOST = "https://coordination.example.org"


@dataclass
class World:
    actions: dict
    emails: dict


@pytest.fixture
def world(make, db) -> World:
    organiser = make.user("organiser@example.org", "Olivia Organiser")
    coordinator = make.user("coordinator@example.org", "Colin Coordinator")
    person = make.user("person@example.org", "Pat Person")
    make.user("admin@example.org", "Alex Admin", is_admin=True)
    apple = make.organisation("Apple")
    embassy = make.organisation("British Embassy")
    apple_focal = make.contact(apple, "Ana Apple", "focal.apple@example.org")
    embassy_focal = make.contact(embassy, "Ed Embassy", "focal.embassy@example.org")
    convening = make.convening(
        "Madison Valleywood",
        organisers=(organiser,),
        coordinators=(coordinator,),
        starts_at=datetime(2016, 1, 8, 15, tzinfo=UTC),
    )
    draft = make.convening("Draft follow-up", status=ConveningStatus.DRAFT, organisers=(organiser,))
    make.invitation(convening, apple, focal_point=apple_focal)
    embassy_invitation = make.invitation(
        convening, embassy, status=InvitationStatus.ACCEPTED, focal_point=embassy_focal
    )
    make.invitation(draft, apple, focal_point=apple_focal)
    delegate = Delegate(
        invitation=embassy_invitation,
        name="Dee Delegate",
        email="dee@embassy.example.org",
        email_normalized="dee@embassy.example.org",
    )
    db.add(delegate)
    db.commit()

    def action(title, due, **fields):
        return make.action(convening, title, due_on=ON + timedelta(days=due), **fields)

    predecessor = action("Carried pilot", -20, owner_organisation=apple)
    predecessor.carried_over_at = datetime(2016, 1, 30, tzinfo=UTC)
    db.commit()
    actions = {
        "pilot": action(
            "Counter-messaging pilot",
            -3,
            owner_organisation=apple,
            status=ActionStatus.IN_PROGRESS,
        ),
        "soon": action("Takedown figures", 5, owner_organisation=apple),
        "later": action("Annual review", 10, owner_organisation=apple),
        "done": action("Report sent", -5, owner_organisation=apple, status=ActionStatus.DONE),
        "cancelled": action(
            "Abandoned idea", 1, owner_organisation=apple, status=ActionStatus.CANCELLED
        ),
        "today": action("Embassy report", 0, owner_organisation=embassy),
        "personal": action("Write to the studios", 3, owner_user=person),
        "delegate": action("Brief the ambassador", 2, owner_delegate_id=delegate.id),
        "predecessor": predecessor,
        "draft": make.action(
            draft, "Draft convening task", owner_organisation=apple, due_on=ON - timedelta(days=1)
        ),
    }
    return World(
        actions=actions,
        emails={
            "apple": "focal.apple@example.org",
            "embassy": "focal.embassy@example.org",
            "person": "person@example.org",
            "delegate": "dee@embassy.example.org",
            "organiser": "organiser@example.org",
            "coordinator": "coordinator@example.org",
        },
    )


def remind(app, *arguments: str):
    result = app.test_cli_runner().invoke(args=["actions", "remind", *arguments])
    assert result.exit_code == 0, result.output
    return result


def deliver(app, server, count: int) -> dict[str, object]:
    send_outbox(app)
    received = server.wait_for(count)
    assert len(received) == count
    return {message.rcpt_tos[0]: message for message in received}


def outbox_count(db) -> int:
    return db.scalar(select(func.count()).select_from(OutboxMessage))


def test_each_owner_and_team_member_gets_one_digest(smtp_app, smtp_server, world):
    result = remind(smtp_app, "--date", ON.isoformat())

    received = deliver(smtp_app, smtp_server, 6)
    assert set(received) == set(world.emails.values())
    assert "Reminders for 2016-02-10: 4 owner digests queued, 0 already sent; " in result.output
    assert "2 team digests queued, 0 already sent." in result.output


def test_owner_digest_lists_due_soon_and_marks_overdue(smtp_app, smtp_server, world):
    remind(smtp_app, "--date", ON.isoformat())

    apple = deliver(smtp_app, smtp_server, 6)[world.emails["apple"]]

    assert apple.subject == "Your actions: 1 overdue, 1 due within 7 days"
    text = apple.text()
    assert text.startswith("Hello Ana Apple,")
    assert "- OVERDUE: Counter-messaging pilot\n  Due 07 Feb 2016 · In progress · Apple" in text
    assert "- Takedown figures\n  Due 15 Feb 2016 · Open · Apple" in text
    for absent in ("Annual review", "Report sent", "Abandoned idea", "Carried pilot", "Draft"):
        assert absent not in text
    pilot_url = f"{HOST}/actions/{world.actions['pilot'].id}"
    assert pilot_url in text
    html = apple.html()
    assert "<strong>Overdue:</strong>" in html
    assert f'<a href="{pilot_url}">Counter-messaging pilot</a>' in html


def test_action_due_today_is_due_soon_not_overdue(smtp_app, smtp_server, world):
    remind(smtp_app, "--date", ON.isoformat())

    embassy = deliver(smtp_app, smtp_server, 6)[world.emails["embassy"]]

    assert embassy.subject == "Your actions: 1 due within 7 days"
    assert "OVERDUE" not in embassy.text()
    assert "- Embassy report\n  Due 10 Feb 2016" in embassy.text()


def test_people_owning_actions_get_their_own(smtp_app, smtp_server, world):
    remind(smtp_app, "--date", ON.isoformat())

    received = deliver(smtp_app, smtp_server, 6)

    assert "Write to the studios" in received[world.emails["person"]].text()
    assert "Takedown figures" not in received[world.emails["person"]].text()
    delegate = received[world.emails["delegate"]].text()
    assert delegate.startswith("Hello Dee Delegate,")
    assert "Brief the ambassador" in delegate
    assert "Embassy report" not in delegate


def test_team_digest_lists_what_is_overdue_in_their_convenings(smtp_app, smtp_server, world):
    remind(smtp_app, "--date", ON.isoformat())

    received = deliver(smtp_app, smtp_server, 6)

    coordinator = received[world.emails["coordinator"]]
    assert coordinator.subject == "Overdue in your convenings: 1 action"
    assert "- OVERDUE: Counter-messaging pilot" in coordinator.text()
    assert "Takedown figures" not in coordinator.text()
    assert f"{HOST}/tracker?overdue=y" in coordinator.text()
    # The organiser also organises the draft, whose overdue task only the team hears about.
    organiser = received[world.emails["organiser"]]
    assert organiser.subject == "Overdue in your convenings: 2 actions"
    assert "Draft convening task" in organiser.text()
    assert "Report sent" not in organiser.text()


def test_second_run_on_the_same_day_sends_nothing(smtp_app, smtp_server, db, world):
    remind(smtp_app, "--date", ON.isoformat())
    deliver(smtp_app, smtp_server, 6)
    queued = outbox_count(db)

    result = remind(smtp_app, "--date", ON.isoformat())

    send_outbox(smtp_app)
    assert outbox_count(db) == queued
    assert len(smtp_server.messages) == 6
    assert "0 owner digests queued, 4 already sent; 0 team digests queued, 2 already sent" in (
        result.output
    )


def test_next_day_sends_again(smtp_app, smtp_server, db, world):
    remind(smtp_app, "--date", ON.isoformat())
    deliver(smtp_app, smtp_server, 6)

    remind(smtp_app, "--date", (ON + timedelta(days=1)).isoformat())

    deliver(smtp_app, smtp_server, 12)
    assert db.scalar(select(func.count()).select_from(ActionReminder)) == 12


def test_dry_run_says_who_and_sends_nothing(smtp_app, db, world):
    result = remind(smtp_app, "--date", ON.isoformat(), "--dry-run")

    assert "would send: Owner's digest to focal.apple@example.org (1 overdue, 1 due soon)" in (
        result.output
    )
    assert "4 owner digests would be sent" in result.output
    assert outbox_count(db) == 0
    assert db.scalar(select(func.count()).select_from(ActionReminder)) == 0


def test_due_soon_window_comes_from_configuration(make_app, smtp_server, world):
    app = make_app(
        MAIL_BACKEND="smtp",
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        ACTION_DUE_SOON_DAYS=3,
    )
    remind(app, "--date", ON.isoformat())

    apple = deliver(app, smtp_server, 6)[world.emails["apple"]]

    assert apple.subject == "Your actions: 1 overdue"
    assert "Takedown figures" not in apple.text()


def test_racing_runs_queue_one_message(app, app_context, db, world):
    database = get_database(app)
    with database.session() as first:
        [digest] = [
            d for d in reminders.owner_digests(first, ON, 7) if d.email == world.emails["person"]
        ]
        rendered = reminders.render(digest, ON, 7)
        with database.session() as second:
            # Both runs found nothing sent yet; each now tries to claim the same digest.
            assert reminders.claim_and_queue(first, SYSTEM, rendered, ON) is True
            first.commit()
            assert reminders.claim_and_queue(second, SYSTEM, rendered, ON) is False
            second.commit()

    assert outbox_count(db) == 1
    claim = db.scalar(select(ActionReminder))
    assert (claim.recipient_email, claim.kind, claim.sent_on, claim.action_count) == (
        "person@example.org",
        ReminderKind.OWNER,
        ON,
        1,
    )


def test_nothing_due_sends_nothing(smtp_app, db, world):
    result = remind(smtp_app, "--date", "2015-01-01")

    assert outbox_count(db) == 0
    assert "0 owner digests queued, 0 already sent; 0 team digests queued" in result.output


def test_a_bad_date_is_refused(smtp_app, world):
    result = smtp_app.test_cli_runner().invoke(args=["actions", "remind", "--date", "10/02/2016"])

    assert result.exit_code != 0
    assert "10/02/2016" in result.output
