from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.helpers import RECORD_CSP_VIOLATIONS

LIMIT = 5


def test_a_person_who_keeps_mistyping_is_paused_and_told_what_to_do(
    live_server, page: Page, settings, rep
):
    settings.AXES_FAILURE_LIMIT = LIMIT
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    for attempt in range(1, LIMIT + 1):
        page.get_by_label("Username").fill("rita")
        page.get_by_label("Password").fill("correct-horse-battery-typo")
        with page.expect_response(
            lambda response: (
                response.request.method == "POST" and response.url.endswith("/accounts/login/")
            )
        ) as answer:
            page.get_by_role("button", name="Sign in").click()
        if attempt < LIMIT:
            assert answer.value.status == 200
            expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()

    assert answer.value.status == 429
    expect(page).to_have_title("Sign-in paused · SalesHeart")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused for 15 minutes")
    expect(page.get_by_text("Please try again in 15 minutes")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert page_errors == []

    page.get_by_role("link", name="Reset it by email").click()
    expect(page).to_have_url(re.compile(r"/accounts/password_reset/$"))
