"""The same thing edited in two tabs: the later save is told, and its text stays in the form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conversations.models import Customer, PainPoint
from reflections.models import Reflection, State
from tests.factories import logged_conversation, make_customer
from tests.reflections_factories import assign_one, make_exercise, reach

FIRST = "Their CFO wants the close in five days."
SECOND = "They are moving to a new ERP in spring."


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def one_browser(browser: Browser, live_server, console_errors) -> Iterator[BrowserContext]:
    """One person's browser: tabs share the session and the kept copies of forms."""
    context = browser.new_context(base_url=live_server.url)

    def collect(page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                console_errors.append(f"{page.url}: {message.text}")
                # Chromium reports the refused save's own 409 answer; that one is expected.
                if message.type == "error" and "status of 409" not in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))

    context.on("page", collect)
    yield context
    context.close()


def test_a_customer_saved_in_one_tab_is_not_overwritten_from_the_other(
    one_browser, sign_in, rep, console_errors
):
    customer = make_customer(rep, "Amira Haddad", goals="Grow without hiring.")
    edit = f"/conversations/customers/{customer.pk}/edit/"
    first = sign_in("rita", target=one_browser.new_page())
    second = one_browser.new_page()
    first.goto(edit)
    second.goto(edit)

    first.get_by_label("Goals").fill(FIRST)
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Saved what you know about Amira Haddad.")).to_be_visible()

    second.get_by_label("Goals").fill(SECOND)
    second.get_by_role("button", name="Save").click()

    notice = second.get_by_role("alert").filter(has_text="in another tab or window")
    expect(notice).to_contain_text("You saved a change to this at")
    expect(notice).to_contain_text("your changes here are still in the form")
    expect(notice).to_contain_text(FIRST)
    expect(second.get_by_label("Goals")).to_have_value(SECOND)
    assert Customer.objects.get(pk=customer.pk).goals == FIRST

    # Having seen both, saving again is a decision: it goes through.
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text("Saved what you know about Amira Haddad.")).to_be_visible()
    assert Customer.objects.get(pk=customer.pk).goals == SECOND
    assert console_errors == []


def test_a_pain_point_edited_in_place_in_two_tabs(one_browser, sign_in, rep, console_errors):
    conversation = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    pain = conversation.pain_points.get()
    log = f"/conversations/{conversation.pk}/log/"
    first = sign_in("rita", target=one_browser.new_page())
    second = one_browser.new_page()
    for page in (first, second):
        page.goto(log)
        page.evaluate("window.stillTheSamePage = true")
        page.get_by_role("link", name="Edit pain point 1").click()
        expect(page.locator(f"#pain-{pain.pk} form")).to_be_visible()

    first.locator(f"#pain-{pain.pk}").get_by_label("What hurts, in their own words").fill(FIRST)
    first.locator(f"#pain-{pain.pk}").get_by_role("button", name="Save").click()
    expect(first.locator(f"#pain-{pain.pk} .quote")).to_have_text(f"“{FIRST}”")

    editing = second.locator(f"#pain-{pain.pk}")
    editing.get_by_label("What hurts, in their own words").fill(SECOND)
    editing.get_by_role("button", name="Save").click()

    expect(editing.get_by_role("alert")).to_contain_text("in another tab or window")
    expect(editing.get_by_role("alert")).to_contain_text(FIRST)
    expect(editing.get_by_label("What hurts, in their own words")).to_have_value(SECOND)
    assert PainPoint.objects.get(pk=pain.pk).description == FIRST
    assert second.evaluate("window.stillTheSamePage") is True

    editing.get_by_role("button", name="Save").click()
    expect(second.locator(f"#pain-{pain.pk} .quote")).to_have_text(f"“{SECOND}”")
    assert PainPoint.objects.get(pk=pain.pk).description == SECOND
    assert console_errors == []


def test_the_reflections_own_autosave_does_not_count_as_someone_elses_save(
    one_browser, sign_in, rep, trainer, console_errors
):
    assignment = reach(assign_one(make_exercise(), trainer, rep), State.ASSIGNED)
    page = sign_in("rita", target=one_browser.new_page())
    page.goto(f"/training/assignments/{assignment.pk}/")
    editor = page.get_by_role("textbox", name="Your reflection")
    editor.fill(FIRST)
    expect(page.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    assert Reflection.objects.get(assignment=assignment).text == FIRST

    editor.fill(FIRST + " " + SECOND)
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert Reflection.objects.get(assignment=assignment).text == FIRST + " " + SECOND
    assert console_errors == []
