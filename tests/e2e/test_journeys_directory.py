"""An organiser adds an organisation and a contact to the directory, then finds it."""

from __future__ import annotations

from playwright.sync_api import expect

from coordination.models import OrganisationKind

from .helpers import sign_in_as


def test_organiser_adds_organisation_and_contact_and_finds_it(page, arrange):
    organiser = arrange.organiser()
    arrange.organisation("Twitter", sectors=("Social media",))
    arrange.organisation("MTV", kind=OrganisationKind.COMPANY, sectors=("Entertainment",))

    sign_in_as(page, organiser)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation directory")
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name").fill("Muslim Public Affairs Council")
    page.get_by_label("Kind").select_option(label="Community group / NGO")
    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("Sectors").fill("Community, Counter-messaging")
    page.get_by_label("Website").fill("https://mpac.example")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.get_by_role("status")).to_have_text(
        "Muslim Public Affairs Council is added to the directory."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Muslim Public Affairs Council")
    expect(page.locator("dl.details")).to_contain_text("Community group / NGO")
    expect(page.locator("dl.details")).to_contain_text("Counter-messaging")

    page.get_by_role("link", name="Add a contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add a contact to Muslim Public Affairs Council"
    )
    page.get_by_label("Name").fill("Salam Al-Marayati")
    page.get_by_label("Email address").fill("salam@mpac.example")
    page.get_by_label("Job title").fill("President")
    page.get_by_role("button", name="Add contact").click()

    expect(page.get_by_role("status")).to_have_text("Salam Al-Marayati is added.")
    contacts = page.get_by_role("table", name="Contacts")
    expect(contacts.get_by_role("rowheader", name="Salam Al-Marayati")).to_be_visible()
    expect(contacts).to_contain_text("salam@mpac.example")

    page.get_by_role("link", name="Back to the directory").click()
    page.get_by_label("Name contains").fill("public affairs")
    page.get_by_role("button", name="Show").click()

    results = page.get_by_role("table", name="Organisations, by name")
    expect(results.get_by_role("link", name="Muslim Public Affairs Council")).to_be_visible()
    expect(results.get_by_role("rowheader")).to_have_count(1)
    expect(page.get_by_label("Name contains")).to_have_value("public affairs")
    results.get_by_role("link", name="Muslim Public Affairs Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Muslim Public Affairs Council")


def test_directory_search_with_no_match_says_so(page, arrange):
    organiser = arrange.organiser()
    arrange.organisation("Twitter")

    sign_in_as(page, organiser)
    page.goto("/directory/?q=nothing+like+this")

    expect(page.get_by_text("No organisations match these filters.")).to_be_visible()
    expect(page.get_by_role("link", name="Twitter")).to_have_count(0)
