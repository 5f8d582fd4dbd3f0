"""The small things a new user trips on, in the browser: focus after an in-place add,
headings in order, an admin without console errors, a time zone from the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from conversations import services
from conversations.models import Conversation
from salesheart.management.commands.demo import REPS, demo_transcript
from tests.conftest import PASSWORD
from tests.factories import add_pain_point, logged_conversation, make_customer, start_conversation

HEADING_LEVELS = "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'), h => +h.tagName[1])"


@pytest.fixture
def conversation(rep) -> Conversation:
    conversation = start_conversation(
        rep,
        make_customer(rep, "Priya Natarajan", company="Ledger & Co"),
        plan_their_world="They grew by buying two firms.",
        plan_questions="How do the two finance teams close the month?",
    )
    add_pain_point(conversation, "Month-end takes nine days.")
    return conversation


def errors_of(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    return errors


def test_after_add_proposal_the_focus_is_on_the_next_proposal_not_the_top(
    page: Page, sign_in, live_server, conversation
):
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    page.get_by_role("textbox", name="What you proposed").fill("A close checklist pilot.")
    page.get_by_label("Month-end takes nine days.").check()
    page.get_by_role("button", name="Add proposal").click()
    expect(page.get_by_role("list", name="Proposals")).to_contain_text("A close checklist pilot.")
    expect(page.get_by_role("textbox", name="What you proposed")).to_be_focused()
    expect(page.get_by_role("textbox", name="What you proposed")).to_have_value("")


def test_after_mark_as_pain_point_the_focus_is_on_the_line_just_marked(
    page: Page, sign_in, live_server, rep
):
    conversation = start_conversation(rep, make_customer(rep, "Sam Patel"))
    transcript = services.transcript_add(
        conversation=conversation,
        text=demo_transcript("Rita Osei", "Sam Patel", REPS[0].call, pitches_early=False),
        filename="call.vtt",
    )
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei"])
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/transcript/timeline/")
    line = page.locator("li.line.customer").first
    line.get_by_role("button", name=re.compile("Mark as pain point")).click()
    marked = line.get_by_text("Pain point ✓")
    expect(marked).to_be_visible()
    expect(marked).to_be_focused()


def assert_headings_in_order(page: Page, url: str) -> None:
    page.goto(url)
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0] == 1, (url, levels)
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skips == [], (url, levels)


def test_every_page_of_each_role_has_its_headings_in_order(
    browser: Browser, live_server, rep, manager, trainer, conversation
):
    logged = logged_conversation(rep)
    pages = {
        "rita": [
            "/conversations/",
            f"/conversations/{conversation.pk}/log/",
            f"/conversations/{logged.pk}/",
            "/conversations/new/",
            "/conversations/plan/",
            "/conversations/customers/",
            f"/conversations/customers/{logged.customer_id}/",
            "/conversations/dashboard/",
            "/training/mine/",
            "/account/data/",
            "/account/time-zone/",
        ],
        "mara": [
            "/conversations/team/",
            f"/conversations/team/reps/{rep.pk}/",
            f"/conversations/{logged.pk}/",
            "/training/team/",
        ],
        "tess": ["/training/", "/training/exercises/"],
    }
    for username, urls in pages.items():
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto("/accounts/login/")
        assert_headings_in_order(page, "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))
        for url in urls:
            assert_headings_in_order(page, url)
        context.close()


def test_the_admin_pages_log_no_console_errors_and_find_their_icon(
    page: Page, sign_in, live_server, staff, rep
):
    errors = errors_of(page)
    sign_in("ada")
    # What the landing page still fetches (its icon, the time zone it proposes) must
    # end first: on SQLite the live server's threads share one database connection.
    page.wait_for_load_state("networkidle")
    for path in ["/admin/", "/admin/salesheart/user/", f"/admin/salesheart/user/{rep.pk}/change/"]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The browser fetches /favicon.ico after each admin page: that ends first too.
        page.wait_for_load_state("networkidle")
    assert errors == []
    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.ok
    assert icon.body()[:4] == b"\x00\x00\x01\x00"


def test_the_first_sign_in_proposes_the_browsers_time_zone(browser: Browser, live_server, rep):
    context = browser.new_context(base_url=live_server.url, timezone_id="America/New_York")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Times are shown in America/New York")).to_be_visible()
    page.get_by_role("link", name="Change your time zone").click()
    expect(page.get_by_label("Your time zone")).to_have_value("America/New_York")
    context.close()
    rep.refresh_from_db()
    assert rep.time_zone == "America/New_York"
