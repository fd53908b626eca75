"""The RSVP board: answers, delegates, totals, filters, and who may see it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coordination.invitations.board.board import BoardFilters, rsvp_board
from coordination.models import (
    Convening,
    DelegateStatus,
    InvitationStatus,
    OrganisationKind,
    SeatRequestStatus,
)

from .board_helpers import add_delegate, text_of

S = InvitationStatus


@pytest.fixture
def team(make):
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    convening = make.convening(
        "Board convening", organisers=(organiser,), coordinators=(coordinator,)
    )
    return organiser, coordinator, convening


def _url(convening: Convening, query: str = "") -> str:
    return f"/convenings/{convening.id}/rsvp{query}"


@pytest.fixture
def invited(make, db, team):
    """Six organisations, one in each state, with delegates where they answered yes."""
    _organiser, _coordinator, convening = team
    apple = make.organisation("Apple", kind=OrganisationKind.COMPANY)
    focal = make.contact(apple, name="Priya Raman", email="focal.apple@example.org")
    accepted = make.invitation(
        convening,
        apple,
        status=S.ACCEPTED,
        seat_quota=3,
        focal_point=focal,
        responded_at=datetime(2030, 3, 4, 15, 0, tzinfo=UTC),
    )
    add_delegate(db, accepted, "Zoe Zimmer", title="Chief executive", head=True)
    add_delegate(db, accepted, "Adam Abbott", remote=True, dietary_needs="Vegetarian")
    add_delegate(db, accepted, "Gone Person", status=DelegateStatus.CANCELLED)
    embassy = make.organisation("British Embassy", kind=OrganisationKind.EMBASSY)
    sent = make.invitation(
        convening,
        embassy,
        status=S.SENT,
        sent_at=datetime(2030, 3, 1, 12, 0, tzinfo=UTC),
        last_reminded_at=datetime(2030, 3, 3, 12, 0, tzinfo=UTC),
        reminders_sent=2,
    )
    state = make.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY)
    tentative = make.invitation(
        convening,
        state,
        status=S.TENTATIVE,
        seat_quota=2,
        extra_seats_requested=2,
        extra_seats_status=SeatRequestStatus.PENDING,
        extra_seats_reason="Our press office wants to attend.",
    )
    add_delegate(db, tentative, "Émile Durand", head=True, accessibility_needs="Step-free access")
    make.invitation(
        convening, make.organisation("Snapchat", kind=OrganisationKind.COMPANY), status=S.DECLINED
    )
    make.invitation(
        convening,
        make.organisation("Youth Voices", kind=OrganisationKind.COMMUNITY_GROUP),
        status=S.WITHDRAWN,
    )
    make.invitation(
        convening,
        make.organisation("Draft Institute", kind=OrganisationKind.OTHER),
        status=S.DRAFT,
    )
    return {"accepted": accepted, "sent": sent, "tentative": tentative}


def test_board_shows_each_answer_with_focal_point_delegates_and_seats(client, auth, team, invited):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    response = client.get(_url(convening))
    page = text_of(response)

    assert response.status_code == 200
    apple_row = page[page.index("Apple Company") :]
    assert apple_row.startswith(
        "Apple Company Accepted on 04 Mar 2030, 10:00 EST Priya Raman focal.apple@example.org "
        "Zoe Zimmer , Chief executive Head of delegation "
        "Adam Abbott Remote Diet: Vegetarian 2 / 3"
    )
    assert "Gone Person" not in page
    assert "Émile Durand Head of delegation Access: Step-free access" in page
    assert "Draft Institute" not in page


def test_board_counts_totals_by_status_and_kind(app_context, db, team, invited):
    _organiser, _coordinator, convening = team

    board = rsvp_board(db, db.get(Convening, convening.id), BoardFilters())

    assert board.status_counts == {
        S.SENT: 1,
        S.ACCEPTED: 1,
        S.TENTATIVE: 1,
        S.DECLINED: 1,
        S.WITHDRAWN: 1,
        S.DRAFT: 1,
    }
    by_kind = {row.kind: (row.total, row.seats.used, row.seats.offered) for row in board.by_kind}
    assert by_kind == {
        OrganisationKind.COMPANY: (2, 2, 3),
        OrganisationKind.GOVERNMENT_AGENCY: (1, 1, 2),
        OrganisationKind.EMBASSY: (1, 0, 2),
        OrganisationKind.COMMUNITY_GROUP: (1, 0, 0),
    }
    assert (board.overall.total, board.overall.seats.used, board.overall.seats.offered) == (
        5,
        3,
        7,
    )


def test_board_page_shows_totals_table_and_seats(client, auth, team, invited):
    _organiser, coordinator, convening = team
    auth.sign_in(coordinator)

    page = text_of(client.get(_url(convening)))

    assert "5 invited" in page
    assert "3 / 7 seats used / offered" in page
    assert "Company 0 1 0 1 0 2 2 / 3" in page
    assert "All kinds 1 1 1 1 1 5 3 / 7" in page
    assert "1 draft invitation not sent yet" in page


def test_board_lists_unanswered_invitations_with_last_reminder(client, auth, team, invited):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    page = text_of(client.get(_url(convening)))

    waiting = page[page.index("Sent Last reminder") :]
    assert waiting.startswith(
        "Sent Last reminder British Embassy None "
        "01 Mar 2030, 07:00 EST 03 Mar 2030, 07:00 EST (2 reminders)"
    )


def test_board_shows_pending_extra_seat_request_with_number_and_reason(client, auth, team, invited):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    page = text_of(client.get(_url(convening)))

    assert "Requests for more seats" in page
    assert "State Department 1 of 2 2 Our press office wants to attend." in page


def test_board_without_requests_has_no_request_section(client, auth, make, team):
    organiser, _coordinator, convening = team
    make.invitation(convening, make.organisation("Quiet Org"), status=S.SENT)
    auth.sign_in(organiser)

    page = text_of(client.get(_url(convening)))

    assert "Requests for more seats" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?status=accepted", {"Apple"}, {"Snapchat", "British Embassy", "State Department"}),
        ("?status=draft", {"Draft Institute"}, {"Apple", "Snapchat"}),
        ("?kind=company", {"Apple", "Snapchat"}, {"British Embassy", "State Department"}),
        ("?kind=company&status=declined", {"Snapchat"}, {"Apple"}),
        ("?q=EMBASSY", {"British Embassy"}, {"Apple", "Snapchat"}),
        ("?q=zimmer", {"Apple"}, {"State Department", "British Embassy"}),
        ("?q=emile", {"State Department"}, {"Apple"}),
        ("?q=nobody+here", set(), {"Apple", "Snapchat", "State Department"}),
        (
            "?status=bogus&kind=bogus",
            {"Apple", "Snapchat", "Youth Voices", "British Embassy", "State Department"},
            {"Draft Institute"},
        ),
    ],
)
def test_board_filters_and_search_narrow_the_invitations(
    client, auth, team, invited, query, shown, hidden
):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    response = client.get(_url(convening, query))
    page = text_of(response)
    table = page[page.index("Clear filters") :]

    assert response.status_code == 200
    for name in shown:
        assert f"{name} " in table, name
    for name in hidden:
        assert f" {name} " not in table, name
    assert f"{len(shown)} invitation" in table


def test_board_search_longer_than_allowed_is_shown_as_an_error(client, auth, team, invited):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    response = client.get(_url(convening, "?q=" + "x" * 201))

    assert response.status_code == 200
    assert "Use at most 200 characters." in text_of(response)
    assert "5 invitations sent" in text_of(response)


@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("outsider", 404)])
def test_board_is_refused_to_organisations(client, auth, make, team, invited, role, status):
    _organiser, _coordinator, convening = team
    invited_org = invited["accepted"].organisation
    user = (
        make.participant(invited_org)
        if role == "participant"
        else make.participant(make.organisation("Elsewhere"))
    )
    auth.sign_in(user)

    response = client.get(_url(convening))

    assert response.status_code == status
    assert "Zoe Zimmer" not in response.get_data(as_text=True)


def test_board_sends_anonymous_visitors_to_sign_in(client, team):
    _organiser, _coordinator, convening = team

    response = client.get(_url(convening))

    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def _invite_many(make, db, convening, count: int) -> None:
    statuses = [S.SENT, S.ACCEPTED, S.TENTATIVE, S.DECLINED, S.WITHDRAWN]
    for number in range(count):
        organisation = make.organisation(f"Org {convening.id}-{number}", commit=False)
        contact = make.contact(organisation, commit=False)
        invitation = make.invitation(
            convening,
            organisation,
            status=statuses[number % len(statuses)],
            focal_point=contact,
            extra_seats_status=(
                SeatRequestStatus.PENDING if number % 7 == 0 else SeatRequestStatus.NONE
            ),
            commit=False,
        )
        add_delegate(db, invitation, f"Head {number}", head=True, commit=False)
        add_delegate(db, invitation, f"Second {number}", remote=True, commit=False)
    db.commit()


def test_board_query_count_does_not_grow_with_invitations(client, auth, make, db, count_queries):
    organiser = make.user()
    small = make.convening(organisers=(organiser,))
    large = make.convening(organisers=(organiser,))
    _invite_many(make, db, small, 5)
    _invite_many(make, db, large, 50)
    auth.sign_in(organiser)

    with count_queries() as few:
        first = client.get(_url(small))
    with count_queries() as many:
        second = client.get(_url(large))

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Head 49" in second.get_data(as_text=True)
    assert few.count == many.count


def test_board_offers_organisers_to_decide_seat_requests(client, auth, team, invited):
    organiser, _coordinator, convening = team
    request = invited["tentative"]
    auth.sign_in(organiser)

    body = client.get(_url(convening)).get_data(as_text=True)

    assert f'action="/invitations/{request.id}/seats"' in body
    assert 'name="decision" value="approve"' in body
    assert 'name="decision" value="refuse"' in body


def test_board_shows_coordinators_seat_requests_without_decision_buttons(
    client, auth, team, invited
):
    _organiser, coordinator, convening = team
    auth.sign_in(coordinator)

    body = client.get(_url(convening)).get_data(as_text=True)

    assert "Our press office wants to attend." in body
    assert "/seats" not in body


def test_board_seat_decision_form_returns_to_the_board(client, auth, db, team, invited):
    organiser, _coordinator, convening = team
    request = invited["tentative"]
    auth.sign_in(organiser)
    board_url = _url(convening, "?kind=government_agency")

    response = client.post(
        f"/invitations/{request.id}/seats",
        data={"decision": "approve", "version": request.version, "next": board_url},
    )

    assert response.headers["Location"] == board_url
    page = text_of(client.get(board_url))
    assert "Requests for more seats" not in page
    assert "Extra seats: approved" in page


def test_board_links_organisers_to_managing_invitations(client, auth, team, invited):
    organiser, coordinator, convening = team
    manage_link = f'href="/convenings/{convening.id}/invitations"'

    auth.sign_in(organiser)
    as_organiser = client.get(_url(convening)).get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(coordinator)
    as_coordinator = client.get(_url(convening)).get_data(as_text=True)

    assert manage_link in as_organiser
    assert manage_link not in as_coordinator
    assert f'href="/convenings/{convening.id}/check-in"' in as_coordinator
