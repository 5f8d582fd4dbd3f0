"""The training loop in the browser: a trainer assigns, a rep reflects, the trainer answers.

And a practice scenario: the partner playing the customer opens the persona card
on their own screen, and afterwards the rep sees which hidden pain points they found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from reflections.models import Assignment, State
from tests.reflections_factories import OPERATIONS_HEAD, assign_one, library

MINE = "/training/mine/"
FIRST_GO = "Monday starts with a call from the warehouse: two orders went missing."
MORE = " Her boss wants the month-end report by Wednesday."
SECOND_GO = " What staying put costs her: two late deliveries a week, and her weekends."


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def open_page(browser: Browser, live_server, console_errors) -> Iterator:
    """New windows (separate browser contexts, like separate people), errors collected."""
    contexts: list[BrowserContext] = []

    def _open(**options) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                console_errors.append(f"{page.url}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def starter_library(transactional_db):
    # Browser tests flush the database between tests, migration data included.
    return library()


def test_trainer_assigns_to_a_team_rep_reflects_trainer_returns_then_reviews(
    open_page, sign_in, starter_library, trainer, rep, teammate, console_errors
):
    tess = sign_in("tess", target=open_page())
    expect(tess.get_by_role("heading", level=1)).to_have_text("Training dashboard")
    tess.get_by_role("link", name="Assign an exercise").click()
    tess.get_by_label("Exercise").select_option(label="Walk in their shoes")
    tess.get_by_label("North").check()
    tess.get_by_label("Note for the reps (optional)").fill("Pick the meeting you dread most.")
    tess.get_by_role("button", name="Assign").click()
    expect(tess.get_by_text("Walk in their shoes: 2 assignments created.")).to_be_visible()
    expect(tess.locator("#assignments")).to_contain_text("Rita Osei")
    expect(tess.locator("#assignments")).to_contain_text("Rosa Lindqvist")

    # The rep writes, on a phone; a reload in the middle loses nothing.
    rita = sign_in("rita", target=open_page(viewport={"width": 390, "height": 844}))
    rita.goto(MINE)
    rita.get_by_role("link", name="Walk in their shoes").click()
    expect(rita.get_by_text("Pick the meeting you dread most.")).to_be_visible()
    # A click does not wait for the deferred scripts as goto does; autosave listens from then.
    rita.wait_for_load_state("load")
    editor = rita.get_by_role("textbox", name="Your reflection")
    editor.fill(FIRST_GO)
    expect(rita.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    # Type on, then reload at once: what was typed must survive the reload.
    editor.fill(FIRST_GO + MORE)
    rita.reload()
    expect(rita.get_by_role("textbox", name="Your reflection")).to_have_value(FIRST_GO + MORE)
    assignment = Assignment.objects.get(rep=rep)
    if assignment.reflection.text == FIRST_GO:
        # The reload beat the next autosave: the words came back from the browser's copy.
        expect(rita.get_by_text("We brought back what you typed")).to_be_visible()
    else:
        # On a busy machine the autosave can land first; then the server has them.
        assert assignment.reflection.text == FIRST_GO + MORE
    rita.get_by_role("button", name="Submit to Tess Whitfield").click()
    expect(rita.get_by_text("Submitted. Tess Whitfield will read it and answer.")).to_be_visible()

    # The trainer returns it with feedback.
    tess.get_by_role("link", name="Training", exact=True).click()
    waiting = tess.get_by_role("region", name=re.compile("Waiting for your review"))
    expect(waiting).to_contain_text("Rita Osei: Walk in their shoes")
    waiting.get_by_role("link", name=re.compile("Review")).click()
    expect(tess.get_by_text(FIRST_GO + MORE)).to_be_visible()
    tess.get_by_label("Your feedback").fill("Good start. Now add what staying put costs her.")
    tess.get_by_role("button", name="Return for another pass").click()
    expect(tess.get_by_text("Returned to Rita Osei with your feedback")).to_be_visible()

    # The rep reads the feedback, revises and submits again.
    rita.goto(MINE)
    expect(rita.get_by_text("Returned with feedback: revise it and submit again.")).to_be_visible()
    rita.get_by_role("link", name="Walk in their shoes").click()
    feedback = rita.get_by_role("region", name="Feedback")
    expect(feedback).to_contain_text("Now add what staying put costs her.")
    editor = rita.get_by_role("textbox", name="Your reflection")
    expect(editor).to_have_value(FIRST_GO + MORE)
    editor.press("Control+End")
    editor.press_sequentially(SECOND_GO, delay=5)
    rita.get_by_role("button", name="Submit to Tess Whitfield").click()
    expect(rita.get_by_text("Submitted.")).to_be_visible()

    # The trainer marks it reviewed.
    tess.get_by_role("link", name="Training", exact=True).click()
    tess.get_by_role("region", name=re.compile("Waiting for your review")).get_by_role(
        "link", name=re.compile("Review")
    ).click()
    expect(tess.get_by_text(SECOND_GO.strip())).to_be_visible()
    tess.get_by_label("Your feedback").fill("That is the heart of it. Well done.")
    tess.get_by_role("button", name="Mark reviewed").click()
    expect(tess.get_by_text("Marked reviewed; Rita Osei will see your feedback.")).to_be_visible()
    expect(tess.get_by_role("list", name="Assignments by state")).to_contain_text("1 Reviewed")

    # The rep sees the feedback; the reflection is closed.
    rita.reload()
    expect(rita.get_by_role("region", name=re.compile("Feedback"))).to_contain_text(
        "That is the heart of it. Well done."
    )
    expect(rita.locator(".page-head .badge")).to_have_text("Reviewed")
    expect(rita.get_by_role("textbox", name="Your reflection")).to_have_count(0)
    reflection = Assignment.objects.get(rep=rep).reflection
    assert (reflection.state, reflection.rounds) == (State.REVIEWED, 2)
    assert reflection.text.endswith(SECOND_GO.strip())
    assert console_errors == []


def test_a_practice_scenario_shows_hidden_pain_points_found_and_missed(
    open_page, sign_in, starter_library, trainer, rep, console_errors
):
    scenario = starter_library[OPERATIONS_HEAD]
    assign_one(scenario, trainer, rep, note="Practise it in threes this week.")

    rita = sign_in("rita", target=open_page())
    rita.goto(MINE)
    rita.get_by_role("link", name=scenario.title).click()
    expect(rita.get_by_text("Two night bakers left")).to_have_count(0)
    rita.get_by_role("button", name="Start a practice conversation").click()
    expect(
        rita.get_by_text("Your practice conversation with Helen Marsh is ready.")
    ).to_be_visible()
    link = rita.get_by_label("Persona card link").input_value()
    assert "/training/practice/" in link

    # The partner, signed out on their own screen, sees what the rep must find.
    partner = open_page()
    partner.goto(link)
    expect(partner.get_by_role("heading", level=1)).to_have_text(
        "You are Helen Marsh, Marsh & Dale Bakeries"
    )
    hidden = partner.get_by_role("list", name="Hidden pain points")
    expect(hidden.get_by_role("listitem")).to_have_count(3)
    expect(hidden).to_contain_text("Shop orders arrive by phone and get written down wrong")
    expect(partner.get_by_role("link", name="Training")).to_have_count(0)

    # After the practice, the rep records what they heard on the practice conversation.
    rita.get_by_role("link", name="Record what you heard").click()
    expect(rita.get_by_role("heading", level=1)).to_contain_text("Helen Marsh")
    rita.get_by_label("What hurts, in their own words").fill(
        "The shops phone their orders in and half get written down wrong"
    )
    rita.get_by_label("What staying where they are costs them").fill("Wasted bread every day.")
    rita.get_by_role("button", name="Add pain point").click()
    expect(rita.get_by_role("list", name="Pain points")).to_contain_text("phone their orders")

    rita.goto(MINE)
    rita.get_by_role("link", name=scenario.title).click()
    findings = rita.get_by_role("region", name=re.compile("Hidden pain points"))
    expect(findings.get_by_role("heading")).to_have_text("Hidden pain points: 1 of 3 found")
    expect(findings.locator("li.found")).to_have_count(1)
    expect(findings.locator("li.found")).to_contain_text("Shop orders arrive by phone")
    expect(findings.locator("li.missed")).to_have_count(2)
    expect(findings.locator("li.missed").first).to_contain_text("Two night bakers left")

    # The reflection is open right below, tied to the practice.
    expect(rita.get_by_label("About which conversation (optional)")).to_have_value(
        str(Assignment.objects.get(rep=rep).practice_id)
    )
    rita.get_by_role("textbox", name="Your reflection").fill(
        "I missed the night shift: I never asked about her people."
    )
    rita.get_by_role("button", name="Submit to Tess Whitfield").click()
    expect(rita.get_by_text("Submitted.")).to_be_visible()
    assert console_errors == []
