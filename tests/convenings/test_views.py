"""Convening pages: create, show and edit in the convening's zone; bad input; status; clone."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordination.models import (
    AuditEvent,
    Convening,
    ConveningStatus,
    TeamMembership,
    TeamRole,
    utcnow,
)
from coordination.service import CHANGED_MEANWHILE

from .helpers import count_convenings, form_data, utc


def error_beside(page: str, field: str) -> str:
    """The inline error text shown beside a field."""
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


@pytest.fixture
def organiser(make, auth):
    user = make.user(name="Olive Organiser")
    make.convening(organisers=(user,))
    auth.sign_in(user)
    return user


def stored(db) -> Convening:
    db.expire_all()
    return db.scalars(select(Convening).order_by(Convening.id.desc())).first()


def test_create_winter_time_is_stored_utc_and_shown_in_the_zone(client, db, organiser):
    response = client.post("/convenings/new", data=form_data())

    convening = stored(db)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/convenings/{convening.id}")
    assert convening.starts_at == utc(2030, 1, 15, 18, 0)
    page = client.get(f"/convenings/{convening.id}").get_data(as_text=True)
    assert "Tue 15 Jan 2030, 10:00 PST" in page
    assert "America/Los_Angeles (UTC\N{MINUS SIGN}08:00)" in page
    edit = client.get(f"/convenings/{convening.id}/edit").get_data(as_text=True)
    assert 'value="2030-01-15T10:00"' in edit


def test_create_summer_time_is_stored_17_utc_and_shown_as_10(client, db, organiser):
    client.post(
        "/convenings/new",
        data=form_data(starts_at="2030-07-15T10:00", ends_at="2030-07-15T12:00"),
    )

    convening = stored(db)
    assert convening.starts_at == utc(2030, 7, 15, 17, 0)
    page = client.get(f"/convenings/{convening.id}").get_data(as_text=True)
    assert "Mon 15 Jul 2030, 10:00 PDT" in page
    edit = client.get(f"/convenings/{convening.id}/edit").get_data(as_text=True)
    assert 'value="2030-07-15T10:00"' in edit


def test_create_makes_the_creator_organiser_of_a_draft(client, db, organiser):
    client.post("/convenings/new", data=form_data())

    convening = stored(db)
    assert convening.status == ConveningStatus.DRAFT
    assert [(m.user_id, m.role) for m in convening.team] == [(organiser.id, TeamRole.ORGANISER)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_at": "2030-03-10T02:30"}, "starts_at", "does not exist in America/Los_Angeles"),
        (
            {"timezone": "Mars/Olympus"},
            "timezone",
            "Unknown time zone 'Mars/Olympus'. Use a name like Europe/London.",
        ),
        ({"ends_at": "2030-01-15T09:00"}, "ends_at", "The end must be after the start"),
        ({"title": "x" * 201}, "title", "200 characters"),
        ({"title": ""}, "title", "Enter a title."),
        ({"starts_at": "15/01/2030"}, "starts_at", "Enter a date and time"),
        ({"remote_url": "javascript:alert(1)"}, "remote_url", "https://"),
        ({"ends_at": "9999-12-31T23:59"}, "ends_at", "Enter a real date and time"),
        ({"timezone": "x" * 10_000}, "timezone", "longer than 64 characters"),
        ({"rsvp_deadline": "2030-01-16T10:00"}, "rsvp_deadline", "before the end"),
        ({"sensitivity": "Top Secret"}, "sensitivity", "sensitivity labels"),
        ({"codename": "c" * 101}, "codename", "100 characters"),
    ],
)
def test_create_with_bad_input_is_refused_beside_the_field(
    client, db, organiser, changes, field, message
):
    before = count_convenings(db)

    response = client.post("/convenings/new", data=form_data(**changes))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in error_beside(page, field)
    assert "There is a problem" in page
    assert count_convenings(db) == before


def test_create_form_offers_zone_names(client, organiser):
    page = client.get("/convenings/new").get_data(as_text=True)

    assert 'list="zone-names"' in page
    assert '<option value="Europe/London">' in page


def test_create_refused_to_people_organising_nothing(client, make, auth):
    coordinator = make.user()
    make.convening(coordinators=(coordinator,))
    auth.sign_in(coordinator)

    assert client.get("/convenings/new").status_code == 403
    assert client.post("/convenings/new", data=form_data()).status_code == 403


def test_create_asks_anonymous_people_to_sign_in(client):
    response = client.get("/convenings/new")

    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_edit_saves_changes_and_audits_them(client, db, make, auth):
    user = make.user()
    convening = make.convening(
        "Before", organisers=(user,), timezone="America/Los_Angeles", starts_at=utc(2030, 1, 15, 18)
    )
    auth.sign_in(user)

    response = client.post(
        f"/convenings/{convening.id}/edit",
        data=form_data(title="After", version=str(convening.version)),
    )

    assert response.status_code == 302
    assert stored(db).title == "After"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "convening.updated"))
    assert event.changes["title"] == ["Before", "After"]


def test_edit_with_new_zone_reinterprets_the_times_entered(client, db, make, auth):
    user = make.user()
    convening = make.convening(organisers=(user,), timezone="America/Los_Angeles")
    auth.sign_in(user)

    client.post(
        f"/convenings/{convening.id}/edit",
        data=form_data(timezone="Europe/London", version=str(convening.version)),
    )

    assert stored(db).starts_at == utc(2030, 1, 15, 10, 0)


def test_edit_with_stale_version_is_refused(client, db, make, auth):
    user = make.user()
    convening = make.convening("Original", organisers=(user,))
    auth.sign_in(user)
    old_version = convening.version
    convening.title = "Changed elsewhere"
    db.commit()

    response = client.post(
        f"/convenings/{convening.id}/edit",
        data=form_data(title="Mine", version=str(old_version)),
    )

    assert response.status_code == 409
    assert CHANGED_MEANWHILE in response.get_data(as_text=True)
    assert stored(db).title == "Changed elsewhere"


def test_create_with_malformed_remote_link_is_refused_beside_the_field(client, db, organiser):
    before = count_convenings(db)

    # An unclosed IPv6 host makes the URL parser raise rather than answer.
    response = client.post("/convenings/new", data=form_data(remote_url="http://[::1"))

    assert response.status_code == 400
    assert "Enter a web address starting with https://" in error_beside(
        response.get_data(as_text=True), "remote_url"
    )
    assert count_convenings(db) == before


def test_edit_with_bad_input_changes_nothing(client, db, make, auth):
    user = make.user()
    convening = make.convening("Original", organisers=(user,))
    auth.sign_in(user)

    response = client.post(
        f"/convenings/{convening.id}/edit",
        data=form_data(title="New", ends_at="2030-01-14T10:00", version=str(convening.version)),
    )

    assert response.status_code == 400
    assert "The end must be after the start" in error_beside(
        response.get_data(as_text=True), "ends_at"
    )
    assert stored(db).title == "Original"


def test_edit_by_coordinator_is_forbidden(client, make, auth):
    coordinator = make.user()
    convening = make.convening(coordinators=(coordinator,))
    auth.sign_in(coordinator)

    assert client.get(f"/convenings/{convening.id}/edit").status_code == 403
    assert client.post(f"/convenings/{convening.id}/edit", data=form_data()).status_code == 403


def test_status_change_publishes_a_draft(client, db, make, auth):
    user = make.user()
    convening = make.convening(status=ConveningStatus.DRAFT, organisers=(user,), venue_name="Hall")
    auth.sign_in(user)

    response = client.post(
        f"/convenings/{convening.id}/status",
        data={"status": "published", "version": str(convening.version)},
    )

    assert response.status_code == 302
    assert stored(db).status == ConveningStatus.PUBLISHED


def test_status_change_refused_says_why_and_changes_nothing(client, db, make, auth):
    user = make.user()
    convening = make.convening(status=ConveningStatus.CONCLUDED, organisers=(user,))
    auth.sign_in(user)

    response = client.post(
        f"/convenings/{convening.id}/status", data={"status": "published"}, follow_redirects=True
    )

    assert "A concluded convening cannot become published." in response.get_data(as_text=True)
    assert stored(db).status == ConveningStatus.CONCLUDED


def test_status_change_to_unknown_status_is_a_bad_request(client, make, auth):
    user = make.user()
    convening = make.convening(organisers=(user,))
    auth.sign_in(user)

    response = client.post(f"/convenings/{convening.id}/status", data={"status": "exploded"})

    assert response.status_code == 400


def test_show_offers_only_allowed_status_buttons_to_organisers(client, make, auth):
    user, coordinator = make.user(), make.user()
    convening = make.convening(
        status=ConveningStatus.DRAFT, organisers=(user,), coordinators=(coordinator,)
    )
    auth.sign_in(user)

    page = client.get(f"/convenings/{convening.id}").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(coordinator)
    coordinator_page = client.get(f"/convenings/{convening.id}").get_data(as_text=True)

    assert ">Publish</button>" in page
    assert ">Cancel convening</button>" in page
    assert "Mark as concluded" not in page
    assert ">Publish</button>" not in coordinator_page
    assert "/edit" not in coordinator_page
    assert "Audit trail" in coordinator_page


def test_show_sanitises_the_summary(client, make, auth):
    user = make.user()
    convening = make.convening(organisers=(user,), summary="**Bold** <script>alert(1)</script>")
    auth.sign_in(user)

    page = client.get(f"/convenings/{convening.id}").get_data(as_text=True)

    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page


def test_draft_is_hidden_from_participants_of_invited_organisations(client, make, auth):
    organisation = make.organisation()
    participant = make.participant(organisation)
    draft = make.convening("Secret draft", status=ConveningStatus.DRAFT)
    make.invitation(draft, organisation)
    auth.sign_in(participant)

    assert client.get(f"/convenings/{draft.id}").status_code == 404
    listing = client.get("/convenings/?tab=drafts").get_data(as_text=True)
    assert "Secret draft" not in listing
    assert "Secret draft" not in client.get("/convenings/").get_data(as_text=True)


def test_published_convening_is_shown_to_participants_of_invited_organisations(client, make, auth):
    organisation = make.organisation()
    participant = make.participant(organisation)
    coordinator = make.user(name="Hidden Teammate")
    convening = make.convening("Open meeting", coordinators=(coordinator,))
    make.invitation(convening, organisation)
    auth.sign_in(participant)

    response = client.get(f"/convenings/{convening.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Open meeting" in page
    assert "Hidden Teammate" not in page
    assert "Open meeting" in client.get("/convenings/").get_data(as_text=True)


def test_published_convening_is_not_found_for_other_organisations(client, make, auth):
    invited, other = make.organisation(), make.organisation()
    outsider = make.participant(other)
    convening = make.convening("Open meeting")
    make.invitation(convening, invited)
    auth.sign_in(outsider)

    assert client.get(f"/convenings/{convening.id}").status_code == 404
    assert client.get(f"/convenings/{convening.id}/edit").status_code == 404
    assert client.get(f"/convenings/{convening.id}/audit").status_code == 404
    assert "Open meeting" not in client.get("/convenings/").get_data(as_text=True)


def test_clone_copies_team_and_series(client, db, make, auth):
    user, coordinator = make.user(), make.user()
    series = make.series("Valleywood")
    source = make.convening(
        "First",
        organisers=(user,),
        coordinators=(coordinator,),
        series=series,
        timezone="America/Los_Angeles",
        venue_name="Hall",
    )
    auth.sign_in(user)
    assert 'value="First"' in client.get(f"/convenings/{source.id}/clone").get_data(as_text=True)

    response = client.post(
        f"/convenings/{source.id}/clone",
        data={"title": "Second", "starts_at": "2030-02-01T10:00", "ends_at": "2030-02-01T12:00"},
    )

    copy = stored(db)
    assert response.status_code == 302
    assert copy.id != source.id
    assert (copy.title, copy.series_id, copy.status) == ("Second", series.id, ConveningStatus.DRAFT)
    assert copy.starts_at == utc(2030, 2, 1, 18)
    assert {(m.user_id, m.role) for m in copy.team} == {
        (user.id, TeamRole.ORGANISER),
        (coordinator.id, TeamRole.COORDINATOR),
    }
    page = client.get(f"/convenings/{copy.id}").get_data(as_text=True)
    assert "First" in page


def test_clone_at_a_time_skipped_by_dst_is_refused(client, db, make, auth):
    user = make.user()
    source = make.convening(organisers=(user,), timezone="America/Los_Angeles")
    auth.sign_in(user)

    response = client.post(
        f"/convenings/{source.id}/clone",
        data={"title": "Copy", "starts_at": "2030-03-10T02:30", "ends_at": "2030-03-10T05:00"},
    )

    assert response.status_code == 400
    assert "does not exist" in error_beside(response.get_data(as_text=True), "starts_at")
    assert count_convenings(db) == 1


def test_audit_page_shows_changes_before_and_after_escaped(client, make, auth):
    user = make.user(name="Olive Organiser")
    convening = make.convening("Plain", organisers=(user,), timezone="America/Los_Angeles")
    auth.sign_in(user)
    client.post(
        f"/convenings/{convening.id}/edit",
        data=form_data(title="<b>Bold</b>", version=str(convening.version)),
    )

    page = client.get(f"/convenings/{convening.id}/audit").get_data(as_text=True)

    assert "Edited the convening" in page
    assert "Olive Organiser" in page
    assert '<del><span class="visually-hidden">before: </span>Plain</del>' in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert "<b>Bold</b>" not in page


def test_audit_page_is_refused_to_participants(client, make, auth):
    organisation = make.organisation()
    participant = make.participant(organisation)
    convening = make.convening()
    make.invitation(convening, organisation)
    auth.sign_in(participant)

    assert client.get(f"/convenings/{convening.id}/audit").status_code == 403


def test_list_tabs_split_upcoming_past_and_drafts(client, make, auth):
    user = make.user()
    now = utcnow()
    make.convening("Coming", organisers=(user,), starts_at=now + timedelta(days=3))
    make.convening("Done", organisers=(user,), starts_at=now - timedelta(days=3))
    make.convening("Sketch", organisers=(user,), status=ConveningStatus.DRAFT)
    auth.sign_in(user)

    upcoming = client.get("/convenings/").get_data(as_text=True)
    past = client.get("/convenings/?tab=past").get_data(as_text=True)
    drafts = client.get("/convenings/?tab=drafts").get_data(as_text=True)

    assert "Coming" in upcoming and "Done" not in upcoming and "Sketch" not in upcoming
    assert "Done" in past and "Coming" not in past
    assert "Sketch" in drafts and "Coming" not in drafts
    assert 'href="/convenings/?tab=drafts" aria-current="page"' in drafts


def test_list_hides_the_drafts_tab_from_participants(client, make, auth):
    participant = make.participant(make.organisation())
    auth.sign_in(participant)

    page = client.get("/convenings/").get_data(as_text=True)

    assert "tab=drafts" not in page


def test_admin_sees_every_convening(client, make, auth):
    make.convening("Someone else's", status=ConveningStatus.PUBLISHED)
    make.convening("Someone's draft", status=ConveningStatus.DRAFT)
    auth.sign_in(make.user(is_admin=True))

    assert "Someone else&#39;s" in client.get("/convenings/").get_data(as_text=True)
    assert "Someone&#39;s draft" in client.get("/convenings/?tab=drafts").get_data(as_text=True)


def _queries(client, count_queries, path: str) -> int:
    client.get(path)  # warm up: the first request loads things once per process
    with count_queries() as queries:
        assert client.get(path).status_code == 200
    return queries.count


def test_list_and_show_queries_equal_for_3_and_30_rows(make, auth, client, count_queries):
    user = make.user()
    host, series = make.organisation(), make.series()

    def add_convenings(rows: int) -> list[Convening]:
        made = [
            make.convening(organisers=(user,), host_organisation=host, series=series, commit=False)
            for _ in range(rows)
        ]
        make.commit()
        return made

    def add_coordinators(convening: Convening, rows: int) -> None:
        for _ in range(rows):
            member = make.user(contact=make.contact(make.organisation(), commit=False))
            convening.team.append(TeamMembership(user=member, role=TeamRole.COORDINATOR))
        make.commit()

    shown = add_convenings(3)[0]
    add_coordinators(shown, 2)
    auth.sign_in(user)
    few_list = _queries(client, count_queries, "/convenings/")
    few_show = _queries(client, count_queries, f"/convenings/{shown.id}")

    add_convenings(27)
    add_coordinators(shown, 27)
    many_list = _queries(client, count_queries, "/convenings/")
    many_show = _queries(client, count_queries, f"/convenings/{shown.id}")

    assert many_list == few_list
    assert many_show == few_show


def test_audit_page_lists_newest_first(client, make, auth):
    user = make.user()
    auth.sign_in(user)
    make.convening(organisers=(user,))
    client.post("/convenings/new", data=form_data())
    drafts = client.get("/convenings/?tab=drafts").get_data(as_text=True)
    convening_id = int(re.search(r'href="/convenings/(\d+)"', drafts).group(1))
    client.post(f"/convenings/{convening_id}/status", data={"status": "published"})

    page = client.get(f"/convenings/{convening_id}/audit").get_data(as_text=True)

    assert page.index("Changed the status") < page.index("Created the convening")
    assert "Draft</del>" in page
    assert "Published</ins>" in page


def test_list_is_paginated(client, make, auth):
    user = make.user()
    for number in range(26):
        make.convening(
            f"Meeting {number:02d}",
            organisers=(user,),
            starts_at=utcnow() + timedelta(days=number + 1),
            commit=False,
        )
    make.commit()
    auth.sign_in(user)

    first = client.get("/convenings/").get_data(as_text=True)
    second = client.get("/convenings/?page=2").get_data(as_text=True)

    assert "Meeting 00" in first and "Meeting 24" in first and "Meeting 25" not in first
    assert "Meeting 25" in second and "Meeting 00" not in second
    assert "Showing 1\N{EN DASH}25 of 26" in first


def test_create_shows_every_problem_at_once(client, db, organiser):
    response = client.post(
        "/convenings/new",
        data=form_data(title="", timezone="Mars/Olympus", sensitivity="", ends_at=""),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "title") == "Enter a title."
    assert error_beside(page, "ends_at") == "Enter the date and time it ends."
    assert "Unknown time zone" in error_beside(page, "timezone")
    assert "sensitivity labels" in error_beside(page, "sensitivity")
