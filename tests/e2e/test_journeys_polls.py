"""An organiser polls two organisations for the date, closes the poll on the slot that suits
both, and sends the invitations at that time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from icalendar import Calendar
from playwright.sync_api import Page, expect

from coordination.models import ConveningStatus, InvitationStatus

from .helpers import accept_confirmations, calendar_files, flashes, sign_in_as

POLL_LINK = re.compile(r"https?://\S+/poll/[\w-]+")


def vote(page: Page, link: str, answers: dict[str, str], javascript: bool) -> None:
    """Open the emailed link and answer each slot (by a piece of its date)."""
    page.goto(link)
    if javascript:
        # The page shows the times in the browser's zone too, choosing it once.
        page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("When can we meet?")
    expect(page.locator("main")).not_to_contain_text("Madison Valleywood")
    for day, answer in answers.items():
        page.get_by_role("group", name=re.compile(day)).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(flashes(page)).to_contain_text("your answers are saved")


def test_organiser_polls_the_date_and_sends_the_invitations_at_it(
    page, second_person, arrange, mailbox, javascript
):
    year = datetime.now(UTC).year + 1
    organiser = arrange.user(email="olive@example.org", name="Olive Organiser")
    convening = arrange.convening(
        "Madison Valleywood",
        status=ConveningStatus.DRAFT,
        venue_name="Robert F. Kennedy Building",
        starts_at=datetime(year, 4, 1, 14, tzinfo=UTC),
        organisers=(organiser,),
    )
    for name, focal, email in (
        ("Apple", "Fiona Focal", "fiona@apple.example"),
        ("British Embassy", "Amara Attaché", "amara@embassy.example"),
    ):
        organisation = arrange.organisation(name)
        contact = arrange.contact(organisation, focal, email)
        arrange.invitation(
            convening, organisation, status=InvitationStatus.DRAFT, focal_point=contact
        )
    asked = accept_confirmations(page)

    sign_in_as(page, organiser)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Date poll").click()
    page.get_by_label("Title voters see").fill("When can we meet?")
    page.get_by_role("button", name="Start the poll").click()
    for start, end in (("03-20T10:00", "03-20T12:00"), ("03-21T14:00", "03-21T16:00")):
        page.get_by_label("Starts").fill(f"{year}-{start}")
        page.get_by_label("Ends").fill(f"{year}-{end}")
        page.get_by_role("button", name="Propose the slot").click()
        expect(flashes(page)).to_have_text("Slot proposed.")
    for name in ("Apple", "British Embassy"):
        page.get_by_role("checkbox", name=f"Votes {name}").check()
        page.get_by_role("checkbox", name=f"Must attend {name}").check()
    page.get_by_role("button", name="Save who votes").click()
    expect(flashes(page)).to_have_text("Voters saved.")
    page.get_by_role("button", name="Open the poll and email the voters").click()
    expect(flashes(page)).to_contain_text("2 voter(s) emailed a link")

    to_apple = mailbox.wait_for("fiona@apple.example", "When can you meet?")
    to_embassy = mailbox.wait_for("amara@embassy.example", "When can you meet?")
    vote(
        second_person(),
        POLL_LINK.search(to_apple.text).group(0),
        {"20 Mar": "No", "21 Mar": "Yes"},
        javascript,
    )
    vote(
        second_person(),
        POLL_LINK.search(to_embassy.text).group(0),
        {"20 Mar": "Yes", "21 Mar": "If need be"},
        javascript,
    )

    page.reload()
    suitable = page.get_by_role("heading", name="Slots every must-attend organisation can make")
    expect(suitable.locator("xpath=following-sibling::ul[1]")).to_have_text(
        re.compile(r"21 Mar .*14:00 EDT \(1 yes, 1 if need be\)")
    )
    page.get_by_label(re.compile("21 Mar.*suits every must-attend")).check()
    page.get_by_role("button", name="Close the poll on this slot").click()
    expect(flashes(page)).to_contain_text("The poll is closed")
    mailbox.wait_for("fiona@apple.example", "Date chosen")

    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("button", name="Publish").click()
    page.goto(f"/convenings/{convening.id}/poll")
    page.get_by_role("link", name="Send the invitations").click()
    page.get_by_role("button", name="Send all drafts (2)").click()

    invitation = mailbox.wait_for("fiona@apple.example", "Invitation: Madison Valleywood")
    calendar = Calendar.from_ical(calendar_files(invitation)["invitation.ics"])
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(year, 3, 21, 18, tzinfo=UTC)
    assert len([a for a in asked if "Close the poll" in a]) == (1 if javascript else 0)
