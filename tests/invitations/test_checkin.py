"""Check-in on the day: search, mark arrived and undo, audited, for the team alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.models import (
    AuditEvent,
    ConveningStatus,
    Delegate,
    InvitationStatus,
    Organisation,
    utcnow,
)
from coordination.timezones import utc_to_local

from .board_helpers import add_delegate, text_of

S = InvitationStatus


@pytest.fixture
def team(make):
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    convening = make.convening(
        "Check-in convening",
        organisers=(organiser,),
        coordinators=(coordinator,),
        timezone="Europe/London",
    )
    return organiser, coordinator, convening


@pytest.fixture
def people(make, db, team):
    _organiser, _coordinator, convening = team
    apple = make.invitation(convening, make.organisation("Apple"), status=S.ACCEPTED)
    state = make.invitation(convening, make.organisation("State Department"), status=S.TENTATIVE)
    declined = make.invitation(convening, make.organisation("Snapchat"), status=S.DECLINED)
    return {
        "priya": add_delegate(
            db, apple, "Priya Raman", email="Priya.Raman@apple.example", head=True
        ),
        "tim": add_delegate(db, apple, "Tim Cook", email="tim@apple.example"),
        "emile": add_delegate(db, state, "Émile Durand", email="emile@state.example", remote=True),
        "dora": add_delegate(db, declined, "Dora Declined", email="dora@snap.example"),
    }


def _search(client, convening, query: str = "") -> str:
    response = client.get(f"/convenings/{convening.id}/check-in", query_string={"q": query})
    assert response.status_code == 200
    return text_of(response)


def _found(page: str) -> str:
    """The results section: from its heading to the end."""
    starts = [page.find(heading) for heading in ("Delegates matching", "Everyone expected")]
    return page[max(starts) :]


@pytest.mark.parametrize(
    ("query", "found", "missing"),
    [
        ("PRIYA", ["Priya Raman"], ["Tim Cook", "Émile Durand"]),
        ("apple", ["Priya Raman", "Tim Cook"], ["Émile Durand"]),
        ("tim@apple", ["Tim Cook"], ["Priya Raman"]),
        ("emile", ["Émile Durand"], ["Priya Raman"]),
        ("raman apple", ["Priya Raman"], ["Tim Cook"]),
        ("dora", [], ["Dora Declined"]),
        ("", ["Priya Raman", "Tim Cook", "Émile Durand"], ["Dora Declined"]),
    ],
)
def test_check_in_search_finds_expected_delegates(
    client, auth, team, people, query, found, missing
):
    _organiser, coordinator, convening = team
    auth.sign_in(coordinator)

    page = _found(_search(client, convening, query))

    assert f"{len(found)} delegate" in page
    for name in found:
        assert name in page
    for name in missing:
        assert name not in page


def test_check_in_page_puts_the_search_before_results_and_counts(client, auth, team, people):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    response = client.get(f"/convenings/{convening.id}/check-in")

    body = response.get_data(as_text=True)
    assert body.index('role="search"') < body.index("Priya Raman")
    assert "autofocus" not in body
    assert "0 of 3 expected delegates have arrived (2 expected in person)" in text_of(response)


def test_mark_arrived_records_time_and_person_audits_and_returns_to_search(
    client, auth, db, team, people
):
    _organiser, coordinator, convening = team
    priya = people["priya"]
    auth.sign_in(coordinator)

    response = client.post(f"/delegates/{priya.id}/arrived", data={"q": "priya"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/convenings/{convening.id}/check-in?q=priya"
    db.expire_all()
    stored = db.get(Delegate, priya.id)
    assert stored.checked_in_at is not None
    assert stored.checked_in_by_id == coordinator.id
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.arrived"))
    assert (event.actor_id, event.object_id, event.convening_id) == (
        coordinator.id,
        priya.id,
        convening.id,
    )
    assert event.changes["checked_in_at"][0] is None
    assert event.object_label == "Priya Raman (Apple)"
    clock = utc_to_local(stored.checked_in_at, "Europe/London").strftime("%H:%M")
    page = text_of(client.get(response.headers["Location"]))
    assert f"Priya Raman marked as arrived at {clock}." in page
    assert f"Arrived at {clock}" in page
    assert "recorded by Colin Coordinator" in page
    assert "1 of 3 expected delegates have arrived" in page
    assert 'value="priya"' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_mark_arrived_twice_keeps_the_first_time_and_audits_once(client, auth, db, team, people):
    organiser, _coordinator, _convening = team
    tim = people["tim"]
    auth.sign_in(organiser)
    client.post(f"/delegates/{tim.id}/arrived")
    db.expire_all()
    first = db.get(Delegate, tim.id).checked_in_at

    response = client.post(f"/delegates/{tim.id}/arrived", follow_redirects=True)

    db.expire_all()
    assert db.get(Delegate, tim.id).checked_in_at == first
    assert "Tim Cook was already marked as arrived" in text_of(response)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "delegate.arrived")).all()
    assert len(events) == 1


def test_undo_clears_the_arrival_and_audits(client, auth, db, team, people):
    organiser, _coordinator, convening = team
    tim = people["tim"]
    auth.sign_in(organiser)
    client.post(f"/delegates/{tim.id}/arrived")

    response = client.post(f"/delegates/{tim.id}/not-arrived", data={"q": "tim"})

    assert response.headers["Location"] == f"/convenings/{convening.id}/check-in?q=tim"
    db.expire_all()
    stored = db.get(Delegate, tim.id)
    assert (stored.checked_in_at, stored.checked_in_by_id) == (None, None)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.arrival_undone"))
    assert event.changes["checked_in_at"][1] is None
    assert event.convening_id == convening.id
    page = text_of(client.get(response.headers["Location"]))
    assert "Tim Cook is no longer marked as arrived." in page
    assert "Mark arrived : Tim Cook" in page


def test_mark_arrived_refuses_a_delegate_whose_organisation_declined(
    client, auth, db, team, people
):
    organiser, _coordinator, _convening = team
    dora = people["dora"]
    auth.sign_in(organiser)

    response = client.post(f"/delegates/{dora.id}/arrived", follow_redirects=True)

    db.expire_all()
    assert db.get(Delegate, dora.id).checked_in_at is None
    assert "the invitation of Snapchat is declined" in text_of(response)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "delegate.arrived")) is None


def test_mark_arrived_refuses_when_the_convening_is_cancelled(client, auth, db, team, people):
    organiser, _coordinator, convening = team
    convening.status = ConveningStatus.CANCELLED
    db.commit()
    auth.sign_in(organiser)

    response = client.post(f"/delegates/{people['tim'].id}/arrived", follow_redirects=True)

    db.expire_all()
    assert db.get(Delegate, people["tim"].id).checked_in_at is None
    assert "This convening is cancelled" in text_of(response)


@pytest.mark.parametrize("path", ["arrived", "not-arrived"])
@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("outsider", 404)])
def test_arrivals_cannot_be_changed_by_organisations(
    client, auth, make, db, team, people, path, role, status
):
    apple = db.scalar(select(Organisation).where(Organisation.name == "Apple"))
    user = (
        make.participant(apple)
        if role == "participant"
        else make.participant(make.organisation("Elsewhere"))
    )
    auth.sign_in(user)

    response = client.post(f"/delegates/{people['tim'].id}/{path}")

    assert response.status_code == status
    db.expire_all()
    assert db.get(Delegate, people["tim"].id).checked_in_at is None


def test_mark_arrived_for_a_missing_delegate_is_not_found(client, auth, team):
    organiser, _coordinator, _convening = team
    auth.sign_in(organiser)

    assert client.post("/delegates/999999/arrived").status_code == 404


def test_check_in_query_count_does_not_grow_with_delegates(
    client, auth, make, db, team, count_queries
):
    organiser, _coordinator, small = team
    large = make.convening(organisers=(organiser,))
    for convening, count in ((small, 2), (large, 40)):
        for number in range(count):
            invitation = make.invitation(
                convening, make.organisation(f"Org {convening.id}-{number}"), status=S.ACCEPTED
            )
            add_delegate(
                db,
                invitation,
                f"Delegate {number}",
                head=True,
                checked_in_at=utcnow(),
                checked_in_by=make.user(),  # a different recorder each time
            )
    auth.sign_in(organiser)

    with count_queries() as few:
        client.get(f"/convenings/{small.id}/check-in?q=delegate")
    with count_queries() as many:
        client.get(f"/convenings/{large.id}/check-in?q=delegate")

    assert few.count == many.count
