"""The follow-up figures through the API: the report's numbers, for the convening's team."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coordination.actions.queries import today_in
from coordination.models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    Delegate,
    DelegateStatus,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
)

TODAY = today_in("America/New_York")


def add_delegates(make, invitation, count: int, checked_in: int = 0) -> None:
    for number in range(count):
        address = f"delegate{number}.{invitation.id}@example.org"
        make.session.add(
            Delegate(
                invitation=invitation,
                name=f"Delegate {number}",
                email=address,
                email_normalized=address,
                checked_in_at=datetime.now(UTC) if number < checked_in else None,
            )
        )
    make.session.commit()


@pytest.fixture
def team(make):
    return make.user(name="Olivia Organiser"), make.user(name="Colin Coordinator")


@pytest.fixture
def convening(make, team):
    organiser, coordinator = team
    return make.convening(
        "Madison Valleywood", organisers=(organiser,), coordinators=(coordinator,)
    )


def test_follow_up_answers_the_reports_figures(make, api_as, team, convening):
    apple = make.organisation("Apple")
    embassy = make.organisation("British Embassy")
    ngo = make.organisation("Peace Foundation")
    ignored = make.organisation("Never sent")
    add_delegates(make, make.invitation(convening, apple, status=InvitationStatus.ACCEPTED), 3, 2)
    add_delegates(make, make.invitation(convening, embassy, status=InvitationStatus.TENTATIVE), 1)
    make.invitation(convening, ngo, status=InvitationStatus.SENT)
    make.invitation(convening, ignored, status=InvitationStatus.DRAFT)
    make.session.add(
        MinuteEntry(convening_id=convening.id, kind=MinuteKind.DECISION, body="Share figures")
    )
    make.session.commit()
    late = make.action(
        convening, "Late pilot", owner_organisation=apple, due_on=TODAY - timedelta(days=4)
    )
    make.action(convening, "Done report", owner_organisation=apple, status=ActionStatus.DONE)
    make.action(
        convening,
        "Carried",
        owner_organisation=embassy,
        carried_over_at=datetime.now(UTC),
        due_on=TODAY - timedelta(days=9),
    )
    make.action(convening, "Team's own", owner_user=team[1], status=ActionStatus.CANCELLED)

    response = api_as(team[1]).get(f"/api/v1/convenings/{convening.id}/follow-up")

    assert response.status_code == 200
    body = response.get_json()
    assert body["as_of"] == TODAY.isoformat()
    assert body["totals"] == {
        "invited": 3,
        "accepted": 1,
        "tentative": 1,
        "declined": 0,
        "not_answered": 1,
        "attended": 1,
        "delegates_named": 4,
        "delegates_checked_in": 2,
        "decisions": 1,
        "actions": 4,
        "actions_open": 1,
        "actions_overdue": 1,
        "actions_done": 1,
        "actions_cancelled": 1,
        "actions_carried_over": 1,
    }
    assert [
        (row["organisation"]["name"], row["answer"], row["delegates_named"], row["attended"])
        for row in body["attendance"]
    ] == [
        ("Apple", "accepted", 3, True),
        ("British Embassy", "tentative", 1, False),
        ("Peace Foundation", "sent", 0, False),
    ]
    owners = {owner["label"]: owner for owner in body["owners"]}
    assert list(owners) == ["Apple", "British Embassy", "Colin Coordinator"]
    assert owners["Apple"]["organisation"] == {"id": apple.id, "name": "Apple"}
    assert owners["Apple"]["actions"] == {
        "open": 1,
        "overdue": 1,
        "done": 1,
        "cancelled": 0,
        "carried_over": 0,
        "total": 2,
    }
    assert owners["Apple"]["action_ids"][0] == late.id
    assert owners["British Embassy"]["actions"]["carried_over"] == 1
    assert owners["Colin Coordinator"]["kind"] == "person"
    assert [(a["title"], a["days_late"]) for a in body["overdue"]] == [("Late pilot", 4)]


@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("outsider", 404)])
def test_follow_up_is_refused_outside_the_team(make, api_as, convening, role, status):
    company = make.organisation("Invited")
    make.invitation(convening, company)
    user = make.participant(company if role == "participant" else make.organisation("Other"))

    response = api_as(user).get(f"/api/v1/convenings/{convening.id}/follow-up")

    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_follow_up_is_refused_to_the_team_of_another_convening(make, api_as, convening):
    other_organiser = make.user()
    make.convening("Theirs", organisers=(other_organiser,))

    response = api_as(other_organiser).get(f"/api/v1/convenings/{convening.id}/follow-up")

    assert response.status_code == 404


def test_follow_up_is_read_with_a_read_token(api_as, team, convening):
    response = api_as(team[0], scope="read").get(f"/api/v1/convenings/{convening.id}/follow-up")

    assert response.status_code == 200
    assert response.get_json()["totals"]["actions"] == 0


def _add_figures(make, convening, number: int) -> None:
    for index in range(number):
        organisation = make.organisation(commit=False)
        invitation = make.invitation(
            convening, organisation, status=InvitationStatus.ACCEPTED, commit=False
        )
        make.session.add(
            Delegate(
                invitation=invitation,
                name=f"Delegate {index}",
                email=f"figures{index}.{number}@example.org",
                email_normalized=f"figures{index}.{number}@example.org",
                status=DelegateStatus.CONFIRMED,
                checked_in_at=datetime.now(UTC) if index % 2 else None,
            )
        )
        action = ActionItem(
            convening=convening,
            title=f"Figure {index}",
            owner_organisation=organisation,
            status=list(ActionStatus)[index % 5],
            due_on=TODAY - timedelta(days=index - number // 2),
        )
        action.updates.append(ActionUpdate(kind=ActionUpdateKind.CREATED, author_name="Test"))
        make.session.add(action)
    make.session.commit()


def test_follow_up_issues_the_same_queries_at_two_sizes(
    make, api_as, team, convening, count_queries
):
    api = api_as(team[0])
    counts, sizes = [], []
    for number in (3, 30):
        _add_figures(make, convening, number)
        with count_queries() as counter:
            response = api.get(f"/api/v1/convenings/{convening.id}/follow-up")
        assert response.status_code == 200
        counts.append(counter.count)
        sizes.append(response.get_json()["totals"]["actions"])

    assert sizes == [3, 33]
    assert counts[0] == counts[1]
