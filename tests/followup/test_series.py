"""The series dashboard: convenings in order, their action figures, organisations' participation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coordination.db import get_session
from coordination.followup.series import series_dashboard
from coordination.models import ActionStatus, Delegate, InvitationStatus, Series
from coordination.principal import load_principal

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def _arrived(make, invitation, name="A Delegate"):
    email = f"{name.split()[-1].lower()}.{invitation.id}@example.org"
    make.session.add(
        Delegate(
            invitation=invitation, name=name, email=email, email_normalized=email, checked_in_at=NOW
        )
    )
    make.session.commit()


@pytest.fixture
def series_world(make):
    """Three convenings of a series created out of date order; the coordinator is on the team
    of the first two only."""
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    series = make.series("Valleywood")
    # Created last-first, so only the ordering by date puts them right.
    third = make.convening(
        "Washington",
        series=series,
        organisers=(organiser,),
        starts_at=datetime(2025, 3, 1, 15, tzinfo=UTC),
    )
    second = make.convening(
        "Los Angeles",
        series=series,
        organisers=(organiser,),
        coordinators=(coordinator,),
        timezone="America/Los_Angeles",
        starts_at=datetime(2025, 2, 20, 18, tzinfo=UTC),
    )
    first = make.convening(
        "Silicon Valley",
        series=series,
        organisers=(organiser,),
        coordinators=(coordinator,),
        timezone="America/Los_Angeles",
        starts_at=datetime(2025, 1, 15, 18, tzinfo=UTC),
    )
    apple = make.organisation("Apple")
    mtv = make.organisation("MTV")
    twitter = make.organisation("Twitter")
    _arrived(make, make.invitation(first, apple, status=InvitationStatus.ACCEPTED))
    make.invitation(second, apple, status=InvitationStatus.DECLINED)
    make.invitation(second, mtv, status=InvitationStatus.SENT)
    _arrived(make, make.invitation(second, twitter, status=InvitationStatus.TENTATIVE))
    make.invitation(first, twitter, status=InvitationStatus.DRAFT)
    make.invitation(third, make.organisation("Only in Washington"))

    # First: three actions; one done, one overdue, one carried over to the second.
    make.action(first, "Done early", owner_organisation=apple, status=ActionStatus.DONE)
    make.action(first, "Late", owner_organisation=apple, due_on=date(2025, 2, 1))
    earlier = make.action(
        first, "Carried", owner_organisation=twitter, due_on=date(2025, 2, 1), carried_over_at=NOW
    )
    # Second: the carried action continues, open; two new ones, done and cancelled.
    make.action(
        second,
        "Carried",
        owner_organisation=twitter,
        due_on=date(2025, 4, 1),
        carried_from_id=earlier.id,
    )
    make.action(second, "Done later", owner_organisation=mtv, status=ActionStatus.DONE)
    make.action(second, "Dropped", status=ActionStatus.CANCELLED)
    # Third (not the coordinator's): an overdue action they must not count.
    make.action(third, "Hidden", due_on=date(2025, 2, 1))
    return {
        "series": series,
        "organiser": organiser,
        "coordinator": coordinator,
        "convenings": (first, second, third),
    }


def _dashboard(user, series_id, page=1):
    session = get_session()
    principal = load_principal(session, session.get(type(user), user.id))
    return series_dashboard(session, principal, session.get(Series, series_id), page, NOW)


def test_dashboard_lists_convenings_in_date_order(app_context, series_world):
    dashboard = _dashboard(series_world["organiser"], series_world["series"].id)

    assert [row.convening.title for row in dashboard.convenings] == [
        "Silicon Valley",
        "Los Angeles",
        "Washington",
    ]
    assert dashboard.hidden_convenings == 0


def test_dashboard_figures_per_convening_and_in_total(app_context, series_world):
    dashboard = _dashboard(series_world["coordinator"], series_world["series"].id)

    rows = [
        (
            row.convening.title,
            row.actions.opened,
            row.actions.carried_in,
            row.actions.open,
            row.actions.overdue,
            row.actions.done,
            row.actions.carried_over,
            row.invited,
            row.accepted,
            row.attended,
        )
        for row in dashboard.convenings
    ]
    assert rows == [
        ("Silicon Valley", 3, 0, 1, 1, 1, 1, 1, 1, 1),
        ("Los Angeles", 2, 1, 1, 0, 1, 0, 3, 0, 1),
    ]
    totals = dashboard.actions
    assert (totals.opened, totals.carried_in, totals.open, totals.overdue) == (5, 1, 2, 1)
    assert (totals.done, totals.cancelled, totals.carried_over) == (2, 1, 1)
    # Every action first opened ends open, done or cancelled exactly once.
    assert totals.opened == totals.open + totals.done + totals.cancelled
    assert dashboard.hidden_convenings == 1


def test_dashboard_matrix_marks_invited_accepted_and_attended(app_context, series_world):
    dashboard = _dashboard(series_world["coordinator"], series_world["series"].id)

    matrix = {
        row.organisation.name: [
            (cell.status.value, cell.attended) if cell else None for cell in row.cells
        ]
        for row in dashboard.matrix
    }
    assert matrix == {
        "Apple": [("accepted", True), ("declined", False)],
        "MTV": [None, ("sent", False)],
        # A draft invitation is not an invitation yet.
        "Twitter": [None, ("tentative", True)],
    }
    assert dashboard.organisations.total == 3
    assert dashboard.organisations_attended == 2


def test_dashboard_page_shows_only_the_viewers_team_convenings(client, auth, series_world):
    auth.sign_in(series_world["coordinator"])

    page = client.get(f"/series/{series_world['series'].id}/dashboard").get_data(as_text=True)

    assert "Silicon Valley" in page and "Los Angeles" in page
    assert "Washington" not in page
    assert "Only in Washington" not in page
    assert "1 convening of this series is left out" in page
    assert page.index("Silicon Valley") < page.index("Los Angeles")


def test_dashboard_for_admins_shows_every_convening(client, auth, make, series_world):
    auth.sign_in(make.user(is_admin=True))

    page = client.get(f"/series/{series_world['series'].id}/dashboard").get_data(as_text=True)

    assert "Washington" in page and "Only in Washington" in page


def test_dashboard_is_refused_to_participants_and_hidden_from_others(
    client, auth, make, series_world
):
    first = series_world["convenings"][0]
    participant = make.participant(make.organisation("Participant Org"))
    make.invitation(first, participant.contact.organisation, status=InvitationStatus.ACCEPTED)
    other_team = make.user()
    make.convening("Unrelated", organisers=(other_team,))
    path = f"/series/{series_world['series'].id}/dashboard"

    assert client.get(path).status_code == 302
    auth.sign_in(participant)
    assert client.get(path).status_code == 403
    auth.sign_out()
    auth.sign_in(other_team)
    # None of the series' convenings is visible to them: the series is not there.
    assert client.get(path).status_code == 404
    assert client.get("/series/999999/dashboard").status_code == 404


def test_series_and_convening_pages_link_the_team_to_the_dashboard(client, auth, series_world):
    series_id = series_world["series"].id
    first = series_world["convenings"][0]
    link = f'href="/series/{series_id}/dashboard"'
    auth.sign_in(series_world["coordinator"])

    assert link in client.get(f"/convenings/series/{series_id}").get_data(as_text=True)
    assert link in client.get(f"/convenings/{first.id}").get_data(as_text=True)


def _grow(make, convenings, organisations, actions):
    people = [make.organisation(commit=False) for _ in range(organisations)]
    make.session.flush()
    for number, organisation in enumerate(people):
        for convening in convenings:
            make.invitation(
                convening,
                organisation,
                status=InvitationStatus.ACCEPTED if number % 2 else InvitationStatus.SENT,
                commit=False,
            )
    for number in range(actions):
        make.action(
            convenings[number % len(convenings)],
            owner_organisation=people[number % len(people)],
            due_on=date(2025, 1, 1) if number % 2 else None,
            status=ActionStatus.DONE if number % 5 == 0 else ActionStatus.OPEN,
            commit=False,
        )
    make.session.commit()


def test_dashboard_issues_the_same_queries_for_few_and_many_rows(client, auth, make, count_queries):
    organiser = make.user()
    paths = []
    for size, (organisations, actions) in enumerate(((3, 10), (30, 200))):
        series = make.series(f"Size {size}")
        convenings = [
            make.convening(f"Meeting {size}.{n}", series=series, organisers=(organiser,))
            for n in range(3)
        ]
        _grow(make, convenings, organisations, actions)
        paths.append(f"/series/{series.id}/dashboard")
    auth.sign_in(organiser)
    client.get(paths[0])

    counts = []
    for path in paths:
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]


def test_dashboard_matrix_paginates_organisations(client, auth, make):
    organiser = make.user()
    series = make.series("Large")
    convening = make.convening("Big meeting", series=series, organisers=(organiser,))
    _grow(make, [convening], 60, 0)
    auth.sign_in(organiser)

    first = client.get(f"/series/{series.id}/dashboard").get_data(as_text=True)
    second = client.get(f"/series/{series.id}/dashboard?page=2").get_data(as_text=True)
    odd = client.get(f"/series/{series.id}/dashboard?page=abc")

    assert "Showing 1\u201350 of 60" in first
    assert "Showing 51\u201360 of 60" in second
    assert odd.status_code == 200
