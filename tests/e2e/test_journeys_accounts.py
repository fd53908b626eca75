"""An administrator creates an account; its holder chooses a password from the email."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from .helpers import link_in, sign_in, sign_in_as


def test_administrator_creates_account_and_holder_signs_in(page, second_person, arrange, mailbox):
    admin = arrange.user(email="admin@example.org", name="Ada Administrator", is_admin=True)
    organisation = arrange.organisation("Snapchat")
    password = "my own secret words"

    sign_in_as(page, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Name", exact=True).fill("Evan Spiegel")
    page.get_by_label("Email address").fill("evan@snap.example")
    page.get_by_label("Or add them as a new contact of").select_option(label=organisation.name)
    page.get_by_label("Title at that organisation").fill("Chief Executive")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Account created. evan@snap.example has been emailed a link to choose a password."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evan Spiegel")

    email = mailbox.wait_for("evan@snap.example", "Your coordination account")
    assert "Ada Administrator has created an account for you" in email.text
    link = link_in(email.text)

    newcomer = second_person()
    newcomer.goto(urlsplit(link).path)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        "Choose a password for your new account"
    )
    newcomer.get_by_label("New password", exact=True).fill(password)
    newcomer.get_by_label("New password again").fill(password)
    newcomer.get_by_role("button", name="Save password").click()
    expect(newcomer.get_by_role("status")).to_have_text(
        "Your password is set. Sign in with it now."
    )

    sign_in(newcomer, "evan@snap.example", password)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Welcome, Evan Spiegel")
    expect(newcomer.get_by_role("heading", name="Invited")).to_be_visible()


def test_account_form_with_missing_name_shows_error_beside_field(page, arrange, mailbox):
    admin = arrange.user(email="admin@example.org", name="Ada Administrator", is_admin=True)

    sign_in_as(page, admin)
    page.goto("/admin/users/new")
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    name = page.get_by_label("Name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    assert mailbox.count_to("someone@example.org") == 0
