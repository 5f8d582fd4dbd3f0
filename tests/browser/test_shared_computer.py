"""Two people on one browser: what one typed never shows up for the other."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TYPED = "Rita's lead, not yet saved"


def sign_out(page: Page) -> None:
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def kept_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter(key => key.startsWith('salesheart:keep:'))"
    )


def test_the_next_person_never_gets_what_the_last_one_typed(
    page: Page, sign_in, rep, teammate, live_server
):
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/customers/new/")
    page.get_by_label("Name").first.fill(TYPED)
    # Rita's session ends with the tab open; she sends it anyway, then walks away.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/conversations/customers/new/"))
    expect(page.get_by_label("Name").first).to_have_value("")
    expect(page.get_by_text("You were signed out before that could be saved")).to_have_count(0)
    expect(page.get_by_text("We brought back what you typed")).to_have_count(0)
    assert all(key.startswith(f"salesheart:keep:{teammate.pk}:") for key in kept_keys(page))


def test_the_same_person_gets_their_copy_back_after_signing_in_again(
    page: Page, sign_in, rep, live_server
):
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/customers/new/")
    page.get_by_label("Name").first.fill(TYPED)
    sign_out(page)

    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/customers/new/")
    expect(page.get_by_label("Name").first).to_have_value(TYPED)
