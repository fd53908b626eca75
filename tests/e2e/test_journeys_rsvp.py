"""A focal point answers by the link in the invitation email and names the delegation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from coordination.invitations.links import issue_link
from coordination.models import Delegate, InvitationStatus, utcnow

from .helpers import calendar_files, flashes, rsvp_link_in, sign_in_as

NO_LONGER_WORKS = "This link no longer works"


def invited_apple(arrange, *, seats: int = 2, status=InvitationStatus.DRAFT):
    """Madison Valleywood, with Apple invited (Fiona Focal its focal point)."""
    organiser = arrange.user(email="olive@example.org", name="Olive Organiser")
    starts = datetime(datetime.now(UTC).year + 1, 3, 10, 15, 0, tzinfo=UTC)
    convening = arrange.convening(
        "Madison Valleywood",
        venue_name="Robert F. Kennedy Building",
        starts_at=starts,
        rsvp_deadline=starts - timedelta(days=7),
        organisers=(organiser,),
    )
    apple = arrange.organisation("Apple")
    fiona = arrange.contact(apple, "Fiona Focal", "fiona@apple.example")
    invitation = arrange.invitation(
        convening, apple, status=status, seat_quota=seats, focal_point=fiona
    )
    return organiser, convening, invitation


def add_delegate(page: Page, name: str, email: str, *, title: str = "", head: bool = False):
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Job title").fill(title)
    if head:
        page.get_by_label("Head of delegation").check()
    page.get_by_role("button", name="Add the delegate").click()


def seats_used(page: Page):
    return page.get_by_text(re.compile(r"^\d+ of \d+ seats? used\.$"))


def test_focal_point_answers_by_emailed_link_and_names_delegates_within_quota(
    page, second_person, arrange, db, mailbox
):
    organiser, convening, invitation = invited_apple(arrange, seats=2)
    answer_path = f"/rsvp/invitations/{invitation.id}"
    sign_in_as(page, organiser)
    page.goto(f"/invitations/{invitation.id}/edit")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Emails sent|Sending"))
    email = mailbox.wait_for("fiona@apple.example", "Invitation: Madison Valleywood")
    link = rsvp_link_in(email.text)
    token = link.rsplit("/", 1)[-1]

    focal = second_person()
    focal.goto(link)

    expect(focal).to_have_url(re.compile(re.escape(answer_path) + "$"))
    assert token not in focal.url
    expect(focal.get_by_role("heading", level=1)).to_have_text("Invitation to Madison Valleywood")
    expect(focal.get_by_text("Apple has not answered yet.")).to_be_visible()
    expect(focal.get_by_role("button", name="Sign out")).to_have_count(0)  # nobody signed in
    focal.get_by_label("Yes, we will attend").check()
    focal.get_by_role("button", name="Save the answer").click()

    expect(flashes(focal)).to_have_text(
        "Thank you: the invitation is accepted. Name your delegates below."
    )
    expect(focal.get_by_text("Apple has answered: Accepted")).to_be_visible()
    expect(seats_used(focal)).to_have_text("0 of 2 seats used.")
    add_delegate(focal, "Hana Head", "hana@apple.example", title="Vice President", head=True)

    expect(flashes(focal)).to_have_text(
        "Hana Head is named as a delegate; their confirmation is on its way to hana@apple.example."
    )
    expect(seats_used(focal)).to_have_text("1 of 2 seats used.")
    # A second tab, opened now, still offers the form once the last seat is taken elsewhere.
    stale = focal.context.new_page()
    stale.goto(answer_path)
    expect(seats_used(stale)).to_have_text("1 of 2 seats used.")
    add_delegate(focal, "Zed Member", "zed@apple.example")

    expect(seats_used(focal)).to_have_text("2 of 2 seats used.")
    delegates = focal.get_by_role("table", name="Delegates of Apple")
    expect(delegates.get_by_role("rowheader")).to_have_text(
        [re.compile(r"^\s*Hana Head\s+Head of delegation"), re.compile(r"^\s*Zed Member")]
    )
    expect(focal.get_by_text("All 2 seats are taken.")).to_be_visible()
    expect(focal.get_by_role("button", name="Add the delegate")).to_have_count(0)

    add_delegate(stale, "Third Person", "third@apple.example")

    expect(stale.get_by_role("alert")).to_contain_text(
        "All 2 seats are taken; ask for more seats, or remove a delegate first."
    )
    expect(seats_used(stale)).to_have_text("2 of 2 seats used.")
    expect(stale.get_by_label("Name", exact=True)).to_have_value("Third Person")
    names = db.scalars(
        select(Delegate.name).where(Delegate.invitation_id == invitation.id).order_by(Delegate.id)
    ).all()
    assert names == ["Hana Head", "Zed Member"]
    for address, name in (("hana@apple.example", "Hana Head"), ("zed@apple.example", "Zed")):
        confirmation = mailbox.wait_for(address, "You are confirmed for Madison Valleywood")
        calendar = Calendar.from_ical(calendar_files(confirmation)["invitation.ics"])
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["ATTENDEE"]).lower() == f"mailto:{address}"
        assert name in event["ATTENDEE"].params["CN"]
        assert event["DTSTART"].dt.astimezone(UTC) == convening.starts_at
    assert mailbox.count_to("third@apple.example") == 0


def test_mistyped_expired_and_revoked_links_say_they_no_longer_work(page, arrange, db):
    _organiser, convening, invitation = invited_apple(arrange, status=InvitationStatus.SENT)
    raw = issue_link(invitation)
    planned = convening.starts_at, convening.ends_at
    # Links work until the convening ends: move it into the past for a moment.
    convening.starts_at, convening.ends_at = utcnow() - timedelta(hours=3), utcnow()
    db.commit()

    response = page.goto(f"/rsvp/{raw}")

    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(NO_LONGER_WORKS)
    expect(page.get_by_text("ask the organisers who invited you for a new link")).to_be_visible()
    expect(page.get_by_text("Apple")).to_have_count(0)

    convening.starts_at, convening.ends_at = planned
    raw = issue_link(invitation)
    db.commit()
    page.goto(f"/rsvp/{raw[:-1]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(NO_LONGER_WORKS)
    expect(page.get_by_role("button", name="Save the answer")).to_have_count(0)

    page.goto(f"/rsvp/{raw}")
    expect(page).to_have_url(re.compile(rf"/rsvp/invitations/{invitation.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to Madison Valleywood")
    invitation.token_hash = None  # the organisers revoke the link
    db.commit()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(NO_LONGER_WORKS)
    expect(page.get_by_role("button", name="Save the answer")).to_have_count(0)
