"""The organisers follow the answers on the RSVP board, print the list and check people in."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from coordination.models import Delegate, InvitationStatus, OrganisationKind, utcnow

from .helpers import flashes, sign_in_as


def answered_convening(arrange, db):
    """Apple accepted with two delegates (the head named second); the embassy has not answered."""
    organiser = arrange.user(email="olive@example.org", name="Olive Organiser")
    convening = arrange.convening("Madison Valleywood", organisers=(organiser,))
    apple = arrange.organisation("Apple")
    fiona = arrange.contact(apple, "Fiona Focal", "fiona@apple.example")
    sent = utcnow() - timedelta(days=3)
    invitation = arrange.invitation(
        convening,
        apple,
        status=InvitationStatus.ACCEPTED,
        seat_quota=3,
        focal_point=fiona,
        sent_at=sent,
        responded_at=sent + timedelta(days=1),
    )
    for name, email, head in (
        ("Zed Member", "zed@apple.example", False),
        ("Hana Head", "hana@apple.example", True),
    ):
        db.add(
            Delegate(
                invitation_id=invitation.id,
                name=name,
                email=email,
                email_normalized=email,
                title="Vice President" if head else None,
                is_head=head,
            )
        )
    db.commit()
    embassy = arrange.organisation("British Embassy", kind=OrganisationKind.EMBASSY)
    amara = arrange.contact(embassy, "Amara Attaché", "amara@embassy.example")
    arrange.invitation(convening, embassy, seat_quota=2, focal_point=amara, sent_at=sent)
    return organiser, convening


def test_organiser_sees_answers_prints_attendees_and_checks_a_delegate_in(page, arrange, db):
    organiser, convening = answered_convening(arrange, db)

    sign_in_as(page, organiser)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="RSVP board").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("RSVP board")
    figures = page.locator(".board-figures li")
    expect(figures.filter(has_text="invited")).to_have_text("2 invited")
    expect(figures.filter(has_text="accepted")).to_have_text("1 accepted")
    expect(figures.filter(has_text="seats used")).to_have_text("2 / 5 seats used / offered")
    waiting = page.get_by_role("table", name=re.compile("not answered"))
    expect(waiting.get_by_role("rowheader")).to_have_text(["British Embassy"])
    board = page.get_by_role("table", name=re.compile("Invitations by organisation"))
    apple = board.get_by_role("row").filter(has_text="Apple")
    expect(apple).to_contain_text("Accepted")
    expect(apple.locator(".delegate-list li")).to_have_text(
        ["Hana Head, Vice President Head of delegation", "Zed Member"]
    )
    expect(apple).to_contain_text("2 / 3")

    page.get_by_label("Organisation or delegate").fill("zed")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 invitation matches these filters.")).to_be_visible()
    expect(board.get_by_role("row").filter(has_text="British Embassy")).to_have_count(0)
    expect(board.get_by_role("row").filter(has_text="Apple")).to_have_count(1)

    page.get_by_role("navigation", name="Invitations and attendance").get_by_role(
        "link", name="Attendee list"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendee list")
    expect(page.locator(".attendee-summary")).to_contain_text(
        "2 delegates from 1 organisation: 2 in person, 0 remote."
    )
    delegation = page.get_by_role("region", name=re.compile("^Apple"))
    expect(delegation.get_by_role("rowheader")).to_have_text(
        ["Hana Head Head of delegation", "Zed Member"]
    )
    expect(page.get_by_text("British Embassy")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download CSV")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Invitations and attendance")).to_be_hidden()
    expect(delegation.get_by_role("rowheader").first).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    count = page.locator(".check-in-count")
    expect(count).to_have_text(re.compile(r"^0 of 2 expected delegates have arrived"))
    page.get_by_label("Name, organisation or email").fill("zed")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Delegates matching “zed”")
    expect(page.get_by_text("1 delegate found.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Mark arrived\W+Zed Member$")).click()

    expect(flashes(page)).to_have_text(re.compile(r"^Zed Member marked as arrived at \d\d:\d\d\.$"))
    expect(count).to_have_text(re.compile(r"^1 of 2 expected delegates have arrived"))
    expect(page.get_by_label("Name, organisation or email")).to_have_value("zed")
    row = page.get_by_role("row").filter(has_text="Zed Member")
    expect(row).to_contain_text("Arrived at")
    expect(row).to_contain_text("recorded by Olive Organiser")
    expect(
        page.get_by_role("button", name=re.compile(r"^Undo\s+the arrival of Zed Member$"))
    ).to_be_visible()
    page.get_by_role("link", name="Show everyone").click()
    expect(page.get_by_role("row").filter(has_text="Hana Head")).to_contain_text("Not yet")
    arrived = db.scalars(select(Delegate.name).where(Delegate.checked_in_at.is_not(None))).all()
    assert arrived == ["Zed Member"]
