"""An hour's transcript in the browser: the rep pages through its lines and re-tags one on
page 2, in place with JavaScript and as a plain form without it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conversations import services
from conversations.models import Conversation, TalkSegment
from conversations.timeline import LINES_PER_PAGE
from tests.conftest import PASSWORD
from tests.factories import hour_call, make_customer, start_conversation


@pytest.fixture
def conversation(rep) -> Conversation:
    conversation = start_conversation(rep, make_customer(rep, "Sam Patel"))
    transcript = services.transcript_add(conversation=conversation, text=hour_call())
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei"])
    return conversation


def pitch_on_page_two(conversation: Conversation) -> TalkSegment:
    return next(
        line
        for line in conversation.segments.all()[LINES_PER_PAGE : 2 * LINES_PER_PAGE]
        if line.kind == "pitch"
    )


def test_a_rep_pages_through_an_hours_call_and_retags_a_line_on_page_two(
    page: Page, sign_in, conversation, live_server
):
    line = pitch_on_page_two(conversation)
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/transcript/timeline/")
    expect(page.locator("li.line:not(.note)")).to_have_count(LINES_PER_PAGE)
    expect(page.locator(f"#segment-{line.pk}")).to_have_count(0)

    page.get_by_role("link", name="Later lines").first.click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(
        page.get_by_text(f"Lines {LINES_PER_PAGE + 1}–{2 * LINES_PER_PAGE} of 1500").first
    ).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")
    page.locator(f"#segment-{line.pk}").get_by_role("combobox").select_option(label="Other")
    expect(page.locator("#timeline-status")).to_contain_text("is now Other.")
    expect(page.locator(f"#segment-{line.pk}").get_by_role("combobox")).to_have_value("other")
    assert page.evaluate("window.stillTheSamePage") is True
    line.refresh_from_db()
    assert line.kind == "other"


def test_retagging_on_page_two_without_javascript_comes_back_to_the_line(
    browser: Browser, live_server, rep, conversation
):
    line = pitch_on_page_two(conversation)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"/conversations/{conversation.pk}/transcript/timeline/?page=2")
    row = page.locator(f"#segment-{line.pk}")
    row.get_by_role("combobox").select_option(label="Question")
    row.get_by_role("button", name="Re-tag").click()

    expect(page).to_have_url(re.compile(rf"\?page=2#segment-{line.pk}$"))
    expect(page.locator(f"#segment-{line.pk}").get_by_role("combobox")).to_have_value("question")
    line.refresh_from_db()
    assert line.kind == "question"
    context.close()
