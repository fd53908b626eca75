"""The follow-up report page: who may open it, what it shows, printing, and its query count."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from coordination.models import (
    ActionStatus,
    ConveningStatus,
    Delegate,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
)


def _today_in(zone: str) -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def _figure(page: str, label: str) -> int:
    """The number shown on the report's figure labelled ``label``."""
    found = re.search(
        r'<span class="followup-figures__number">(\d+)</span>\s*' + re.escape(label) + r"\s*<",
        page,
    )
    assert found, f"no figure labelled {label!r}"
    return int(found.group(1))


def _team_convening(make, **fields):
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    convening = make.convening(
        "Madison Valleywood",
        organisers=(organiser,),
        coordinators=(coordinator,),
        timezone="America/New_York",
        **fields,
    )
    return convening, organiser, coordinator


def test_report_page_shows_figures_attendance_decisions_and_actions(client, auth, make):
    convening, _organiser, coordinator = _team_convening(make)
    apple = make.organisation("Apple")
    invitation = make.invitation(convening, apple, status=InvitationStatus.ACCEPTED)
    make.session.add(
        Delegate(
            invitation=invitation,
            name="Ann Delegate",
            email="ann@example.org",
            email_normalized="ann@example.org",
            checked_in_at=datetime.now(UTC),
        )
    )
    make.session.add(
        MinuteEntry(convening_id=convening.id, kind=MinuteKind.DECISION, body="Meet **monthly**.")
    )
    make.session.commit()
    today = _today_in("America/New_York")
    late = make.action(
        convening, "Late pilot", owner_organisation=apple, due_on=today - timedelta(days=3)
    )
    make.action(convening, "Due today", owner_organisation=apple, due_on=today)
    make.action(convening, "Finished", owner_organisation=apple, status=ActionStatus.DONE)
    auth.sign_in(coordinator)

    response = client.get(f"/convenings/{convening.id}/follow-up")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert _figure(page, "invited") == 1
    assert _figure(page, "accepted") == 1
    assert _figure(page, "attended") == 1
    assert _figure(page, "named") == 1
    assert _figure(page, "checked in") == 1
    assert _figure(page, "decision") == 1
    assert _figure(page, "open") == 2
    assert _figure(page, "overdue") == 1
    assert _figure(page, "done") == 1
    assert "Ann Delegate" in page
    assert "Meet <strong>monthly</strong>." in page
    overdue_section = page.split('id="overdue-heading"')[1].split('id="actions-heading"')[0]
    assert "Late pilot" in overdue_section and "Due today" not in overdue_section
    assert '<h3 id="owner-org-' in page
    assert f'<a href="/actions/{late.id}">Late pilot</a>' in page


def test_report_page_is_printable_and_fits_a_phone(client, auth, make):
    convening, organiser, _coordinator = _team_convening(make)
    auth.sign_in(organiser)

    page = client.get(f"/convenings/{convening.id}/follow-up").get_data(as_text=True)
    stylesheet = client.get("/static/css/print.css").get_data(as_text=True)
    screen = client.get("/static/css/app.css").get_data(as_text=True)

    assert 'href="/static/css/print.css" media="print"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="no-print"' in page
    assert ".followup-section--actions { page-break-before: always;" in stylesheet
    assert ".site-header" in stylesheet.split("{")[0]
    assert ".followup-table--stack td[data-label]::before" in screen
    assert "<script>" not in page and "style=" not in page


def test_report_escapes_what_people_typed(client, auth, make):
    convening, organiser, _coordinator = _team_convening(make)
    make.action(
        convening,
        "<script>alert(1)</script>",
        owner_organisation=make.organisation("<b>Evil</b> Org"),
    )
    auth.sign_in(organiser)

    page = client.get(f"/convenings/{convening.id}/follow-up").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Org" in page


def test_report_is_refused_to_participants_and_hidden_from_outsiders(client, auth, make):
    convening, _organiser, _coordinator = _team_convening(make)
    invited = make.organisation("Invited")
    make.invitation(convening, invited, status=InvitationStatus.ACCEPTED)
    participant = make.participant(invited)
    outsider = make.participant(make.organisation("Elsewhere"))
    path = f"/convenings/{convening.id}/follow-up"

    assert client.get(path).status_code == 302
    auth.sign_in(participant)
    assert client.get(path).status_code == 403
    auth.sign_out()
    auth.sign_in(outsider)
    assert client.get(path).status_code == 404


def test_report_of_another_teams_convening_is_refused(client, auth, make):
    _convening, organiser, _coordinator = _team_convening(make)
    other = make.convening("Someone else's", status=ConveningStatus.DRAFT)
    auth.sign_in(organiser)

    assert client.get(f"/convenings/{other.id}/follow-up").status_code == 404
    assert client.get("/convenings/999999/follow-up").status_code == 404


def test_convening_page_links_the_team_to_its_report(client, auth, make):
    convening, organiser, _coordinator = _team_convening(make)
    invited = make.organisation("Invited")
    make.invitation(convening, invited, status=InvitationStatus.ACCEPTED)
    participant = make.participant(invited)
    link = f'href="/convenings/{convening.id}/follow-up"'

    auth.sign_in(organiser)
    assert link in client.get(f"/convenings/{convening.id}").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(participant)
    assert link not in client.get(f"/convenings/{convening.id}").get_data(as_text=True)


def _fill(make, convening, organisations: int, actions: int) -> None:
    owners = []
    for number in range(organisations):
        organisation = make.organisation(commit=False)
        owners.append(organisation)
        invitation = make.invitation(
            convening, organisation, status=InvitationStatus.ACCEPTED, commit=False
        )
        make.session.add(
            Delegate(
                invitation=invitation,
                name=f"Delegate {number}",
                email=f"d{number}.{convening.id}@example.org",
                email_normalized=f"d{number}.{convening.id}@example.org",
                checked_in_at=datetime.now(UTC) if number % 2 else None,
            )
        )
        make.session.add(
            MinuteEntry(convening_id=convening.id, kind=MinuteKind.DECISION, body=f"D{number}")
        )
    for number in range(actions):
        make.action(
            convening,
            owner_organisation=owners[number % len(owners)] if number % 3 else None,
            owner_user=None,
            due_on=date(2025, 1, 1) if number % 2 else None,
            commit=False,
        )
    make.session.commit()


def test_report_issues_the_same_queries_for_few_and_many_rows(client, auth, make, count_queries):
    small, organiser, _coordinator = _team_convening(make)
    large = make.convening("Large", organisers=(organiser,))
    _fill(make, small, organisations=3, actions=10)
    _fill(make, large, organisations=30, actions=200)
    auth.sign_in(organiser)
    client.get(f"/convenings/{small.id}/follow-up")

    counts = []
    for convening in (small, large):
        with count_queries() as queries:
            response = client.get(f"/convenings/{convening.id}/follow-up")
        assert response.status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]
