"""Signing in, and recovering a forgotten password through the emailed link."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from .helpers import link_in, sign_in
from .world import PASSWORD


def test_sign_in_with_right_password_shows_dashboard(page, arrange):
    user = arrange.user(email="ada@example.org", name="Ada Lovelace")

    sign_in(page, "ada@example.org")

    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Lovelace")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name=user.name)).to_be_visible()


def test_sign_in_with_wrong_password_shows_error_and_stays_on_form(page, arrange):
    arrange.user(email="ada@example.org", name="Ada Lovelace")

    sign_in(page, "ada@example.org", "not the password")

    expect(page).to_have_url("/account/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not right")
    expect(page.get_by_label("Email address")).to_have_value("ada@example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_text("Welcome, Ada Lovelace")).to_have_count(0)


def test_sign_out_returns_to_sign_in(page, arrange):
    arrange.user(email="ada@example.org", name="Ada Lovelace")
    sign_in(page, "ada@example.org")

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_forgotten_password_link_sets_new_password_once(page, arrange, mailbox):
    arrange.user(email="grace@example.org", name="Grace Hopper")
    new_password = "a brand new passphrase"

    page.goto("/account/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    email = mailbox.wait_for("grace@example.org", "Reset your coordination password")
    assert "Hello Grace Hopper" in email.text
    link = link_in(email.text)
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Save password").click()

    expect(page.get_by_role("status")).to_have_text("Your password is set. Sign in with it now.")
    expect(page.get_by_label("Email address")).to_have_value("grace@example.org")
    page.get_by_label("Password", exact=True).fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Grace Hopper")

    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    expect(page.get_by_label("New password", exact=True)).to_have_count(0)


def test_forgotten_password_for_unknown_address_sends_nothing(page, arrange, mailbox):
    arrange.user(email="grace@example.org")

    page.goto("/account/forgot")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("nobody@example.org")).to_be_visible()
    assert mailbox.count_to("nobody@example.org") == 0


def test_sign_in_by_keyboard_alone(page, arrange):
    arrange.user(email="ada@example.org", name="Ada Lovelace")
    page.goto("/account/sign-in")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("ada@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Lovelace")
