"""The attendee list: grouped by organisation, head first, printable and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from coordination.invitations.board.attendees import attendee_list
from coordination.models import (
    Convening,
    DelegateStatus,
    InvitationStatus,
    Organisation,
    OrganisationKind,
)

from .board_helpers import add_delegate, text_of

S = InvitationStatus


@pytest.fixture
def team(make):
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    convening = make.convening(
        "Attendee convening",
        codename="Madison Valleywood",
        organisers=(organiser,),
        coordinators=(coordinator,),
        timezone="America/New_York",
    )
    return organiser, coordinator, convening


@pytest.fixture
def delegations(make, db, team):
    """Accepted Twitter and Apple, tentative State; declined and sent ones do not count."""
    _organiser, _coordinator, convening = team
    twitter = make.invitation(convening, make.organisation("Twitter"), status=S.ACCEPTED)
    add_delegate(db, twitter, "Aaron Able", title="Policy lead")
    add_delegate(db, twitter, "Yara Young", title="Vice president", head=True)
    apple = make.invitation(convening, make.organisation("apple"), status=S.ACCEPTED)
    add_delegate(
        db,
        apple,
        "=cmd()",
        email="formula@example.org",
        title="+SUM(A1)",
        head=True,
        remote=True,
        dietary_needs="@Halal",
        checked_in_at=datetime(2030, 5, 6, 13, 12, tzinfo=UTC),
    )
    add_delegate(db, apple, "Cancelled Carl", status=DelegateStatus.CANCELLED)
    state = make.invitation(
        convening,
        make.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY),
        status=S.TENTATIVE,
    )
    add_delegate(db, state, "Sam Statesman", accessibility_needs="Hearing loop")
    declined = make.invitation(convening, make.organisation("Snapchat"), status=S.DECLINED)
    add_delegate(db, declined, "Declined Dora")
    sent = make.invitation(convening, make.organisation("MTV"), status=S.SENT)
    add_delegate(db, sent, "Sent Sally")
    return convening


def test_attendee_list_groups_by_organisation_name_with_head_first(app_context, db, delegations):
    attendees = attendee_list(db, db.get(Convening, delegations.id))

    grouped = [
        (group.organisation.name, [delegate.name for delegate in group.delegates])
        for group in attendees.delegations
    ]
    assert grouped == [
        ("apple", ["=cmd()"]),
        ("State Department", ["Sam Statesman"]),
        ("Twitter", ["Yara Young", "Aaron Able"]),
    ]
    assert (len(attendees.delegates), attendees.in_person, attendees.remote) == (4, 3, 1)


def test_attendee_page_shows_delegations_in_order_with_details(client, auth, team, delegations):
    _organiser, coordinator, convening = team
    auth.sign_in(coordinator)

    response = client.get(f"/convenings/{convening.id}/attendees")
    page = text_of(response)

    assert response.status_code == 200
    assert "4 delegates from 3 organisations: 3 in person, 1 remote." in page
    assert page.index("apple Company") < page.index("State Department Government agency")
    assert page.index("State Department Government agency Tentative") < page.index(
        "Twitter Company"
    )
    assert "Yara Young Head of delegation Vice president In person None given" in page
    assert page.index("Yara Young") < page.index("Aaron Able")
    assert "Sam Statesman In person Access: Hearing loop" in page
    assert "=cmd() Head of delegation +SUM(A1) Remote Diet: @Halal 09:12 EDT" in page
    for absent in ("Cancelled Carl", "Declined Dora", "Sent Sally"):
        assert absent not in page


def test_attendee_page_links_the_print_stylesheet_and_csv(client, auth, team, delegations):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    body = client.get(f"/convenings/{convening.id}/attendees").get_data(as_text=True)

    assert 'href="/static/css/print.css" media="print"' in body
    assert f'href="/convenings/{convening.id}/attendees.csv"' in body


def test_attendee_csv_is_an_attachment_with_formulas_escaped(client, auth, team, delegations):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    response = client.get(f"/convenings/{convening.id}/attendees.csv")

    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="attendees-madison-valleywood-')
    assert disposition.endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Organisation",
        "Kind",
        "Answer",
        "Name",
        "Title",
        "Email",
        "Head of delegation",
        "Attendance",
        "Accessibility needs",
        "Dietary needs",
        "Arrived (America/New_York)",
    ]
    assert rows[1] == [
        "apple",
        "Company",
        "Accepted",
        "'=cmd()",
        "'+SUM(A1)",
        "formula@example.org",
        "Yes",
        "Remote",
        "",
        "'@Halal",
        "2030-05-06 09:12",
    ]
    assert [row[3] for row in rows[2:]] == ["Sam Statesman", "Yara Young", "Aaron Able"]


def test_attendee_csv_of_a_convening_without_delegates_has_only_the_header(client, auth, team):
    organiser, _coordinator, convening = team
    auth.sign_in(organiser)

    response = client.get(f"/convenings/{convening.id}/attendees.csv")

    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Organisation,Kind,Answer,Name")


@pytest.mark.parametrize("path", ["attendees", "attendees.csv"])
@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("outsider", 404)])
def test_attendees_are_refused_to_organisations(
    client, auth, make, db, team, delegations, path, role, status
):
    twitter = db.scalar(select(Organisation).where(Organisation.name == "Twitter"))
    user = (
        make.participant(twitter)
        if role == "participant"
        else make.participant(make.organisation("Elsewhere"))
    )
    auth.sign_in(user)

    response = client.get(f"/convenings/{delegations.id}/{path}")

    assert response.status_code == status
    assert "Yara Young" not in response.get_data(as_text=True)


def test_attendee_page_query_count_does_not_grow_with_delegates(
    client, auth, make, db, team, count_queries
):
    organiser, _coordinator, small = team
    large = make.convening(organisers=(organiser,))
    for convening, count in ((small, 2), (large, 30)):
        for number in range(count):
            invitation = make.invitation(
                convening, make.organisation(f"Org {convening.id}-{number}"), status=S.ACCEPTED
            )
            add_delegate(db, invitation, f"Delegate {number}", head=True)
    auth.sign_in(organiser)

    with count_queries() as few:
        client.get(f"/convenings/{small.id}/attendees")
    with count_queries() as many:
        client.get(f"/convenings/{large.id}/attendees")

    assert few.count == many.count
