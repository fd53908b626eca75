"""A coordinator records a decision and the action that follows from it; the owning
organisation's participant updates it; the coordinator follows the update in the action's
history, the tracker and the follow-up report; another organisation sees none of it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from coordination.models import ActionItem, ActionStatus, ActionUpdate, ActionUpdateKind

from .briefing_action_world import BriefingActionArrange
from .helpers import flashes, sign_in_as

ACTION = "Share the counter-messaging pilot results"


def entries_of(page: Page, section: str):
    return page.locator(".minutes-section", has=page.get_by_role("heading", name=section))


def history(page: Page):
    return page.locator(".action-history > li")


def test_coordinator_records_action_and_participant_updates_it(page, second_person, db, local_app):
    arrange = BriefingActionArrange(db, local_app)
    organiser = arrange.organiser()
    coordinator = arrange.user(email="cora@example.org", name="Cora Coordinator")
    convening = arrange.summer_convening(organiser, coordinators=(coordinator,))
    apple = arrange.organisation("Apple")
    snap = arrange.organisation("Snap Inc.")
    participant = arrange.participant(apple, email="pat@apple.example", name="Pat Focal")
    snap_participant = arrange.participant(snap, email="sam@snap.example", name="Sam Snap")
    arrange.invitation(convening, apple)
    arrange.invitation(convening, snap)
    arrange.item(convening, organiser, "Welcome", 30)
    arrange.item(convening, organiser, "Takedown figures", 60)
    due = date.today() + timedelta(days=10)

    sign_in_as(page, coordinator)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Minutes", exact=True).click()
    page.get_by_label("Kind", exact=True).select_option(label="Decision")
    page.get_by_label("Agenda item").select_option(label="2. Takedown figures")
    page.get_by_label("Text", exact=True).fill("Apple shares its pilot's results by the autumn.")
    page.get_by_role("button", name="Record").click()
    expect(flashes(page)).to_have_text("Decision recorded.")
    figures = entries_of(page, "Takedown figures")
    expect(figures.locator(".prose")).to_have_text(
        "Apple shares its pilot's results by the autumn."
    )

    figures.get_by_role("link", name="Record actions for this decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New action")
    # Preselected: the decision and its agenda item.
    expect(page.get_by_label("Agenda item").locator("option:checked")).to_have_text(
        "2. Takedown figures"
    )
    expect(page.get_by_label("Decision").locator("option:checked")).to_contain_text(
        "Apple shares its pilot"
    )
    page.get_by_label("Title", exact=True).fill(ACTION)
    page.get_by_label("Owner organisation").select_option(label="Apple")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_role("button", name="Record the action").click()

    expect(flashes(page)).to_have_text(f"Action “{ACTION}” recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION)
    details = page.locator("dl.details")
    expect(details).to_contain_text("Apple")
    expect(details).to_contain_text("Takedown figures")
    expect(details).to_contain_text("Apple shares its pilot's results by the autumn.")
    expect(history(page)).to_have_count(1)
    expect(history(page).first).to_contain_text("Recorded as open.")
    action_path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]

    owner = second_person()
    sign_in_as(owner, participant)
    owner.get_by_role("link", name="My actions").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(owner.get_by_role("rowheader")).to_have_text([ACTION])
    owner.get_by_role("link", name=ACTION).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(ACTION)
    expect(owner.get_by_role("link", name="Edit or reassign")).to_have_count(0)
    expect(owner.get_by_role("button", name=re.compile("^Carry over"))).to_have_count(0)
    owner.get_by_label("Status", exact=True).select_option(label="In progress")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flashes(owner)).to_have_text("Status changed.")
    expect(history(owner).last).to_contain_text("Open → In progress")
    owner.get_by_label("Progress note").fill("The summary is drafted; legal is reviewing it.")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flashes(owner)).to_have_text("Progress note added.")
    latest = history(owner).last
    expect(latest).to_contain_text("Progress note")
    expect(latest).to_contain_text("Pat Focal (Apple)")
    expect(latest).to_contain_text("The summary is drafted; legal is reviewing it.")
    # Only status and notes reach the server from the owner: the edit page stays closed.
    assert owner.request.get(f"{action_path}/edit", max_redirects=0).status in (403, 404)

    page.reload()
    expect(history(page)).to_have_count(3)
    # Oldest first: as recorded, then the owner's status change, then their note.
    expect(history(page).nth(1)).to_contain_text("Open → In progress")
    expect(history(page).nth(1)).to_contain_text("Pat Focal (Apple)")
    expect(history(page).nth(2)).to_contain_text("The summary is drafted; legal is reviewing it.")
    page.get_by_role("link", name="Tracker", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action tracker")
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name=ACTION))
    expect(row).to_contain_text("Apple")
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("High")
    page.get_by_role("link", name="Board", exact=True).click()
    column = page.locator(".tracker-column", has=page.get_by_role("heading", name="In progress"))
    expect(column).to_contain_text(ACTION)
    expect(column.get_by_role("heading", level=2)).to_contain_text("(1)")

    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Follow-up report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up report")
    decisions = page.get_by_role("region", name="Decisions")
    expect(decisions).to_contain_text("Apple shares its pilot's results by the autumn.")
    owned = page.get_by_role("region", name=re.compile("^Apple"))
    expect(owned.locator("tbody tr")).to_have_count(1)
    expect(owned.locator("tbody tr")).to_contain_text(ACTION)
    expect(owned.locator("tbody tr")).to_contain_text("In progress")

    # Another invited organisation sees nothing of Apple's action.
    outsider = second_person()
    sign_in_as(outsider, snap_participant)
    outsider.get_by_role("link", name="My actions").click()
    expect(outsider.get_by_text("Nothing is owned by you or your organisation.")).to_be_visible()
    outsider.goto(f"/convenings/{convening.id}/actions")
    expect(outsider.locator("main")).not_to_contain_text(ACTION)
    assert outsider.request.get(action_path, max_redirects=0).status in (403, 404)

    stored = db.scalars(select(ActionItem).where(ActionItem.title == ACTION)).one()
    assert stored.status == ActionStatus.IN_PROGRESS
    assert stored.owner_organisation_id == apple.id and stored.due_on == due
    kinds = db.scalars(
        select(ActionUpdate.kind)
        .where(ActionUpdate.action_id == stored.id)
        .order_by(ActionUpdate.id)
    ).all()
    assert kinds == [ActionUpdateKind.CREATED, ActionUpdateKind.STATUS, ActionUpdateKind.NOTE]
