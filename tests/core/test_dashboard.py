"""The dashboard: my convenings by role, upcoming first, past apart, drafts for the team only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from coordination.models import ConveningStatus, utcnow


def section(page: str, heading_id: str) -> str:
    """The HTML of one dashboard section."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def test_dashboard_groups_convenings_by_role(client, make, auth):
    me = make.user()
    organisation = make.organisation()
    me.contact = make.contact(organisation)
    make.commit()
    make.convening("Mine to run", organisers=(me,))
    make.convening("Mine to follow", coordinators=(me,))
    invited = make.convening("We are invited")
    make.invitation(invited, organisation)
    make.convening("Not mine at all")
    auth.sign_in(me)

    page = client.get("/dashboard").get_data(as_text=True)

    assert "Mine to run" in section(page, "organising")
    assert "Mine to follow" in section(page, "coordinating")
    assert "We are invited" in section(page, "participating")
    assert "Not mine at all" not in page


def test_dashboard_lists_upcoming_soonest_first(client, make, auth):
    me = make.user()
    now = utcnow()
    make.convening("Later", organisers=(me,), starts_at=now + timedelta(days=20))
    make.convening("Sooner", organisers=(me,), starts_at=now + timedelta(days=2))
    auth.sign_in(me)

    organising = section(client.get("/dashboard").get_data(as_text=True), "organising")

    assert organising.index("Sooner") < organising.index("Later")


def test_dashboard_keeps_past_convenings_apart_latest_first(client, make, auth):
    me = make.user()
    now = utcnow()
    make.convening("Upcoming", organisers=(me,), starts_at=now + timedelta(days=2))
    make.convening("Long ago", organisers=(me,), starts_at=now - timedelta(days=60))
    make.convening("Last week", organisers=(me,), starts_at=now - timedelta(days=7))
    auth.sign_in(me)

    page = client.get("/dashboard").get_data(as_text=True)

    past = section(page, "past")
    assert "Upcoming" in section(page, "organising")
    assert "Last week" not in section(page, "organising")
    assert past.index("Last week") < past.index("Long ago")
    assert "Upcoming" not in past


def test_dashboard_shows_drafts_to_the_team_only(client, make, auth):
    organiser = make.user()
    organisation = make.organisation()
    participant = make.participant(organisation)
    draft = make.convening("Draft plan", organisers=(organiser,), status=ConveningStatus.DRAFT)
    make.invitation(draft, organisation)

    auth.sign_in(organiser)
    team_page = client.get("/dashboard").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(participant)
    participant_page = client.get("/dashboard").get_data(as_text=True)

    assert "Draft plan" in section(team_page, "organising")
    assert "Draft plan" not in participant_page


def test_dashboard_offers_new_convening_to_organisers_only(client, make, auth):
    organiser, coordinator = make.user(), make.user()
    make.convening(organisers=(organiser,), coordinators=(coordinator,))

    auth.sign_in(organiser)
    organiser_page = client.get("/dashboard").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(coordinator)
    coordinator_page = client.get("/dashboard").get_data(as_text=True)

    assert 'href="/convenings/new"' in organiser_page
    assert 'href="/convenings/new"' not in coordinator_page


def test_dashboard_shows_times_in_each_convening_zone(client, make, auth):
    me = make.user()
    make.convening(
        "Los Angeles",
        organisers=(me,),
        timezone="America/Los_Angeles",
        starts_at=datetime(2099, 1, 15, 18, tzinfo=UTC),
    )
    auth.sign_in(me)

    page = client.get("/dashboard").get_data(as_text=True)

    assert "Thu 15 Jan 2099, 10:00 PST" in page
