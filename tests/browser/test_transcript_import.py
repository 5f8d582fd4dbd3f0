"""A rep imports a transcript in the browser: the file or the text, who sells, the timeline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from conversations.models import Conversation, PainPoint, Transcript
from conversations.transcripts import MAX_BYTES
from tests.conftest import PASSWORD
from tests.factories import make_customer, start_conversation

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transcripts"


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, make_customer(rep, "Sam Patel", company="Ledger & Co"))


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    """Errors the page logs (a CSP refusal, a failed script), checked after each test."""
    errors: list[str] = []
    watch(page, errors)
    yield errors
    assert errors == []


def watch(page: Page, errors: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))


def open_import(page: Page, live_server, conversation: Conversation) -> None:
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/transcript/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a transcript")


def line(page: Page, text: str):
    return page.locator("li.line").filter(has_text=text)


def test_a_rep_imports_a_zoom_file_and_works_through_the_timeline(
    page: Page, sign_in, conversation, live_server, console_errors
):
    sign_in("rita")
    open_import(page, live_server, conversation)
    page.get_by_label("Upload the transcript file").set_input_files(FIXTURES / "zoom.vtt")
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Who was on the selling side?")
    expect(page.get_by_text("Times were read from the file.")).to_be_visible()
    expect(page.get_by_label("Rita Osei")).to_be_checked()
    expect(page.get_by_label("Sam Patel")).not_to_be_checked()
    page.get_by_label("Tom Reyes").check()
    page.get_by_role("button", name="Build the timeline").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Transcript lines")
    figures = page.get_by_role("region", name="Talk figures")
    expect(figures.locator("#figure-pitch")).to_have_text("23 %")
    expect(page.locator("li.line")).to_have_count(8)

    page.evaluate("window.stillTheSamePage = true")
    platform = line(page, "Our platform closes the books")
    platform.get_by_role("combobox").select_option(label="Other")
    expect(figures.locator("#figure-pitch")).to_have_text("9 %")
    expect(platform.get_by_role("combobox")).to_have_value("other")
    expect(page.locator("#timeline-status")).to_have_text(
        "Line at 00:23 is now Other. Pitch share 9 %."
    )

    slips = line(page, "The board pack slips")
    slips.get_by_role("button", name="Mark as pain point").click()
    expect(slips).to_contain_text("Pain point ✓")
    expect(slips.get_by_role("button")).to_have_count(0)
    expect(figures.locator("#figure-pain")).to_have_text("1")
    # Both changes came in place: no page load happened.
    assert page.evaluate("window.stillTheSamePage") is True

    conversation.refresh_from_db()
    assert conversation.pitch_share == pytest.approx(2.7 / 30.7)
    assert conversation.pain_point_count == 1
    assert PainPoint.objects.get().heard_at == pytest.approx(17.6)


def test_a_rep_pastes_a_teams_transcript(
    page: Page, sign_in, conversation, live_server, console_errors
):
    sign_in("rita")
    open_import(page, live_server, conversation)
    page.get_by_label("Or paste the conversation").fill(
        (FIXTURES / "teams.vtt").read_text(encoding="utf-8")
    )
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_label("Rita Osei")).to_be_checked()
    expect(page.get_by_text("“Busy. Finance & ops both lost a week")).to_be_visible()
    page.get_by_role("button", name="Build the timeline").click()

    expect(page.locator("li.line")).to_have_count(4)
    expect(line(page, "Walk me through what the audit found.")).to_contain_text("02:16")
    expect(
        line(page, "Walk me through what the audit found.").get_by_role("combobox")
    ).to_have_value("question")
    assert Transcript.objects.get().format == "webvtt"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "call.vtt",
            b"WEBVTT\n\n" + b"x" * MAX_BYTES,
            "This transcript is too large to import: it is 2.1 MB",
            id="oversize",
        ),
        pytest.param(
            "notes.txt",
            b"Caf\xe9: hello\nSam: hi",
            "We couldn't read the characters in this file.",
            id="latin-1",
        ),
        pytest.param(
            "call.vtt",
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nRita: Hi\n\n00:00:0x --> 00:00:03.000\n"
            b"Sam: Hello\n",
            "has cue times we can't read",
            id="malformed",
        ),
    ],
)
def test_a_bad_file_gets_a_clear_message(
    page: Page, sign_in, conversation, live_server, console_errors, name, content, message
):
    sign_in("rita")
    open_import(page, live_server, conversation)
    page.get_by_label("Upload the transcript file").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": content}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_label("Upload the transcript file")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert not Transcript.objects.exists()


def test_the_import_works_without_javascript(browser: Browser, live_server, rep, conversation):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"/conversations/{conversation.pk}/transcript/")
    page.get_by_label("Upload the transcript file").set_input_files(FIXTURES / "zoom.vtt")
    page.get_by_role("button", name="Import").click()
    page.get_by_label("Tom Reyes").check()
    page.get_by_role("button", name="Build the timeline").click()
    expect(page.get_by_text("Timeline ready: 8 lines.")).to_be_visible()

    platform = line(page, "Our platform closes the books")
    platform.get_by_role("combobox").select_option(label="Question")
    platform.get_by_role("button", name="Re-tag").click()
    segment = conversation.segments.get(text__startswith="Our platform")
    expect(page).to_have_url(re.compile(rf"/transcript/timeline/#segment-{segment.pk}$"))
    expect(line(page, "Our platform closes the books").get_by_role("combobox")).to_have_value(
        "question"
    )

    line(page, "The board pack slips").get_by_role("button", name="Mark as pain point").click()
    expect(line(page, "The board pack slips")).to_contain_text("Pain point ✓")
    expect(page.locator("#figure-pain")).to_have_text("1")

    page.get_by_role("link", name="Delete the transcript text").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the transcript text?")
    page.get_by_label("Only the imported text").check()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("Transcript text deleted on")).to_be_visible()
    expect(page.locator("li.line")).to_have_count(8)
    assert Transcript.objects.get().raw_text == ""
    assert errors == []
    context.close()
