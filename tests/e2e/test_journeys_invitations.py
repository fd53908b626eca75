"""An organiser invites organisations to a convening and sends the invitations by email."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from coordination.models import Invitation, InvitationStatus, Organisation, OrganisationKind

from ..calendar.readers import read_with_icaljs
from .helpers import accept_confirmations, calendar_files, flashes, rsvp_link_in, sign_in_as


def valleywood(arrange, organiser):
    starts = datetime(datetime.now(UTC).year + 1, 3, 10, 15, 0, tzinfo=UTC)
    return arrange.convening(
        "Madison Valleywood",
        codename="MV",
        venue_name="Robert F. Kennedy Building",
        venue_room="Great Hall",
        starts_at=starts,
        rsvp_deadline=starts - timedelta(days=7),
        organisers=(organiser,),
    )


def row_of(page: Page, organisation: str):
    """The row of an organisation in the invitations table."""
    return page.locator("table tbody tr").filter(has_text=organisation)


def wait_until_delivered(page: Page, expected: str, attempts: int = 20) -> None:
    """The progress page until it shows ``expected`` delivered, reloading while mail waits."""
    progress = page.get_by_role("status").filter(has_text="delivered")
    for _ in range(attempts):
        if expected in progress.inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(progress).to_contain_text(f"{expected} emails delivered, 0 failed.")


def test_organiser_invites_two_organisations_and_sends_them(
    page, arrange, db, mailbox, javascript, tmp_path
):
    organiser = arrange.user(email="olive@example.org", name="Olive Organiser")
    convening = valleywood(arrange, organiser)
    apple = arrange.organisation("Apple", sectors=("Technology",))
    arrange.contact(apple, "Fiona Focal", "fiona@apple.example", title="Head of Policy")
    arrange.organisation("Netflix")
    asked = accept_confirmations(page)

    sign_in_as(page, organiser)
    page.get_by_role("region", name="Organising").get_by_role(
        "link", name="Madison Valleywood"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Madison Valleywood")
    page.get_by_role("link", name="Invitations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    expect(page.get_by_text("No organisation is invited yet.")).to_be_visible()

    page.get_by_role("link", name="Invite an organisation").click()
    page.get_by_label("Organisation", exact=True).select_option(label="Apple")
    page.get_by_label("Focal point").select_option(label="Fiona Focal <fiona@apple.example>")
    page.get_by_label("Seats offered").fill("2")
    page.get_by_label("Personal note").fill("We would value someone from trust and safety.")
    page.get_by_role("button", name="Invite as a draft").click()

    expect(flashes(page)).to_have_text(
        "Apple is invited as a draft: nothing is sent until you send it."
    )
    expect(row_of(page, "Apple")).to_contain_text("Draft")
    expect(row_of(page, "Apple")).to_contain_text("Fiona Focal")
    expect(row_of(page, "Apple")).to_contain_text("0 / 2")

    page.get_by_role("link", name="Invite a new organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a new organisation")
    page.get_by_label("Organisation name").fill("British Embassy")
    page.get_by_label("Kind", exact=True).select_option(label="Embassy / foreign mission")
    page.get_by_label("Country", exact=True).select_option("GB")
    page.get_by_label("Focal point's name").fill("Amara Attaché")
    page.get_by_label("Focal point's email address").fill("amara@embassy.example")
    page.get_by_label("Seats offered").fill("3")
    page.get_by_role("button", name="Add and invite as a draft").click()

    expect(flashes(page)).to_have_text(
        "British Embassy is added to the directory and invited as a draft."
    )
    expect(row_of(page, "British Embassy")).to_contain_text("Embassy / foreign mission")
    expect(row_of(page, "British Embassy")).to_contain_text("Amara Attaché")
    expect(page.get_by_role("link", name="Draft (2)")).to_be_visible()

    page.get_by_role("button", name="Send all drafts (2)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Emails sent|Sending"))
    wait_until_delivered(page, "2 of 2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails sent")
    assert asked == (["Send every draft invitation (2) now?"] if javascript else [])

    to_apple = mailbox.wait_for("fiona@apple.example", "Invitation: Madison Valleywood")
    to_embassy = mailbox.wait_for("amara@embassy.example", "Invitation: Madison Valleywood")
    assert "Hello Fiona Focal" in to_apple.text
    assert "We would value someone from trust and safety." in to_apple.text
    assert "name up to 2 delegates" in to_apple.text
    assert "Hello Amara Attaché" in to_embassy.text
    links = {rsvp_link_in(to_apple.text), rsvp_link_in(to_embassy.text)}
    assert len(links) == 2
    calendars = {}
    for received, address in ((to_apple, "fiona@apple.example"), (to_embassy, "amara@embassy")):
        files = calendar_files(received)
        assert list(files) == ["invitation.ics"]
        calendar = Calendar.from_ical(files["invitation.ics"])
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert address in str(event["ATTENDEE"]).lower()
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert event["DTSTART"].dt.astimezone(UTC) == convening.starts_at
        path = tmp_path / f"{address}.ics"
        path.write_text(files["invitation.ics"], encoding="utf-8")
        calendars[str(path)] = str(event["UID"])
    for file, reading in read_with_icaljs([tmp_path / name for name in calendars]).items():
        (event,) = reading["events"]
        assert event["uid"] == calendars[file]
        assert event["dtstart"]["utc"] == convening.starts_at
    assert len(set(calendars.values())) == 2

    page.get_by_role("link", name="Back to the invitations of Madison Valleywood").click()
    expect(row_of(page, "Apple")).to_contain_text("Sent")
    expect(row_of(page, "British Embassy")).to_contain_text("Sent")
    expect(page.get_by_role("link", name="Sent (2)")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Send all drafts"))).to_have_count(0)
    statuses = db.scalars(
        select(Invitation.status).where(Invitation.convening_id == convening.id)
    ).all()
    assert statuses == [InvitationStatus.SENT, InvitationStatus.SENT]


def test_organiser_invites_every_embassy_at_once(page, arrange, db, mailbox):
    organiser = arrange.user(email="olive@example.org", name="Olive Organiser")
    convening = valleywood(arrange, organiser)
    for name in ("British Embassy", "Embassy of France"):
        embassy = arrange.organisation(name, kind=OrganisationKind.EMBASSY)
        arrange.contact(embassy, f"Attaché of {name}")
    arrange.organisation("Apple")

    sign_in_as(page, organiser)
    page.goto(f"/convenings/{convening.id}/invitations")
    page.get_by_role("link", name="Invite in bulk").click()
    page.get_by_label("Kind").select_option(label="Embassy / foreign mission")
    page.get_by_role("button", name="Show matching organisations").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("2 organisations match")
    table = page.get_by_role("table", name="Organisations to invite")
    expect(table.get_by_role("rowheader")).to_have_text(["British Embassy", "Embassy of France"])
    expect(table).not_to_contain_text("Apple")
    page.get_by_label("Seats offered to each organisation").fill("2")
    page.get_by_role("button", name="Invite these 2 as drafts").click()

    expect(flashes(page)).to_have_text(
        "2 organisations are invited as drafts: nothing is sent until you send them."
    )
    expect(page.get_by_role("link", name="Draft (2)")).to_have_attribute("aria-current", "page")
    expect(row_of(page, "British Embassy")).to_contain_text("Attaché of British Embassy")
    expect(row_of(page, "Embassy of France")).to_contain_text("0 / 2")
    invited = db.scalars(
        select(Organisation.name)
        .join(Invitation, Invitation.organisation_id == Organisation.id)
        .where(Invitation.convening_id == convening.id)
        .order_by(Organisation.name)
    ).all()
    assert invited == ["British Embassy", "Embassy of France"]
    assert mailbox.messages == []
