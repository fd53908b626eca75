"""An organiser creates and publishes a convening; an invited participant sees it."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from coordination.models import Convening, ConveningStatus

from .helpers import sign_in_as


def details_value(page, term: str):
    """The <dd> that follows the <dt> naming ``term`` on a details list."""
    return page.locator(f"dl.details dt:text-is('{term}') + dd")


def test_organiser_publishes_convening_at_local_time_and_participant_sees_it(
    page, second_person, arrange, db
):
    organiser = arrange.organiser()
    apple = arrange.organisation("Apple")
    participant = arrange.participant(apple, email="focal@apple.example", name="Pat Focal")
    year = datetime.now(UTC).year + 1
    day = datetime(year, 7, 14)

    sign_in_as(page, organiser)
    page.get_by_role("link", name="New convening").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New convening")
    page.get_by_label("Title").fill("Hollywood studio heads")
    page.get_by_label("Codename").fill("Madison Valleywood")
    page.get_by_label("Sensitivity").select_option("Official")
    page.get_by_label("Time zone").fill("America/Los_Angeles")
    page.get_by_label("Starts").fill(f"{year}-07-14T10:00")
    page.get_by_label("Ends").fill(f"{year}-07-14T13:30")
    page.get_by_label("Venue", exact=True).fill("Studio lot, Burbank")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("status")).to_have_text(
        "The convening is created as a draft: only its team can see it."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Hollywood studio heads")
    expect(page.get_by_text("This is a draft")).to_be_visible()
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("status")).to_have_text("The convening is now published.")
    starts = f"{day:%a %d %b %Y}, 10:00 PDT"
    expect(details_value(page, "Starts")).to_have_text(starts)
    expect(details_value(page, "Ends")).to_have_text(f"{day:%a %d %b %Y}, 13:30 PDT")
    expect(details_value(page, "Time zone")).to_contain_text("America/Los_Angeles")
    expect(page.get_by_text("This is a draft")).to_have_count(0)

    convening = db.scalars(
        select(Convening).where(Convening.title == "Hollywood studio heads")
    ).one()
    assert convening.status == ConveningStatus.PUBLISHED
    assert convening.starts_at == datetime(year, 7, 14, 17, 0, tzinfo=UTC)
    # Invitations have no pages yet: the organisation is invited directly in the database.
    arrange.invitation(convening, apple)

    guest = second_person()
    sign_in_as(guest, participant)
    invited = guest.get_by_role("region", name="Invited")
    expect(invited.get_by_role("link", name="Hollywood studio heads")).to_be_visible()
    expect(invited).to_contain_text(starts)
    invited.get_by_role("link", name="Hollywood studio heads").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("Hollywood studio heads")
    expect(details_value(guest, "Starts")).to_have_text(starts)
    expect(guest.get_by_role("link", name="Edit")).to_have_count(0)


def test_participant_does_not_see_draft_of_invited_convening(page, arrange):
    organiser = arrange.organiser()
    apple = arrange.organisation("Apple")
    participant = arrange.participant(apple, name="Pat Focal")
    draft = arrange.convening(
        "Secret planning", status=ConveningStatus.DRAFT, organisers=(organiser,)
    )
    arrange.invitation(draft, apple)

    sign_in_as(page, participant)
    expect(page.get_by_text("Secret planning")).to_have_count(0)
    page.goto(f"/convenings/{draft.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_text("Error 404")).to_be_visible()
    expect(page.get_by_text("Secret planning")).to_have_count(0)


def test_convening_form_refuses_time_skipped_by_clock_change(page, arrange, db):
    organiser = arrange.organiser()
    year = datetime.now(UTC).year + 1
    # Clocks in Los Angeles jump from 02:00 to 03:00 on the second Sunday of March.
    sunday = next(
        datetime(year, 3, day) for day in range(8, 15) if datetime(year, 3, day).weekday() == 6
    )

    sign_in_as(page, organiser)
    page.goto("/convenings/new")
    page.get_by_label("Title").fill("Night session")
    page.get_by_label("Sensitivity").select_option("Official")
    page.get_by_label("Time zone").fill("America/Los_Angeles")
    page.get_by_label("Starts").fill(f"{sunday:%Y-%m-%d}T02:30")
    page.get_by_label("Ends").fill(f"{sunday:%Y-%m-%d}T05:00")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New convening")
    expect(page.get_by_role("alert")).to_contain_text("does not exist in America/Los_Angeles")
    expect(page.get_by_label("Starts")).to_have_attribute("aria-invalid", "true")
    assert db.scalars(select(Convening).where(Convening.title == "Night session")).all() == []
