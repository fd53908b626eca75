"""An organisation's history: one timeline of its convenings, limited to the viewer's teams."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from coordination.db import get_session
from coordination.followup.history import HISTORY_ACTIONS_PER_CONVENING, stakeholder_history
from coordination.models import (
    ActionStatus,
    Delegate,
    DownloadChannel,
    DownloadReceipt,
    InvitationStatus,
    Organisation,
)
from coordination.principal import load_principal

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def _delegate(make, invitation, name, arrived=False):
    email = f"{name.split()[0].lower()}.{invitation.id}@example.org"
    delegate = Delegate(
        invitation=invitation,
        name=name,
        email=email,
        email_normalized=email,
        checked_in_at=NOW if arrived else None,
    )
    make.session.add(delegate)
    make.session.commit()
    return delegate


def _receipt(make, document, organisation, name, at):
    make.session.add(
        DownloadReceipt(
            convening_id=document.convening_id,
            document_id=document.id,
            document_version_id=document.latest.id,
            organisation_id=organisation.id,
            recipient_name=name,
            channel=DownloadChannel.FILE,
            downloaded_at=at,
        )
    )
    make.session.commit()


@pytest.fixture
def apple_world(make):
    """Apple at two convenings with different teams, each with its own actions."""
    alice = make.user(name="Alice of the Valley team")
    bruno = make.user(name="Bruno of the Studio team")
    apple = make.organisation("Apple")
    valley = make.convening(
        "Silicon Valley visit",
        coordinators=(alice,),
        starts_at=datetime(2025, 1, 15, 18, tzinfo=UTC),
    )
    studios = make.convening(
        "Studio heads",
        coordinators=(bruno,),
        starts_at=datetime(2025, 2, 20, 18, tzinfo=UTC),
    )
    washington = make.convening(
        "Madison Valleywood",
        coordinators=(alice,),
        starts_at=datetime(2025, 2, 24, 15, tzinfo=UTC),
    )
    valley_invitation = make.invitation(valley, apple, status=InvitationStatus.ACCEPTED)
    _delegate(make, valley_invitation, "Ann Apple", arrived=True)
    owner = _delegate(make, valley_invitation, "Bob Apple")
    make.invitation(studios, apple, status=InvitationStatus.ACCEPTED)
    make.invitation(washington, apple, status=InvitationStatus.DECLINED)

    pack = make.document(valley, "Threat briefing")
    agenda_note = make.document(valley, "Logistics")
    _receipt(make, pack, apple, "Ann Apple", datetime(2025, 1, 10, 12, tzinfo=UTC))
    _receipt(make, pack, apple, "Bob Apple", datetime(2025, 1, 11, 12, tzinfo=UTC))
    _receipt(make, pack, apple, "Ann Apple", datetime(2025, 1, 12, 12, tzinfo=UTC))
    _receipt(make, agenda_note, apple, "Ann Apple", datetime(2025, 1, 13, 12, tzinfo=UTC))
    secret = make.document(studios, "Studio secrets")
    _receipt(make, secret, apple, "Ann Apple", datetime(2025, 2, 18, 12, tzinfo=UTC))

    make.action(valley, "Valley pilot", owner_organisation=apple, due_on=date(2025, 2, 1))
    make.action(valley, "Valley report", owner_organisation=apple, status=ActionStatus.DONE)
    make.action(valley, "Bob's follow-up", owner_delegate_id=owner.id, due_on=date(2025, 4, 1))
    make.action(valley, "Someone else's", owner_organisation=make.organisation("Twitter"))
    make.action(studios, "Studio secret action", owner_organisation=apple)
    return {"alice": alice, "bruno": bruno, "apple": apple, "studios": studios}


def _history(user, organisation, page=1, per_page=25):
    session = get_session()
    principal = load_principal(session, session.get(type(user), user.id))
    return stakeholder_history(
        session, principal, session.get(Organisation, organisation.id), page, per_page, NOW
    )


def test_history_counts_only_the_viewers_convenings(app_context, apple_world):
    history = _history(apple_world["alice"], apple_world["apple"])

    counts = history.counts
    assert (counts.invited, counts.accepted, counts.attended) == (2, 1, 1)
    assert (counts.delegates, counts.delegates_checked_in) == (2, 1)
    assert (counts.briefings, counts.downloads) == (2, 4)
    actions = counts.actions
    assert (actions.total, actions.open, actions.overdue, actions.done) == (3, 2, 1, 1)


def test_history_timeline_is_newest_first_with_what_happened(app_context, apple_world):
    history = _history(apple_world["alice"], apple_world["apple"])

    assert [entry.convening.title for entry in history.entries] == [
        "Madison Valleywood",
        "Silicon Valley visit",
    ]
    washington, valley = history.entries
    assert washington.invitation.status is InvitationStatus.DECLINED
    assert not washington.attended and washington.actions == []
    assert valley.attended
    assert [d.name for d in valley.delegates] == ["Ann Apple", "Bob Apple"]
    assert [(b.title, b.downloads, b.recipients) for b in valley.briefings] == [
        ("Threat briefing", 3, 2),
        ("Logistics", 1, 1),
    ]
    assert valley.briefings[0].first_at == datetime(2025, 1, 10, 12, tzinfo=UTC)
    # Overdue first, then open, then done; a delegate's action is the organisation's too.
    assert [a.title for a in valley.actions] == ["Valley pilot", "Bob's follow-up", "Valley report"]


def test_team_member_of_one_convening_never_sees_anothers_actions(client, auth, apple_world):
    auth.sign_in(apple_world["alice"])

    page = client.get(f"/organisations/{apple_world['apple'].id}/history").get_data(as_text=True)

    assert "Valley pilot" in page
    assert "Studio secret action" not in page
    assert "Studio heads" not in page
    assert "Studio secrets" not in page
    assert "Someone else" not in page


def test_the_other_team_sees_only_its_own_convening(client, auth, apple_world):
    auth.sign_in(apple_world["bruno"])

    page = client.get(f"/organisations/{apple_world['apple'].id}/history").get_data(as_text=True)

    assert "Studio secret action" in page and "Studio secrets" in page
    assert "Valley pilot" not in page and "Silicon Valley visit" not in page


def test_administrators_see_every_convening(client, auth, make, apple_world):
    auth.sign_in(make.user(is_admin=True))

    page = client.get(f"/organisations/{apple_world['apple'].id}/history").get_data(as_text=True)

    assert "Valley pilot" in page and "Studio secret action" in page
    found = re.search(
        r'<span class="followup-figures__number">(\d+)</span>\s*convening invitations', page
    )
    assert found and found.group(1) == "3"


def test_history_is_refused_to_participants_and_unrelated_teams(client, auth, make, apple_world):
    apple = apple_world["apple"]
    participant = make.participant(apple)
    unrelated = make.user()
    make.convening("Unrelated", organisers=(unrelated,))
    path = f"/organisations/{apple.id}/history"

    assert client.get(path).status_code == 302
    auth.sign_in(participant)
    assert client.get(path).status_code == 404
    auth.sign_out()
    auth.sign_in(unrelated)
    assert client.get(path).status_code == 403
    assert client.get("/organisations/999999/history").status_code == 404


def test_organisation_page_links_to_its_history_for_its_teams(client, auth, make, apple_world):
    apple = apple_world["apple"]
    unrelated = make.user()
    make.convening("Unrelated", organisers=(unrelated,))
    link = f'href="/organisations/{apple.id}/history"'

    auth.sign_in(apple_world["alice"])
    assert link in client.get(f"/directory/{apple.id}").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(unrelated)
    assert link not in client.get(f"/directory/{apple.id}").get_data(as_text=True)


def test_history_caps_actions_per_convening_and_points_to_the_report(client, auth, make):
    coordinator = make.user()
    apple = make.organisation("Apple")
    convening = make.convening("Busy meeting", coordinators=(coordinator,))
    make.invitation(convening, apple)
    extra = 5
    for number in range(HISTORY_ACTIONS_PER_CONVENING + extra):
        make.action(convening, f"Task {number:03d}", owner_organisation=apple, commit=False)
    make.session.commit()
    auth.sign_in(coordinator)

    page = client.get(f"/organisations/{apple.id}/history").get_data(as_text=True)

    assert page.count("Task ") == HISTORY_ACTIONS_PER_CONVENING
    assert f"{extra} more actions in the follow-up report" in page
    assert f'href="/convenings/{convening.id}/follow-up#actions-heading"' in page


def test_history_paginates_convenings(client, auth, make):
    coordinator = make.user()
    apple = make.organisation("Apple")
    start = datetime(2024, 1, 1, 15, tzinfo=UTC)
    for number in range(30):
        convening = make.convening(
            f"Meeting {number:02d}",
            coordinators=(coordinator,),
            starts_at=start + timedelta(days=number),
            commit=False,
        )
        make.invitation(convening, apple, commit=False)
    make.session.commit()
    auth.sign_in(coordinator)

    first = client.get(f"/organisations/{apple.id}/history").get_data(as_text=True)
    second = client.get(f"/organisations/{apple.id}/history?page=2").get_data(as_text=True)

    assert "Meeting 29" in first and "Meeting 05" in first and "Meeting 04" not in first
    assert "Meeting 04" in second and "Meeting 00" in second
    assert "Showing 26\u201330 of 30" in second


def _populate(make, coordinator, organisation, convenings, actions):
    made = []
    for number in range(convenings):
        convening = make.convening(coordinators=(coordinator,), commit=False)
        invitation = make.invitation(
            convening, organisation, status=InvitationStatus.ACCEPTED, commit=False
        )
        make.session.add(
            Delegate(
                invitation=invitation,
                name=f"Delegate {number}",
                email=f"d{number}@example.org",
                email_normalized=f"d{number}@example.org",
                checked_in_at=NOW,
            )
        )
        made.append(convening)
    make.session.commit()
    for convening in made:
        document = make.document(convening)
        _receipt(make, document, organisation, "Someone", NOW)
    for number in range(actions):
        make.action(
            made[number % len(made)],
            owner_organisation=organisation,
            due_on=date(2025, 1, 1) if number % 2 else None,
            status=ActionStatus.DONE if number % 3 == 0 else ActionStatus.OPEN,
            commit=False,
        )
    make.session.commit()


def test_history_issues_the_same_queries_for_10_and_1000_actions(client, auth, make, count_queries):
    coordinator = make.user()
    few = make.organisation("Few")
    many = make.organisation("Many")
    _populate(make, coordinator, few, convenings=3, actions=10)
    _populate(make, coordinator, many, convenings=30, actions=1000)
    auth.sign_in(coordinator)
    client.get(f"/organisations/{few.id}/history")

    counts = []
    for organisation in (few, many):
        with count_queries() as queries:
            assert client.get(f"/organisations/{organisation.id}/history").status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]
