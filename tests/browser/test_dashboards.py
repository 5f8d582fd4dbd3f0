"""A manager coaches from the team dashboard; a rep reads their own mirror."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from salesheart.management.commands.demo import DEMO_PASSWORD


@pytest.fixture
def demo(live_server):
    with open("/dev/null", "w") as quiet:
        call_command("demo", stdout=quiet)


def test_a_manager_finds_the_early_pitcher_and_leaves_a_note_the_rep_sees(
    browser: Browser, live_server, demo, sign_in, page: Page
):
    sign_in("mara", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("North")
    table = page.get_by_role("table").first
    expect(table.get_by_role("row")).to_have_count(4)  # heading row and three reps

    # Sorting by pitch share puts the early pitcher on top.
    table.get_by_role("link", name="Pitch share").click()
    table.get_by_role("link", name="Pitch share").click()
    expect(page).to_have_url(re.compile(r"sort=-pitch"))
    top = page.get_by_role("table").first.get_by_role("row").nth(1)
    expect(top).to_contain_text("Ravi Mehta")
    expect(top).to_contain_text("points below the band (50–64 %)")

    top.get_by_role("link", name="Ravi Mehta", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ravi Mehta")
    expect(page.get_by_text("read-only")).to_be_visible()
    page.get_by_role("region", name="Conversations in this period").get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_text("(read-only)")).to_be_visible()

    page.get_by_label("Your coaching note").fill("Try three questions before the first pitch.")
    page.get_by_role("button", name="Leave the note").click()
    expect(page.get_by_text("Note saved; Ravi Mehta will see it.")).to_be_visible()

    ravi = browser.new_context(base_url=live_server.url).new_page()
    sign_in("ravi", DEMO_PASSWORD, target=ravi)
    ravi.get_by_role("link", name="Dashboard").click()
    notes = ravi.get_by_role("region", name="Coaching notes")
    expect(notes).to_contain_text("Try three questions before the first pitch.")
    expect(notes).to_contain_text("Mara Jensen")
    ravi.context.close()


def test_filters_change_the_reps_figures(live_server, demo, sign_in, page: Page):
    sign_in("sasha", DEMO_PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    figures = page.get_by_role("region", name="How you listen")
    last_30 = figures.inner_text()

    page.get_by_label("Period", exact=True).select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_role("region", name="How you listen")).not_to_have_text(last_30)

    page.get_by_label("Figures from").select_option("tracked")
    page.get_by_role("button", name="Show").click()
    # Only tracked calls are left (the demo tracks several recent ones): all of them tracked.
    expect(page.get_by_role("region", name="How you listen")).to_contain_text(
        re.compile(r"From (\d+) logged conversations?, \1 with talk figures: \1 tracked\.")
    )

    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("Start").fill("2026-11-20")
    page.get_by_label("End").fill("2026-11-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The end date is before the start date.")).to_be_visible()


def test_a_rep_sees_believed_against_measured_listening(live_server, demo, sign_in, page: Page):
    sign_in("ravi", DEMO_PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    gap = page.get_by_role("region", name="Your estimate against what was measured")
    expect(gap).to_contain_text("Believed listening")
    expect(gap).to_contain_text("think they talk less than they do")
