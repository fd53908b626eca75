"""Poll pages: what the team, a voter by link and a voter by account see, and what they may do."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from coordination.models import (
    Convening,
    OutboxMessage,
    Poll,
    PollChoice,
    PollSlot,
    PollStatus,
    PollVoter,
    TeamMembership,
    TeamRole,
)
from tests.polls.helpers import cast, give_link, make_poll


def _voters(db, poll):
    return list(
        db.scalars(select(PollVoter).where(PollVoter.poll_id == poll.id).order_by(PollVoter.id))
    )


def _answered(db) -> int:
    return db.scalar(select(func.count(PollVoter.id)).where(PollVoter.answered_at.is_not(None)))


def _ballot(poll, *choices, comment=""):
    data = {f"slot-{slot.id}": choice for slot, choice in zip(poll.slots, choices, strict=True)}
    data["comment"] = comment
    return data


def test_organiser_starts_a_poll_and_proposes_a_slot_in_the_conveningss_zone(
    client, auth, draft, db
):
    auth.sign_in(draft.organiser)
    url = f"/convenings/{draft.convening.id}/poll"

    assert "Start the poll" in client.get(url).text
    assert client.post(f"{url}/new", data={"title": "When can we meet?"}).status_code == 303
    client.post(
        f"{url}/slots", data={"starts_at": "2031-03-10T10:00", "ends_at": "2031-03-10T12:00"}
    )

    page = client.get(url).text
    assert "Mon 10 Mar 2031, 10:00 EDT" in page
    assert "Date poll" in client.get(f"/convenings/{draft.convening.id}").text


def test_slot_ending_before_it_starts_is_refused_with_a_message_and_nothing_written(
    client, auth, draft, db
):
    poll = make_poll(db, draft.convening, (draft.apple,), status=PollStatus.DRAFT)
    auth.sign_in(draft.organiser)

    response = client.post(
        f"/convenings/{draft.convening.id}/poll/slots",
        data={"starts_at": "2031-03-10T12:00", "ends_at": "2031-03-10T11:00"},
    )

    assert response.status_code == 400
    assert "The slot must end after it starts." in response.text
    assert db.scalar(select(func.count(PollSlot.id)).where(PollSlot.poll_id == poll.id)) == 2


def test_slot_in_a_zone_gap_is_refused_with_a_message(client, auth, draft, db):
    make_poll(db, draft.convening, (draft.apple,), status=PollStatus.DRAFT)
    auth.sign_in(draft.organiser)

    response = client.post(
        f"/convenings/{draft.convening.id}/poll/slots",
        data={"starts_at": "2031-03-09T02:30", "ends_at": "2031-03-09T04:00"},
    )

    assert response.status_code == 400
    assert "does not exist in America/New_York" in response.text


def test_unknown_organisation_is_refused_and_nothing_changes(client, auth, draft, db, make):
    poll = make_poll(db, draft.convening, (draft.apple,), status=PollStatus.DRAFT)
    stranger = make.invitation(make.convening("Elsewhere"), make.organisation("Stranger"))
    auth.sign_in(draft.organiser)

    response = client.post(
        f"/convenings/{draft.convening.id}/poll/voters",
        data={"voters": [str(draft.embassy.id), str(stranger.id)]},
    )

    assert response.status_code == 400
    assert "Choose organisations invited to this convening" in response.text
    assert [v.invitation_id for v in _voters(db, poll)] == [draft.apple.id]


def test_voter_by_link_sees_only_the_poll(client, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple, draft.embassy))
    raw = give_link(db, draft.apple)

    opened = client.get(f"/poll/{raw}")
    assert opened.status_code == 303
    page = client.get(opened.headers["Location"])

    assert page.status_code == 200
    assert "When can we meet?" in page.text
    assert "Madison Valleywood" not in page.text
    assert "British Embassy" not in page.text
    assert len(re.findall(r'type="radio"', page.text)) == 3 * len(poll.slots)
    # The draft itself stays the team's alone.
    assert client.get(f"/convenings/{draft.convening.id}").status_code != 200
    assert client.get(f"/rsvp/invitations/{draft.apple.id}").status_code != 200


def test_voter_by_link_votes_and_changes_the_answers(client, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple,))
    client.get(f"/poll/{give_link(db, draft.apple)}")
    url = f"/poll/invitations/{draft.apple.id}"

    assert client.post(url, data=_ballot(poll, "yes", "no")).status_code == 303
    assert (
        client.post(url, data=_ballot(poll, "no", "if_need_be", comment="Late")).status_code == 303
    )

    db.expire_all()
    (voter,) = _voters(db, poll)
    assert sorted(v.choice for v in voter.votes) == sorted([PollChoice.NO, PollChoice.IF_NEED_BE])
    assert voter.comment == "Late"
    assert client.get(url).text.count("checked") == 2


def test_voter_by_account_votes(client, auth, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple,))
    auth.sign_in(draft.apple_user)

    response = client.post(f"/poll/invitations/{draft.apple.id}", data=_ballot(poll, "yes", "yes"))

    assert response.status_code == 303
    assert _answered(db) == 1


def test_shown_also_in_the_voters_zone(client, auth, draft, db):
    make_poll(db, draft.convening, (draft.apple,))
    auth.sign_in(draft.apple_user)

    page = client.get(f"/poll/invitations/{draft.apple.id}?zone=Europe/London").text

    assert "your time:" in page
    assert "GMT" in page or "BST" in page


def test_organisation_not_chosen_to_vote_gets_404(client, auth, draft, db):
    make_poll(db, draft.convening, (draft.apple,))
    auth.sign_in(draft.embassy_user)

    assert client.get(f"/poll/invitations/{draft.embassy.id}").status_code == 404
    assert client.get(f"/poll/invitations/{draft.apple.id}").status_code == 404


def test_link_of_an_organisation_not_chosen_opens_nothing(client, draft, db):
    make_poll(db, draft.convening, (draft.apple,))

    assert client.get(f"/poll/{give_link(db, draft.other)}").status_code == 410


def test_closed_poll_refuses_votes(client, auth, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple,), status=PollStatus.CLOSED)
    auth.sign_in(draft.apple_user)

    response = client.post(f"/poll/invitations/{draft.apple.id}", data=_ballot(poll, "yes", "yes"))

    assert response.status_code == 409
    assert "This poll is closed" in response.text
    assert _answered(db) == 0


def test_grid_shows_totals_waiting_and_slots_suiting_every_must_attend(client, auth, draft, db):
    poll = make_poll(
        db,
        draft.convening,
        (draft.apple, draft.embassy, draft.other),
        must_attend=(draft.apple, draft.embassy),
    )
    apple, embassy, _other = _voters(db, poll)
    cast(db, apple, PollChoice.YES, PollChoice.YES)
    cast(db, embassy, PollChoice.NO, PollChoice.IF_NEED_BE)
    auth.sign_in(draft.organiser)

    page = client.get(f"/convenings/{draft.convening.id}/poll").text

    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    rows = re.findall(r"<tr>(.*?)</tr>", footer, re.S)
    cells = [re.findall(r"<td>([^<]*)</td>", row) for row in rows]
    assert cells == [
        ["1", "1", ""],
        ["0", "1", ""],
        ["1", "0", ""],
        ["No", "Yes", ""],
    ]
    waiting = page[page.index("Not answered yet") :]
    assert "Snapchat" in waiting[: waiting.index("</ul>")]


def test_grid_exports_to_csv(client, auth, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple, draft.embassy))
    apple, _embassy = _voters(db, poll)
    cast(db, apple, PollChoice.YES, PollChoice.NO)
    auth.sign_in(draft.organiser)

    response = client.get(f"/convenings/{draft.convening.id}/poll.csv")

    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.text.lstrip("\ufeff").splitlines()
    assert lines[1] == "Apple,yes,Yes,No,".replace("yes", "no", 1)
    assert lines[2] == "British Embassy,no,No answer,No answer,"
    assert lines[3] == "Total: Yes,,1,0,"


def test_coordinator_sees_the_grid_but_cannot_change_it(client, auth, draft, db, make):
    coordinator = make.user(name="Colin")
    db.add(
        TeamMembership(
            convening_id=draft.convening.id, user_id=coordinator.id, role=TeamRole.COORDINATOR
        )
    )
    db.commit()
    make_poll(db, draft.convening, (draft.apple,))
    auth.sign_in(coordinator)

    assert client.get(f"/convenings/{draft.convening.id}/poll").status_code == 200
    assert client.post(f"/convenings/{draft.convening.id}/poll/remind").status_code == 403


def test_reminders_are_queued_once_per_run(client, auth, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple, draft.embassy))
    apple, _embassy = _voters(db, poll)
    cast(db, apple, PollChoice.YES, PollChoice.YES)
    auth.sign_in(draft.organiser)

    client.post(f"/convenings/{draft.convening.id}/poll/remind")

    messages = list(db.scalars(select(OutboxMessage)))
    assert [m.recipients for m in messages] == [[draft.embassy.focal_point.email]]
    assert "http://" in messages[0].text_body or "https://" in messages[0].text_body


def test_closing_sets_the_time_and_leads_to_sending(client, auth, draft, db):
    poll = make_poll(db, draft.convening, (draft.apple,))
    chosen = poll.slots[1]
    auth.sign_in(draft.organiser)

    response = client.post(
        f"/convenings/{draft.convening.id}/poll/close",
        data={"slot": str(chosen.id), "version": str(poll.version)},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text

    db.expire_all()
    convening = db.get(Convening, draft.convening.id)
    assert convening.starts_at == chosen.starts_at
    assert db.get(Poll, poll.id).status == PollStatus.CLOSED
    assert f'href="/convenings/{draft.convening.id}/invitations"' in page


def test_grid_queries_do_not_grow_with_its_size(client, auth, draft, db, make, count_queries):
    small = make_poll(db, draft.convening, (draft.apple,), slots=1)
    (voter,) = _voters(db, small)
    cast(db, voter, PollChoice.YES)
    bigger = make.convening("Bigger", status=draft.convening.status, organisers=(draft.organiser,))
    invitations = [
        make.invitation(bigger, make.organisation(f"Firm {n}"), focal_point=None) for n in range(8)
    ]
    large = make_poll(db, bigger, tuple(invitations), slots=5, must_attend=invitations[:2])
    for voter in _voters(db, large):
        cast(db, voter, *[PollChoice.IF_NEED_BE] * 5)
    auth.sign_in(draft.organiser)
    client.get(f"/convenings/{draft.convening.id}/poll")

    with count_queries() as few:
        client.get(f"/convenings/{draft.convening.id}/poll")
    with count_queries() as many:
        client.get(f"/convenings/{bigger.id}/poll")

    assert many.count == few.count
