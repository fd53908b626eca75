"""Agenda, minutes and calendar journeys: building and reordering an agenda, each organisation
seeing only what is meant for it, minutes with history, and a personal calendar feed."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from coordination.models import AgendaItem, AgendaVersion, OrganisationKind

from .agenda_world import GOVERNMENT_ONLY, AgendaArrange
from .helpers import sign_in_as

DASH = "\N{EN DASH}"


@pytest.fixture
def arrange(db, local_app) -> AgendaArrange:
    return AgendaArrange(db, local_app)


def flash(page: Page):
    return page.locator(".flashes")


def builder_titles(page: Page):
    return page.locator("ol.agenda-builder .agenda-row__title")


def builder_times(page: Page):
    return page.locator("ol.agenda-builder .agenda-row__when time")


def span(start: str, end: str, zone: str = "EDT") -> str:
    return f"{start}{DASH}{end} {zone}"


def add_item(page: Page, title: str, minutes: int, kind: str, government: bool = False) -> None:
    page.get_by_role("link", name="Add an item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New agenda item")
    page.get_by_label("Kind", exact=True).select_option(label=kind)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Duration in minutes").fill(str(minutes))
    if government:
        page.get_by_label("Organisations of chosen kinds").check()
        page.get_by_label(OrganisationKind.GOVERNMENT_AGENCY.label, exact=True).check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(flash(page)).to_have_text(f"“{title}” is added to the draft agenda.")


def test_organiser_builds_reorders_and_publishes_agenda(page, javascript, arrange, db):
    organiser = arrange.organiser()
    convening = arrange.summer_convening(organiser)

    sign_in_as(page, organiser)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Build the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build the agenda")
    expect(page.get_by_text("The agenda has no items yet.")).to_be_visible()
    add_item(page, "Welcome", 30, "Session")
    add_item(page, GOVERNMENT_ONLY, 45, "Briefing", government=True)
    add_item(page, "Open discussion", 60, "Discussion")

    expect(builder_titles(page)).to_have_text(["Welcome", GOVERNMENT_ONLY, "Open discussion"])
    expect(builder_times(page)).to_have_text(
        [span("09:00", "09:30"), span("09:30", "10:15"), span("10:15", "11:15")]
    )
    briefing_row = page.locator(".agenda-row", has_text=GOVERNMENT_ONLY)
    expect(briefing_row).to_contain_text("For: Only: Government agency")
    expect(page.get_by_text("Nothing is published yet")).to_be_visible()

    if javascript:
        handle = page.get_by_role("button", name=re.compile("^Reorder “Open discussion”"))
        first_row = page.locator(".agenda-row").first
        # Drop on the top edge of the first item: the dragged item goes before it. The
        # script saves the order and reloads the page to show the recomputed times.
        with page.expect_navigation():
            handle.drag_to(first_row, target_position={"x": 40, "y": 4})
        expect(page.locator("#agenda-live")).to_have_text(
            "The new order is saved and the times are updated."
        )
    else:
        expect(page.get_by_role("button", name=re.compile("^Reorder"))).to_have_count(0)
        # Each move is a form post and a redirect; wait for each page before the next step,
        # so no click or reload lands on a page that is being replaced.
        page.get_by_role("button", name="Move up “Open discussion”").click()
        expect(builder_titles(page)).to_have_text(["Welcome", "Open discussion", GOVERNMENT_ONLY])
        page.get_by_role("button", name="Move up “Open discussion”").click()
        expect(builder_titles(page)).to_have_text(["Open discussion", "Welcome", GOVERNMENT_ONLY])

    page.reload()
    expect(builder_titles(page)).to_have_text(["Open discussion", "Welcome", GOVERNMENT_ONLY])
    expect(builder_times(page)).to_have_text(
        [span("09:00", "10:00"), span("10:00", "10:30"), span("10:30", "11:15")]
    )
    stored = db.scalars(
        select(AgendaItem.title)
        .where(AgendaItem.convening_id == convening.id)
        .order_by(AgendaItem.position)
    ).all()
    assert stored == ["Open discussion", "Welcome", GOVERNMENT_ONLY]

    if javascript:
        handle = page.get_by_role("button", name=re.compile(f"^Reorder “{GOVERNMENT_ONLY}”"))
        handle.focus()
        with page.expect_navigation():
            page.keyboard.press("ArrowUp")
        # After the reload, the keyboard user is back on the item they moved.
        expect(page.get_by_role("button", name=re.compile("^Reorder “Government"))).to_be_focused()
    else:
        page.get_by_role("button", name=f"Move up “{GOVERNMENT_ONLY}”").click()
    expect(builder_titles(page)).to_have_text(["Open discussion", GOVERNMENT_ONLY, "Welcome"])
    expect(builder_times(page)).to_have_text(
        [span("09:00", "10:00"), span("10:00", "10:45"), span("10:45", "11:15")]
    )

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Published versions of the agenda")
    expect(flash(page)).to_have_text("Version 1 of the agenda is published.")
    expect(page.get_by_role("heading", level=2)).to_have_text(["Version 1"])
    expect(page.locator(".agenda-changes dd")).to_have_count(3)
    expect(page.locator(".agenda-changes")).to_contain_text("Open discussion")
    version = db.scalars(select(AgendaVersion).where(AgendaVersion.convening_id == convening.id))
    assert [item["title"] for item in version.one().items] == [
        "Open discussion",
        GOVERNMENT_ONLY,
        "Welcome",
    ]


def read_calendar(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    """Each event's summary with its start and end in UTC."""
    calendar = Calendar.from_ical(body)
    return {
        str(event["summary"]): (
            event.decoded("dtstart").astimezone(UTC),
            event.decoded("dtend").astimezone(UTC),
        )
        for event in calendar.walk("VEVENT")
    }


def agenda_titles(page: Page):
    return page.locator(".agenda-published .agenda-entry__title")


def test_each_organisation_sees_the_agenda_meant_for_it(page, second_person, arrange):
    convening, company, official = arrange.published_agenda()

    sign_in_as(page, company)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Agenda", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda: Studio summit")
    expect(agenda_titles(page)).to_have_text(["Welcome", "Open discussion"])
    expect(page.locator(".agenda-published .agenda-entry__when")).to_have_text(
        [span("09:00", "09:30"), span("10:15", "11:15")]
    )
    assert GOVERNMENT_ONLY not in page.content()
    assert "Unpublished idea" not in page.content()

    page.go_back()
    link = page.get_by_role("link", name="with its published agenda (.ics)")
    with page.expect_download() as download:
        link.click()
    downloaded = read_calendar(download.value.path().read_bytes())
    day = datetime(datetime.now(UTC).year + 1, 6, 9, tzinfo=UTC)
    assert downloaded == {
        "Studio summit": (day.replace(hour=13), day.replace(hour=17)),
        "Welcome · Studio summit": (day.replace(hour=13), day.replace(hour=13, minute=30)),
        "Open discussion · Studio summit": (
            day.replace(hour=14, minute=15),
            day.replace(hour=15, minute=15),
        ),
    }
    # The same address, fetched with the company's cookies, never names the item either.
    fetched = page.request.get(link.get_attribute("href"))
    assert fetched.status == 200
    assert GOVERNMENT_ONLY.encode() not in fetched.body()

    government = second_person()
    sign_in_as(government, official)
    government.goto(f"/convenings/{convening.id}/agenda")
    expect(agenda_titles(government)).to_have_text(["Welcome", GOVERNMENT_ONLY, "Open discussion"])
    briefing = government.locator(".agenda-entry", has_text=GOVERNMENT_ONLY)
    expect(briefing.locator(".agenda-entry__when")).to_have_text(span("09:30", "10:15"))
    government.goto(f"/convenings/{convening.id}")
    href = government.get_by_role("link", name="with its published agenda (.ics)")
    events = read_calendar(government.request.get(href.get_attribute("href")).body())
    assert events[f"{GOVERNMENT_ONLY} · Studio summit"] == (
        day.replace(hour=13, minute=30),
        day.replace(hour=14, minute=15),
    )


def minutes_entry(page: Page, section: str):
    return page.locator(".minutes-section", has=page.get_by_role("heading", name=section))


def test_coordinator_records_minutes_and_participant_reads_them_once_published(
    page, second_person, arrange
):
    organiser = arrange.organiser()
    coordinator = arrange.user(email="cora@example.org", name="Cora Coordinator")
    convening = arrange.summer_convening(organiser, coordinators=(coordinator,))
    apple = arrange.organisation("Apple")
    participant = arrange.participant(apple, email="pat@apple.example", name="Pat Focal")
    arrange.invitation(convening, apple)
    arrange.item(convening, organiser, "Welcome", 30)

    sign_in_as(page, coordinator)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Minutes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Minutes of Studio summit")
    expect(page.locator(".minutes-state")).to_contain_text("Only the team sees these minutes.")
    expect(page.get_by_role("button", name="Publish to participants")).to_have_count(0)
    page.get_by_label("Kind", exact=True).select_option(label="Note")
    page.get_by_label("Agenda item").select_option(label="1. Welcome")
    page.get_by_label("Text", exact=True).fill("Apple will share its figures.")
    page.get_by_role("button", name="Record").click()
    expect(flash(page)).to_have_text("Note recorded.")
    page.get_by_label("Kind", exact=True).select_option(label="Decision")
    page.get_by_label("Text", exact=True).fill("Meet again in the **autumn**.")
    page.get_by_role("button", name="Record").click()
    expect(flash(page)).to_have_text("Decision recorded.")
    expect(minutes_entry(page, "General notes").locator("strong")).to_have_text("autumn")

    minutes_entry(page, "Welcome").get_by_role("link", name="Edit this note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit note")
    expect(page.get_by_label("Text", exact=True)).to_have_value("Apple will share its figures.")
    page.get_by_label("Text", exact=True).fill("Apple will share its figures by Friday.")
    page.get_by_role("button", name="Save changes").click()
    expect(flash(page)).to_have_text("Changes saved.")
    welcome = minutes_entry(page, "Welcome")
    expect(welcome.locator(".prose")).to_have_text("Apple will share its figures by Friday.")
    welcome.get_by_role("link", name=re.compile(r"^edited 1 time\b")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of a note")
    history = page.locator(".minutes-history > li")
    expect(history.get_by_role("heading")).to_have_text(["Current text", "Version 1"])
    expect(history.locator(".prose")).to_have_text(
        ["Apple will share its figures by Friday.", "Apple will share its figures."]
    )
    expect(history.nth(1)).to_contain_text("Written by Cora Coordinator")

    reader = second_person()
    sign_in_as(reader, participant)
    reader.goto(f"/convenings/{convening.id}/minutes")
    expect(reader.get_by_text("have not been published yet")).to_be_visible()
    expect(reader.get_by_text("Apple will share")).to_have_count(0)

    publisher = second_person()
    sign_in_as(publisher, organiser)
    publisher.goto(f"/convenings/{convening.id}/minutes")
    publisher.get_by_role("button", name="Publish to participants").click()
    expect(flash(publisher)).to_have_text(
        "Minutes published: participants see the entries meant for them."
    )
    expect(publisher.locator(".minutes-state .badge")).to_have_text("Published")

    reader.reload()
    expect(reader.get_by_role("heading", level=2)).to_have_text(["Welcome", "General notes"])
    expect(minutes_entry(reader, "Welcome").locator(".prose")).to_have_text(
        "Apple will share its figures by Friday."
    )
    expect(minutes_entry(reader, "General notes")).to_contain_text("Meet again in the autumn.")
    expect(reader.get_by_role("link", name=re.compile("^(Edit|History)"))).to_have_count(0)
    expect(reader.get_by_role("button", name="Record")).to_have_count(0)


def fetch(url: str) -> tuple[int, bytes]:
    """What a calendar program gets from the address: no cookies, no session."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def shown_addresses(page: Page) -> tuple[str, str]:
    expect(page.get_by_role("heading", name="Your feed address")).to_be_visible()
    webcal = page.get_by_label("Address for subscribing (webcal)").input_value()
    https = page.get_by_label("Address for pasting into a web calendar (https)").input_value()
    subscribe = page.get_by_role("link", name="Subscribe in your calendar program")
    expect(subscribe).to_have_attribute("href", webcal)
    return webcal, https


def test_user_makes_and_resets_calendar_feed(page, javascript, arrange, live_server):
    convening, company, _official = arrange.published_agenda()
    page.on("dialog", lambda dialog: dialog.accept())  # "Make a new address?"

    sign_in_as(page, company)
    page.get_by_role("link", name="Pat Focal").click()
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed")
    expect(page.get_by_text("You have no calendar feed yet.")).to_be_visible()
    page.get_by_role("button", name="Make my feed address").click()

    webcal, https = shown_addresses(page)
    assert https.startswith(f"{live_server.url}/calendar/feed/") and https.endswith(".ics")
    assert webcal == "webcal://" + https.split("://", 1)[1]
    page.reload()
    expect(page.get_by_text("Its address was shown once")).to_be_visible()
    expect(page.get_by_label("Address for subscribing (webcal)")).to_have_count(0)
    assert https not in page.content()

    status, body = fetch(https)
    assert status == 200
    events = read_calendar(body)
    assert set(events) == {
        "Studio summit",
        "Welcome · Studio summit",
        "Open discussion · Studio summit",
    }
    assert events["Studio summit"][0] == convening.starts_at

    page.get_by_role("button", name="Make a new address").click()
    new_webcal, new_https = shown_addresses(page)
    assert new_https != https and new_webcal != webcal
    assert fetch(https)[0] == 404
    status, body = fetch(new_https)
    assert status == 200 and "Studio summit" in read_calendar(body)
