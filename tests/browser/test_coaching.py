"""A manager sees who needs them and why, and turns a flag into practice in one step; the
coaching pages pass axe-core's checks at phone and desktop width."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from salesheart.management.commands.demo import DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = {"serious", "critical"}


@pytest.fixture
def demo(live_server):
    with open("/dev/null", "w") as quiet:
        call_command("demo", stdout=quiet)


def test_a_manager_reads_why_assigns_from_the_flag_and_the_rep_sees_why(
    browser: Browser, live_server, demo, sign_in, page: Page
):
    sign_in("mara", DEMO_PASSWORD)
    table = page.get_by_role("table").first
    first = table.get_by_role("row").nth(1)
    # Most need first: the early pitcher, each flag with its reason and size.
    expect(first.get_by_role("rowheader")).to_have_text("Ravi Mehta")
    flags = first.locator(".flag")
    expect(flags.first).to_contain_text(re.compile(r"\d+ (points|of \d+ measured)"))
    listening = first.locator(".flag", has_text="points below the band")
    # Said in words for screen readers too, not by colour alone.
    expect(listening).to_contain_text("Too little:")
    reason = re.search(
        r"Listening \d+ %: \d+ points below the band \(50–64 %\)", listening.inner_text()
    )[0]

    listening.get_by_role("link", name="Practise listening with Ravi Mehta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening: practice for Ravi Mehta")
    expect(page.get_by_role("region", name="Why")).to_contain_text(reason)
    exercise = page.get_by_role("radio").first
    expect(exercise).to_be_checked()
    title = page.locator(f"label[for='{exercise.get_attribute('id')}']").inner_text()
    page.get_by_role("button", name="Assign to Ravi Mehta").click()
    expect(page.get_by_text("assigned to Ravi Mehta, with why.")).to_be_visible()

    ravi = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    sign_in("ravi", DEMO_PASSWORD, target=ravi)
    ravi.get_by_role("link", name="Dashboard").click()
    next_up = ravi.get_by_role("region", name="What to practise next, and why")
    expect(next_up).to_contain_text(title.split(" (")[0])
    expect(next_up).to_contain_text(f"Why: {reason}")
    ravi.context.close()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


PAGES = {
    "mara": [
        "/conversations/team/",
        "/conversations/team/?sort=name",
        "/training/team/",
    ],
    "tess": ["/training/", "/training/assign/"],
    "ravi": ["/conversations/dashboard/", "/training/mine/"],
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_team_rep_and_training_pages_have_no_serious_axe_violations(
    browser: Browser, live_server, demo, sign_in, viewport
):
    found = {}
    for user, paths in PAGES.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        sign_in(user, DEMO_PASSWORD, target=page)
        if user == "mara":
            page.goto("/conversations/team/")
            drill_down = page.get_by_role("link", name="Ravi Mehta", exact=True).get_attribute(
                "href"
            )
            practise = page.locator(".flag a").first.get_attribute("href")
            paths = [*paths, drill_down, practise]
        for path in paths:
            page.goto(path)
            found[f"{user} {path}"] = serious_violations(page)
        context.close()

    assert {where: v for where, v in found.items() if v} == {}
    assert len(found) == 9


def test_the_week_by_week_tables_fit_a_phone(browser: Browser, live_server, demo, sign_in):
    # Scrolling sideways inside a card hides a column: every column shows at phone width.
    for user, path in (("mara", "/conversations/team/"), ("ravi", "/conversations/dashboard/")):
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        page = context.new_page()
        sign_in(user, DEMO_PASSWORD, target=page)
        page.goto(path)
        table = page.locator(".week-table")
        overflow = table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
        assert overflow <= 0, f"{path}: the week table is {overflow}px wider than its card"
        context.close()
