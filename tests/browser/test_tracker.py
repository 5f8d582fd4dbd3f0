"""An observer runs the live tracker in the browser: taps and keys, reloads, lost connections.

Playwright's fake clock drives the page's time (Date.now and its timers), so a
"minute" of conversation passes in milliseconds and every figure is exact. The
clock is paused right after the page loads and only moves on run_for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conversations.models import Conversation
from tests.conftest import PASSWORD
from tests.factories import make_customer, start_conversation

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NOT_SAVED = "Not saved yet: kept on this device, trying again…"
SIGNED_OUT = "You are signed out: sign in again in another tab; the run is kept here"
# Chromium reports each failed request in the console; the save tests cause them on purpose.
NETWORK_NOISE = re.compile(r"^Failed to load resource")
# Reported to the console by the page itself, in case Chromium ever stops doing so.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def conversation(rep) -> Conversation:
    customer = make_customer(rep, "Amira Haddad", company="Harbour Freight Ltd")
    return start_conversation(rep, customer, kind=Conversation.Kind.PRACTICE)


@pytest.fixture
def tracker_url(live_server, conversation) -> str:
    return live_server.url + reverse("conversations:tracker", args=[conversation.pk])


@pytest.fixture
def phone_page(browser: Browser, phone, live_server) -> Iterator[Page]:
    context = browser.new_context(**phone, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


class Console:
    """Every console error, uncaught exception and CSP violation of a page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.context.add_init_script(REPORT_CSP)
        page.on("console", lambda message: self._console(message.type, message.text))
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, kind: str, text: str) -> None:
        if kind == "error" or "Content Security Policy" in text:
            self.errors.append(text)

    def assert_clean(self, *, allow_failed_requests: bool = False) -> None:
        errors = [
            error
            for error in self.errors
            if not (allow_failed_requests and NETWORK_NOISE.match(error))
        ]
        assert errors == []


def open_tracker(page: Page, url: str) -> None:
    """Open the tracker on a fake clock, paused at START, so time moves only when told."""
    page.clock.install(time=START - dt.timedelta(minutes=1))
    page.goto(url)
    page.clock.pause_at(START)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Live tracker")


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def expect_now(page: Page, name: str) -> None:
    """The pressed button, and only it, says so; the state line says it in words."""
    expect(button(page, name)).to_have_attribute("aria-pressed", "true")
    for other in ["Customer talking", "I'm asking", "I'm pitching", "Other", "Pause"]:
        if other != name:
            expect(button(page, other)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-state]")).to_have_text(
        "Paused" if name == "Pause" else f"Now: {name}"
    )


def elapsed(page: Page):
    return page.get_by_role("timer")


def ratio(page: Page):
    return page.locator("[data-ratio]")


def pains(page: Page):
    return page.get_by_role("list", name="Pain points heard")


def notes(page: Page) -> list[str]:
    """Each stamped pain point as its moment and the note typed for it (maybe none)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-pain-list] li"), (item) => (
            item.querySelector("strong").textContent + " " + item.querySelector("input").value
        ).trim())"""
    )


def add_note(page: Page, at: str, text: str) -> None:
    """The observer chooses to write a note for the latest stamp, then goes back to the keys."""
    page.get_by_role("button", name="Add a note").click()
    note = page.get_by_label(f"Note on the pain point heard at {at}")
    expect(note).to_be_focused()
    note.fill(text)
    note.press("Enter")
    expect(button(page, "Pain point heard")).to_be_focused()


def kept_run(page: Page, conversation: Conversation) -> dict | None:
    return page.evaluate(
        "key => JSON.parse(localStorage.getItem(key))", f"salesheart:tracker:{conversation.pk}"
    )


def finish_and_land_on_the_conversation(page: Page, conversation: Conversation) -> None:
    button(page, "Finish and save").click()
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))


def expect_tracked_figures(page: Page, listening: str) -> None:
    figures = page.get_by_role("region", name="Talk figures")
    expect(figures).to_contain_text("Source: Tracked")
    expect(figures).to_contain_text(listening)


# A whole run --------------------------------------------------------------------


def test_an_observer_tracks_a_run_with_taps_on_a_phone_through_a_reload(
    phone_page: Page, sign_in, conversation, tracker_url
):
    page = sign_in("rita", target=phone_page)
    console = Console(page)
    open_tracker(page, tracker_url)
    expect(elapsed(page)).to_have_text("00:00")
    expect(page.locator("[data-state]")).to_have_text("Ready: press a talk button when they start.")
    expect(ratio(page)).to_have_text("Listening – · target 50–64 %")
    expect(button(page, "Finish and save")).to_be_disabled()

    button(page, "Customer talking").click()
    expect_now(page, "Customer talking")
    page.clock.run_for(60_000)
    expect(elapsed(page)).to_have_text("01:00")
    expect(ratio(page)).to_have_text("Listening 100 % · target 50–64 % · above target")

    button(page, "I'm asking").click()
    expect_now(page, "I'm asking")
    page.clock.run_for(20_000)
    expect(ratio(page)).to_have_text("Listening 75 % · target 50–64 % · above target")

    button(page, "Customer talking").click()
    page.clock.run_for(30_000)
    top = button(page, "Customer talking").bounding_box()["y"]
    button(page, "Pain point heard").click()
    expect(page.locator("[data-stamp-text]")).to_have_text("Pain point at 01:50")
    # The stamp takes a line kept for it: no button moves under the observer's thumb.
    assert button(page, "Customer talking").bounding_box()["y"] == top
    add_note(page, "01:50", "We re-key every order by hand")
    assert notes(page) == ["01:50 We re-key every order by hand"]
    expect_now(page, "Customer talking")
    page.clock.run_for(30_000)

    # The phone reloads mid-run: the run, its clock and its notes are all still there.
    page.reload()
    expect(elapsed(page)).to_have_text("02:20")
    expect_now(page, "Customer talking")
    expect(page.get_by_label("Note on the pain point heard at 01:50")).to_have_value(
        "We re-key every order by hand"
    )
    expect(page.get_by_role("status")).to_have_text("Run restored from this device.")
    page.clock.run_for(1_000)
    expect(elapsed(page)).to_have_text("02:21")

    button(page, "I'm pitching").click()
    page.clock.run_for(29_000)
    button(page, "Other").click()
    page.clock.run_for(10_000)
    button(page, "Pause").click()
    expect_now(page, "Pause")
    page.clock.run_for(5_000)
    expect(elapsed(page)).to_have_text("03:05")
    # Listening 121 s of 180 s of talk; the pause is silence and counts for nothing.
    expect(ratio(page)).to_have_text("Listening 67 % · target 50–64 % · above target")

    finish_and_land_on_the_conversation(page, conversation)
    expect_tracked_figures(page, "67 %")
    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.TRACKED
    assert list(conversation.segments.values_list("kind", "start", "end")) == [
        ("customer", 0, 60),
        ("question", 60, 80),
        ("customer", 80, 141),
        ("pitch", 141, 170),
        ("other", 170, 180),
    ]
    assert conversation.listening_ratio == pytest.approx(121 / 180)
    assert conversation.diagnosed_first is True
    assert list(conversation.pain_points.values_list("heard_at", "description")) == [
        (110, "We re-key every order by hand")
    ]
    assert kept_run(page, conversation) is None
    console.assert_clean()


def test_an_observer_tracks_a_run_with_the_keyboard(page: Page, sign_in, conversation, tracker_url):
    sign_in("rita")
    console = Console(page)
    open_tracker(page, tracker_url)
    for name, key in [
        ("Customer talking", "C"),
        ("I'm asking", "A"),
        ("I'm pitching", "P"),
        ("Other", "O"),
        ("Pause", "Space"),
        ("Pain point heard", "H"),
    ]:
        expect(button(page, name).locator("kbd")).to_have_text(key)
        expect(button(page, name)).to_have_attribute("aria-keyshortcuts", key)

    page.keyboard.press("c")
    expect_now(page, "Customer talking")
    page.clock.run_for(40_000)
    page.keyboard.press("a")
    expect_now(page, "I'm asking")
    page.clock.run_for(10_000)
    page.keyboard.press("C")  # with caps lock on, too
    expect_now(page, "Customer talking")
    page.clock.run_for(10_000)

    # H stamps the moment and leaves the focus alone: the next keys switch who talks.
    page.keyboard.press("h")
    expect(page.locator("[data-stamp-text]")).to_have_text("Pain point at 01:00")
    expect(page.locator("body")).to_be_focused()
    page.keyboard.press("a")
    expect_now(page, "I'm asking")
    page.clock.run_for(10_000)
    page.keyboard.press("c")
    expect_now(page, "Customer talking")
    page.clock.run_for(10_000)

    # A note is the observer's choice; typing it switches nothing, even letters that are keys.
    page.get_by_role("button", name="Add a note").click()
    note = page.get_by_label("Note on the pain point heard at 01:00")
    page.keyboard.type("Cap on pallets, ops hate it")
    expect(note).to_have_value("Cap on pallets, ops hate it")
    expect_now(page, "Customer talking")
    page.keyboard.press("Enter")
    # The focus is back on a button, so the next key works at once.
    expect(button(page, "Pain point heard")).to_be_focused()

    # A second stamp without a note: it stays a moment, with nothing made up for it.
    page.keyboard.press("h")
    expect(button(page, "Pain point heard").locator("[data-pain-count]")).to_have_text("2 heard")
    assert notes(page) == ["01:00 Cap on pallets, ops hate it", "01:20"]

    page.keyboard.press("p")
    expect_now(page, "I'm pitching")
    page.clock.run_for(20_000)
    page.keyboard.press("o")
    expect_now(page, "Other")
    page.clock.run_for(10_000)
    page.keyboard.press(" ")
    expect_now(page, "Pause")
    page.clock.run_for(15_000)
    expect(elapsed(page)).to_have_text("02:05")

    # Space on a focused button pauses; it does not press that button.
    button(page, "Customer talking").click()
    page.clock.run_for(10_000)
    expect(button(page, "Customer talking")).to_be_focused()
    page.keyboard.press("Space")
    expect_now(page, "Pause")
    page.clock.run_for(5_000)

    # Customer 40 + 10 + 10 + 10 = 70 s of 70 + 20 + 20 + 10 = 120 s.
    expect(ratio(page)).to_have_text("Listening 58 % · target 50–64 % · on target")
    expect(button(page, "Customer talking").locator("[data-total]")).to_have_text("1:10")
    finish_and_land_on_the_conversation(page, conversation)
    expect_tracked_figures(page, "58 %")
    # The note without words is a label of the app, not a quote of the customer.
    told = page.get_by_role("region", name="What they told you")
    expect(told.locator(".quote")).to_have_text(["“Cap on pallets, ops hate it”"])
    expect(told.locator(".system-label")).to_contain_text("Pain point heard at 1:20 (no note)")
    conversation.refresh_from_db()
    assert list(conversation.segments.values_list("kind", "start", "end")) == [
        ("customer", 0, 40),
        ("question", 40, 50),
        ("customer", 50, 60),
        ("question", 60, 70),
        ("customer", 70, 80),
        ("pitch", 80, 100),
        ("other", 100, 110),
        ("customer", 125, 135),
    ]
    assert conversation.customer_talk == 70
    assert conversation.rep_question == 20
    assert conversation.rep_pitch == 20
    assert conversation.rep_other == 10
    assert conversation.diagnosed_first is True
    assert list(conversation.pain_points.values_list("heard_at", "description")) == [
        (60, "Cap on pallets, ops hate it"),
        (80, ""),
    ]
    console.assert_clean()


# Nothing is lost --------------------------------------------------------------------


def track_a_short_run(page: Page) -> None:
    """Customer 30 s, a pain point with a note, pitching 10 s: listening 75 %."""
    button(page, "Customer talking").click()
    page.clock.run_for(20_000)
    button(page, "Pain point heard").click()
    add_note(page, "00:20", "Audits take weeks")
    page.clock.run_for(10_000)
    button(page, "I'm pitching").click()
    page.clock.run_for(10_000)
    expect(ratio(page)).to_have_text("Listening 75 % · target 50–64 % · above target")


def expect_the_short_run_saved(conversation: Conversation) -> None:
    conversation.refresh_from_db()
    assert list(conversation.segments.values_list("kind", "start", "end")) == [
        ("customer", 0, 30),
        ("pitch", 30, 40),
    ]
    assert list(conversation.pain_points.values_list("heard_at", "description")) == [
        (20, "Audits take weeks")
    ]
    assert conversation.listening_ratio == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("connection", NOT_SAVED),
        ("server error", NOT_SAVED),
        ("not found", "Not saved yet: this conversation is not open to the account signed in now"),
    ],
)
def test_a_failed_save_keeps_the_run_and_retries_until_it_is_saved(
    page: Page, sign_in, conversation, tracker_url, failure, message
):
    sign_in("rita")
    console = Console(page)
    open_tracker(page, tracker_url)
    track_a_short_run(page)
    attempts: list[str] = []

    def fail_once(route):
        attempts.append(route.request.method)
        if len(attempts) > 1:
            route.continue_()
        elif failure == "connection":
            route.abort("connectionfailed")
        elif failure == "server error":
            route.fulfill(status=502, body="Bad gateway")
        else:
            route.fulfill(status=404, body="<h1>Not found</h1>", content_type="text/html")

    page.route("**/track/save/", fail_once)
    button(page, "Finish and save").click()
    expect(page.get_by_role("status")).to_contain_text(message)
    expect(page.locator("[data-state]")).to_have_text("Finished at 00:40.")
    kept = kept_run(page, conversation)
    assert kept["finishedAt"] is not None
    assert [s["kind"] for s in kept["segments"]] == ["customer", "pitch"]
    assert kept["pains"] == [{"at": 20, "note": "Audits take weeks"}]
    assert not conversation.segments.exists()

    page.clock.run_for(5_000)  # the next attempt
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))
    assert attempts == ["POST", "POST"]
    expect_tracked_figures(page, "75 %")
    expect_the_short_run_saved(conversation)
    console.assert_clean(allow_failed_requests=True)


def test_an_offline_finish_is_saved_when_the_connection_returns(
    page: Page, sign_in, conversation, tracker_url
):
    sign_in("rita")
    console = Console(page)
    open_tracker(page, tracker_url)
    track_a_short_run(page)
    page.context.set_offline(True)
    button(page, "Finish and save").click()
    expect(page.get_by_role("status")).to_have_text(NOT_SAVED)
    page.clock.run_for(5_000)  # still offline: still kept, still trying
    expect(page.get_by_role("status")).to_have_text(NOT_SAVED)
    assert not conversation.segments.exists()

    page.context.set_offline(False)  # the 'online' event sends it at once
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))
    expect_the_short_run_saved(conversation)
    console.assert_clean(allow_failed_requests=True)


def test_a_run_finished_while_signed_out_is_saved_after_signing_in_elsewhere(
    page: Page, sign_in, conversation, tracker_url, live_server
):
    sign_in("rita")
    console = Console(page)
    open_tracker(page, tracker_url)
    track_a_short_run(page)
    # The session ends; the year-long CSRF cookie stays, as in real life.
    page.context.clear_cookies(name="sessionid")
    button(page, "Finish and save").click()
    expect(page.get_by_role("status")).to_contain_text(SIGNED_OUT)
    page.clock.run_for(5_000)
    expect(page.get_by_role("status")).to_contain_text(SIGNED_OUT)
    assert not conversation.segments.exists()

    # Signing in again in another tab rotates the CSRF token the tracker page holds.
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/accounts/login/")
    other_tab.get_by_label("Username").fill("rita")
    other_tab.get_by_label("Password").fill(PASSWORD)
    other_tab.get_by_role("button", name="Sign in").click()
    expect(other_tab).not_to_have_url(re.compile("/accounts/login/"))

    page.clock.run_for(5_000)
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))
    expect_the_short_run_saved(conversation)
    # The refused post kept for after sign-in does not come back on the log page.
    other_tab.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    expect(other_tab.get_by_text("You were signed out before that could be saved")).to_have_count(0)
    console.assert_clean(allow_failed_requests=True)


def test_a_closed_tab_reopened_saves_its_finished_run(
    browser: Browser, live_server, sign_in, conversation, tracker_url
):
    context: BrowserContext = browser.new_context(base_url=live_server.url)
    page = sign_in("rita", target=context.new_page())
    open_tracker(page, tracker_url)
    track_a_short_run(page)
    page.route("**/track/save/", lambda route: route.abort("connectionfailed"))
    button(page, "Finish and save").click()
    expect(page.get_by_role("status")).to_have_text(NOT_SAVED)
    page.close()

    reopened = context.new_page()
    console = Console(reopened)
    reopened.goto(tracker_url)
    expect(reopened).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))
    expect_tracked_figures(reopened, "75 %")
    expect_the_short_run_saved(conversation)
    console.assert_clean()
    context.close()


def test_a_refused_run_says_why_and_stays_on_the_device(
    page: Page, sign_in, conversation, tracker_url
):
    sign_in("rita")
    console = Console(page)
    open_tracker(page, tracker_url)
    track_a_short_run(page)
    page.route(
        "**/track/save/",
        lambda route: route.fulfill(
            status=400, json={"error": "The timeline has times outside the conversation."}
        ),
    )
    button(page, "Finish and save").click()
    expect(page.get_by_role("status")).to_have_text(
        "Not saved: The timeline has times outside the conversation. "
        "The run is still kept on this device."
    )
    page.clock.run_for(10_000)  # no retry loop for a run the server refuses
    expect(page).to_have_url(re.compile("/track/$"))
    assert kept_run(page, conversation)["segments"]
    expect(button(page, "Save now")).to_be_enabled()
    console.assert_clean(allow_failed_requests=True)


def test_a_run_can_be_discarded(page: Page, sign_in, conversation, tracker_url):
    sign_in("rita")
    console = Console(page)
    open_tracker(page, tracker_url)
    expect(button(page, "Discard this run")).to_be_disabled()
    track_a_short_run(page)

    page.once("dialog", lambda dialog: dialog.dismiss())
    button(page, "Discard this run").click()
    assert notes(page) == ["00:20 Audits take weeks"]
    assert kept_run(page, conversation) is not None

    page.once("dialog", lambda dialog: dialog.accept())
    button(page, "Discard this run").click()
    expect(page.get_by_role("status")).to_have_text("Run discarded.")
    expect(elapsed(page)).to_have_text("00:00")
    expect(pains(page).get_by_role("listitem")).to_have_count(0)
    assert kept_run(page, conversation) is None
    page.reload()
    expect(page.locator("[data-state]")).to_have_text("Ready: press a talk button when they start.")
    assert not conversation.segments.exists()
    console.assert_clean()


def test_without_javascript_the_page_points_elsewhere(
    browser: Browser, live_server, conversation, tracker_url
):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(tracker_url)
    # Playwright's text and role locators skip <noscript>; CSS ones reach inside.
    message = page.locator("noscript .tracker-noscript")
    expect(message).to_be_visible()
    expect(message).to_contain_text("The live tracker needs JavaScript")
    expect(message.locator("a", has_text="import its transcript")).to_have_attribute(
        "href", f"/conversations/{conversation.pk}/transcript/"
    )
    expect(button(page, "Customer talking")).to_be_hidden()
    message.locator("a", has_text="log it with the form").click()
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/log/$"))
    context.close()
