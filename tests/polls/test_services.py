"""Poll services: slots placed in the convening's zone, voters, votes, reminders and closing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from coordination.models import (
    AuditEvent,
    Convening,
    Invitation,
    OutboxMessage,
    Poll,
    PollChoice,
    PollSlot,
    PollStatus,
    User,
)
from coordination.polls import services
from coordination.principal import load_principal
from coordination.service import InputError, StaleError


def _as(session, user):
    return load_principal(session, session.get(User, user.id))


def _prepared(session, draft, must=()):
    """A poll with two slots in New York and the Apple and embassy invitations voting."""
    organiser = _as(session, draft.organiser)
    convening = session.get(Convening, draft.convening.id)
    poll = services.create_poll(session, organiser, convening, "When can we meet?")
    services.add_slot(
        session, organiser, poll, datetime(2031, 3, 10, 10), datetime(2031, 3, 10, 12)
    )
    services.add_slot(
        session, organiser, poll, datetime(2031, 3, 11, 14), datetime(2031, 3, 11, 16)
    )
    services.set_voters(
        session, organiser, poll, [draft.apple.id, draft.embassy.id], [i.id for i in must]
    )
    return organiser, poll


def _outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_slot_is_entered_in_the_convenings_zone_and_stored_utc(service_session, draft):
    _organiser, poll = _prepared(service_session, draft)

    first, second = poll.slots
    assert (first.starts_at, first.ends_at) == (
        datetime(2031, 3, 10, 14, tzinfo=UTC),
        datetime(2031, 3, 10, 16, tzinfo=UTC),
    )
    # 11 March 2031 is after the clocks go forward in New York (9 March): four hours behind.
    assert second.starts_at == datetime(2031, 3, 11, 18, tzinfo=UTC)


def test_slot_in_the_hour_skipped_by_the_clocks_is_refused(service_session, draft):
    organiser, poll = _prepared(service_session, draft)

    with pytest.raises(InputError) as refused:
        services.add_slot(
            service_session, organiser, poll, datetime(2031, 3, 9, 2, 30), datetime(2031, 3, 9, 4)
        )
    assert "does not exist in America/New_York" in refused.value.errors["starts_at"]
    assert len(poll.slots) == 2


def test_slot_ending_before_it_starts_is_refused(service_session, draft):
    organiser, poll = _prepared(service_session, draft)

    with pytest.raises(InputError) as refused:
        services.add_slot(
            service_session, organiser, poll, datetime(2031, 3, 12, 12), datetime(2031, 3, 12, 11)
        )
    assert refused.value.errors == {"ends_at": "The slot must end after it starts."}
    assert service_session.scalar(select(func.count(PollSlot.id))) == 2


def test_unknown_organisation_is_refused_and_voters_are_unchanged(service_session, draft, make):
    stranger = make.invitation(make.convening("Elsewhere"), make.organisation("Stranger"))
    organiser, poll = _prepared(service_session, draft)

    with pytest.raises(InputError) as refused:
        services.set_voters(service_session, organiser, poll, [draft.apple.id, stranger.id])
    assert "Choose organisations invited to this convening" in refused.value.errors["voters"]
    assert {v.invitation_id for v in poll.voters} == {draft.apple.id, draft.embassy.id}


def test_poll_is_only_for_a_draft(service_session, draft, make):
    published = make.convening("Published", organisers=(draft.organiser,))

    with pytest.raises(InputError):
        services.create_poll(
            service_session,
            _as(service_session, draft.organiser),
            service_session.get(Convening, published.id),
            "When?",
        )


def test_opening_emails_each_voter_a_link(service_session, draft, app):
    organiser, poll = _prepared(service_session, draft)

    assert services.open_poll(service_session, organiser, poll) == 2

    messages = _outbox(service_session)
    assert sorted(m.recipients[0] for m in messages) == sorted(
        [draft.apple.focal_point.email, draft.embassy.focal_point.email]
    )
    assert all(f"{app.config['BASE_URL']}/poll/" in m.text_body for m in messages)
    assert all("Madison Valleywood" not in m.text_body for m in messages)
    assert poll.status == PollStatus.OPEN


def test_votes_change_until_the_poll_closes(service_session, draft):
    organiser, poll = _prepared(service_session, draft)
    services.open_poll(service_session, organiser, poll)
    voter = poll.voters[0]
    first, second = poll.slots
    apple = _as(service_session, draft.apple_user)

    services.vote(
        service_session, apple, voter, services.Ballot({first.id: "yes", second.id: "no"})
    )
    services.vote(
        service_session,
        apple,
        voter,
        services.Ballot({first.id: "no", second.id: "if_need_be"}, "Mornings are hard"),
    )
    assert {v.slot_id: v.choice for v in voter.votes} == {
        first.id: PollChoice.NO,
        second.id: PollChoice.IF_NEED_BE,
    }
    assert voter.comment == "Mornings are hard"

    services.close_poll(service_session, organiser, poll, second.id, poll.version)
    with pytest.raises(InputError):
        services.vote(
            service_session, apple, voter, services.Ballot({first.id: "yes", second.id: "yes"})
        )


def test_ballot_must_answer_every_slot(service_session, draft):
    organiser, poll = _prepared(service_session, draft)
    services.open_poll(service_session, organiser, poll)
    first, second = poll.slots

    with pytest.raises(InputError) as refused:
        services.vote(
            service_session,
            organiser,
            poll.voters[0],
            services.Ballot({first.id: "yes", second.id: "maybe"}),
        )
    assert refused.value.errors == {f"slot-{second.id}": "Choose yes, if need be or no."}
    assert poll.voters[0].votes == []


def test_closing_sets_the_convenings_time_and_tells_the_voters(service_session, draft):
    organiser, poll = _prepared(service_session, draft)
    services.open_poll(service_session, organiser, poll)
    opened = len(_outbox(service_session))
    second = poll.slots[1]

    services.close_poll(service_session, organiser, poll, second.id, poll.version)
    service_session.flush()

    convening = service_session.get(Convening, draft.convening.id)
    assert (convening.starts_at, convening.ends_at) == (second.starts_at, second.ends_at)
    assert poll.status == PollStatus.CLOSED and poll.chosen_slot_id == second.id
    outcome = _outbox(service_session)[opened:]
    assert [m.subject for m in outcome] == ["Date chosen: When can we meet?"] * 2
    assert "Tue 11 Mar 2031, 14:00 EDT" in outcome[0].text_body
    assert (
        service_session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "convening.updated")
        )
        == 1
    )


def test_closing_on_a_stale_page_is_refused(service_session, draft):
    organiser, poll = _prepared(service_session, draft)
    services.open_poll(service_session, organiser, poll)

    with pytest.raises(StaleError):
        services.close_poll(service_session, organiser, poll, poll.slots[0].id, poll.version - 1)


def test_reminders_go_once_to_each_voter_who_has_not_answered(service_session, draft):
    organiser, poll = _prepared(service_session, draft)
    services.open_poll(service_session, organiser, poll)
    answered, waiting = poll.voters
    services.vote(
        service_session,
        organiser,
        answered,
        services.Ballot({slot.id: "yes" for slot in poll.slots}),
    )
    before = len(_outbox(service_session))

    assert services.remind(service_session, organiser, poll) == 1

    reminders = _outbox(service_session)[before:]
    assert [m.recipients for m in reminders] == [[waiting.invitation.focal_point.email]]
    assert "/poll/" in reminders[0].text_body
    assert waiting.last_reminded_at is not None


def test_organisation_not_chosen_does_not_vote(service_session, draft):
    _organiser, poll = _prepared(service_session, draft)
    service_session.commit()

    assert service_session.scalar(select(Poll.convening_id)) == draft.convening.id
    assert service_session.get(Invitation, draft.other.id) not in [
        v.invitation for v in poll.voters
    ]
