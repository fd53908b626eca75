"""An organiser uploads briefings for different audiences; a focal point answers by the
emailed link, names a delegate and downloads what is meant for their organisation; the
organiser sees the receipt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from coordination.models import Document, DownloadReceipt, InvitationStatus, OrganisationKind

from .briefing_action_world import BriefingActionArrange, minimal_pdf
from .helpers import flashes, rsvp_link_in, sign_in_as

FOR_EVERYONE = "Counter-narrative briefing"
FOR_AGENCIES = "Takedown figures for agencies"

# Notes what the upload form's status line says while the script sends the file.
WATCH_PROGRESS = """() => {
    window.uploadSeen = [];
    const box = document.querySelector(".upload-progress");
    const status = box.querySelector(".upload-progress__status");
    const bar = box.querySelector("progress");
    new MutationObserver(() => {
        window.uploadSeen.push({text: status.textContent, hidden: box.hidden, value: bar.value});
    }).observe(status, {childList: true, characterData: true, subtree: true});
}"""


def upload(
    page: Page, javascript: bool, title: str, filename: str, content: bytes, agencies: bool = False
) -> None:
    """Fill in the upload form and send it; check the progress shown with JavaScript."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a briefing document")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": filename, "mimeType": "application/pdf", "buffer": content}
    )
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Sensitivity").select_option("Official")
    if agencies:
        page.get_by_label("Organisations of chosen kinds").check()
        page.get_by_label(OrganisationKind.GOVERNMENT_AGENCY.label, exact=True).check()
    if javascript:
        page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(flashes(page)).to_have_text(f"“{title}” is uploaded.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefing documents")
    if javascript:
        seen = page.evaluate("() => window.uploadSeen")
        texts = [each["text"] for each in seen]
        assert texts[0] == "Uploading: 0%", texts
        assert "Uploaded. Checking the file…" in texts, texts
        assert all(not each["hidden"] for each in seen), seen
        assert seen[-1]["value"] == 100, seen


def test_focal_point_downloads_only_the_briefing_meant_for_them(
    page, second_person, javascript, db, local_app, mailbox
):
    arrange = BriefingActionArrange(db, local_app)
    organiser = arrange.organiser()
    starts = datetime(datetime.now(UTC).year + 1, 3, 10, 15, 0, tzinfo=UTC)
    convening = arrange.convening(
        "Madison Valleywood",
        starts_at=starts,
        rsvp_deadline=starts - timedelta(days=7),
        organisers=(organiser,),
    )
    apple = arrange.organisation("Apple")
    fiona = arrange.contact(apple, "Fiona Focal", "fiona@apple.example")
    invitation = arrange.invitation(
        convening, apple, status=InvitationStatus.DRAFT, seat_quota=2, focal_point=fiona
    )
    justice = arrange.organisation("Department of Justice", kind=OrganisationKind.GOVERNMENT_AGENCY)
    arrange.invitation(convening, justice)
    official = arrange.participant(justice, email="gil@justice.example", name="Gil Official")
    briefing = minimal_pdf(FOR_EVERYONE, padding=400_000)

    sign_in_as(page, organiser)
    page.goto(f"/convenings/{convening.id}")
    page.get_by_role("link", name="Upload a briefing document").click()
    upload(page, javascript, FOR_EVERYONE, "counter-narratives.pdf", briefing)
    page.get_by_role("link", name="Upload a document").first.click()
    upload(page, javascript, FOR_AGENCIES, "figures.pdf", minimal_pdf(FOR_AGENCIES), agencies=True)
    restricted = page.locator(
        "tbody tr", has=page.get_by_role("link", name=FOR_AGENCIES, exact=True)
    )
    expect(restricted).to_contain_text(OrganisationKind.GOVERNMENT_AGENCY.label)
    expect(page.locator("main")).to_contain_text(FOR_EVERYONE)
    stored = {d.title: d for d in db.scalars(select(Document)).all()}
    assert set(stored) == {FOR_EVERYONE, FOR_AGENCIES}
    assert stored[FOR_EVERYONE].versions[0].size_bytes == len(briefing)

    page.goto(f"/invitations/{invitation.id}/edit")
    page.get_by_role("button", name="Send now").click()
    email = mailbox.wait_for("fiona@apple.example", "Invitation: Madison Valleywood")

    focal = second_person()
    focal.goto(rsvp_link_in(email.text))
    expect(focal.get_by_role("heading", level=1)).to_have_text("Invitation to Madison Valleywood")
    focal.get_by_label("Yes, we will attend").check()
    focal.get_by_role("button", name="Save the answer").click()
    focal.get_by_label("Name", exact=True).fill("Hana Head")
    focal.get_by_label("Email address").fill("hana@apple.example")
    focal.get_by_label("Head of delegation").check()
    focal.get_by_role("button", name="Add the delegate").click()
    expect(flashes(focal)).to_contain_text("Hana Head is named as a delegate")
    focal.get_by_role("link", name="Briefing documents for Apple").click()

    expect(focal.get_by_role("heading", level=1)).to_have_text("Briefing documents")
    expect(focal.locator(".briefings-list .card__title")).to_have_text([FOR_EVERYONE])
    assert FOR_AGENCIES not in focal.content()
    with focal.expect_download() as downloading:
        focal.get_by_role("link", name=f"Download {FOR_EVERYONE}").click()
    download = downloading.value
    assert download.suggested_filename == "counter-narratives.pdf"
    assert download.path().read_bytes() == briefing
    # The government-only file is refused at its own address too, without naming it: the
    # link holder, who has no account, is asked to sign in.
    refused = focal.request.get(f"/documents/{stored[FOR_AGENCIES].id}/download", max_redirects=0)
    assert refused.status in (302, 303, 403, 404)
    assert refused.status != 302 or "/account/sign-in" in refused.headers["location"]
    assert FOR_AGENCIES.encode() not in refused.body()

    # A government agency's participant receives both.
    agency = second_person()
    sign_in_as(agency, official)
    agency.goto(f"/convenings/{convening.id}")
    agency.get_by_role("link", name="Briefing documents").click()
    expect(agency.locator(".briefings-list .card__title")).to_have_text(
        [FOR_EVERYONE, FOR_AGENCIES]
    )

    page.goto(f"/convenings/{convening.id}/documents")
    page.get_by_role("link", name=FOR_EVERYONE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FOR_EVERYONE)
    page.get_by_role("link", name="Which organisations have downloaded it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Downloads of “{FOR_EVERYONE}”")
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name="Apple"))
    expect(row).to_contain_text("Yes")
    expect(row).to_contain_text("Fiona Focal")
    receipts = page.get_by_role("region", name="Every download")
    expect(receipts.locator("tbody tr")).to_have_count(1)
    expect(receipts.locator("tbody tr")).to_contain_text("Single file")
    # Apple's page lists only what is meant for Apple: the agencies' briefing is not owed.
    row.get_by_role("link", name="Apple").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefings received by Apple")
    expect(page.get_by_text("1 received · 0 not yet")).to_be_visible()
    expect(page.locator("tbody").get_by_role("rowheader")).to_contain_text([FOR_EVERYONE])
    expect(page.locator("main")).not_to_contain_text(FOR_AGENCIES)
    recorded = db.scalars(select(DownloadReceipt)).all()
    assert [(r.document_id, r.organisation_id) for r in recorded] == [
        (stored[FOR_EVERYONE].id, apple.id)
    ]
    assert "Fiona Focal" in recorded[0].recipient_name
