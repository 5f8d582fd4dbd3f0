"""A rep logs a conversation in the browser: the customer's pain first, then the product."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conversations.models import Conversation
from tests.factories import make_customer, start_conversation

LOCKED = "Locked until you record a pain point."


@pytest.fixture
def customer(rep):
    return make_customer(rep, "Amira Haddad", company="Harbour Freight Ltd")


@pytest.fixture
def phone_page(browser: Browser, phone, live_server):
    context = browser.new_context(**phone, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def start_log(page: Page) -> None:
    page.get_by_role("link", name="Log a conversation").first.click()
    page.get_by_label("Customer", exact=True).select_option(
        label="Amira Haddad (Harbour Freight Ltd)"
    )
    page.get_by_role("button", name="Next: what they told you").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log your conversation with Amira")


def add_pain_point(page: Page, words: str, cost: str, *, javascript: bool = True) -> None:
    page.get_by_label("What hurts, in their own words").fill(words)
    page.get_by_label("What staying where they are costs them").fill(cost)
    page.get_by_label("How urgent it is for them").select_option(label="High: it hurts now")
    page.get_by_role("button", name="Add pain point").click()
    expect(page.get_by_role("list", name="Pain points")).to_contain_text(words)
    if javascript:
        # The fresh form takes the focus, ready for the next pain point; wait for
        # that before typing elsewhere.
        expect(page.get_by_label("What hurts, in their own words")).to_be_focused()


def finish_with_estimate(page: Page) -> None:
    page.get_by_label("Outcome").select_option(label="Next meeting agreed")
    page.get_by_label("Next step").fill("Pilot plan by Friday")
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_label("Customer talking").fill("60")
    page.get_by_label("Me asking").fill("20")
    page.get_by_label("Me on the product").fill("10")
    page.get_by_label("Me, other").fill("10")
    page.get_by_role("button", name="Finish: log it").click()


def test_a_rep_logs_a_whole_conversation_on_a_phone(phone_page: Page, sign_in, customer):
    page = sign_in("rita", target=phone_page)
    start_log(page)
    proposals = page.locator("#proposals")
    expect(proposals).to_contain_text(LOCKED)
    expect(proposals.get_by_role("button", name="Add proposal")).to_have_count(0)

    page.evaluate("window.stillTheSamePage = true")
    add_pain_point(page, "We re-key every order by hand.", "Two salaries a year on copy-typing.")
    expect(proposals).not_to_contain_text(LOCKED)
    page.get_by_role("textbox", name="What you proposed").fill(
        "Order import removes the re-keying."
    )
    page.get_by_label("We re-key every order by hand.").check()
    page.get_by_role("button", name="Add proposal").click()
    expect(page.get_by_role("list", name="Proposals")).to_contain_text("Order import")
    # Both sections changed in place: no page load happened.
    assert page.evaluate("window.stillTheSamePage") is True

    finish_with_estimate(page)
    expect(page.get_by_text("Conversation logged.")).to_be_visible()
    expect(page.get_by_text("Answered by: Order import removes the re-keying.")).to_be_visible()
    expect(page.get_by_role("region", name="Talk figures")).to_contain_text("60 %")

    page.get_by_role("link", name="Conversations", exact=True).click()
    row = page.locator("#results .card").first
    expect(row).to_contain_text("Amira Haddad")
    # The rep's own estimate cannot tell what came first in the room.
    expect(row).to_contain_text("Order not measured")
    expect(row).to_contain_text("1 pain point")
    expect(row).to_contain_text("Listening 60 %")
    conversation = Conversation.objects.get()
    assert conversation.status == Conversation.Status.LOGGED
    assert conversation.product_talks.get().answers.get().description.startswith("We re-key")


def test_a_rep_who_tries_to_propose_first_is_stopped(
    page: Page, sign_in, rep, customer, live_server
):
    conversation = start_conversation(rep, customer)
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    expect(page.locator("#proposals")).to_contain_text(LOCKED)
    expect(page.get_by_role("textbox", name="What you proposed")).to_have_count(0)

    # Even a hand-made request with a valid CSRF token is refused by the server.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        f"{live_server.url}/conversations/{conversation.pk}/proposals/",
        form={"proposal": "Buy our platform", "csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
    )
    assert "Record what the customer told you first" in response.text()
    assert not conversation.product_talks.exists()

    page.get_by_role("button", name="Finish: log it").click()
    expect(page.get_by_role("alert")).to_contain_text("Record what the customer told you first")
    conversation.refresh_from_db()
    assert conversation.is_draft


def test_a_reload_mid_form_brings_back_what_was_typed(
    page: Page, sign_in, rep, customer, live_server
):
    conversation = start_conversation(rep, customer)
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    page.get_by_label("Next step").fill("Call their finance lead")
    page.get_by_label("Notes").fill("She mentioned the audit twice.")
    expect(page.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    page.get_by_label("What hurts, in their own words").fill("Audits take weeks")

    page.reload()
    expect(page.get_by_label("Next step")).to_have_value("Call their finance lead")
    expect(page.get_by_label("Notes")).to_have_value("She mentioned the audit twice.")
    expect(page.get_by_label("What hurts, in their own words")).to_have_value("Audits take weeks")
    conversation.refresh_from_db()
    assert conversation.draft_data["next_step"] == "Call their finance lead"

    # Drafts are listed, and can be continued.
    page.get_by_role("link", name="Conversations", exact=True).click()
    drafts = page.get_by_role("region", name=re.compile("Drafts and plans"))
    expect(drafts).to_contain_text("Amira Haddad")
    drafts.get_by_role("link", name=re.compile("Continue")).click()
    expect(page.get_by_label("Next step")).to_have_value("Call their finance lead")


def test_the_same_flow_works_without_javascript(browser: Browser, live_server, rep, customer):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    start_log(page)
    expect(page.locator("#proposals")).to_contain_text(LOCKED)
    add_pain_point(
        page, "Stock counts are wrong every quarter.", "We over-order to be safe.", javascript=False
    )
    expect(page.get_by_text("Pain point added.")).to_be_visible()
    page.get_by_role("textbox", name="What you proposed").fill("Cycle counting module.")
    page.get_by_label("Stock counts are wrong every quarter.").check()
    page.get_by_role("button", name="Add proposal").click()
    expect(page.get_by_role("list", name="Proposals")).to_contain_text("Cycle counting module.")
    finish_with_estimate(page)
    expect(page.get_by_text("Conversation logged.")).to_be_visible()
    assert Conversation.objects.get().status == Conversation.Status.LOGGED
    context.close()


def test_a_bad_estimate_keeps_everything_typed(page: Page, sign_in, rep, customer, live_server):
    conversation = start_conversation(rep, customer)
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    add_pain_point(page, "Reports disagree.", "Meetings end in arguments.")
    page.get_by_label("Next step").fill("Workshop on definitions")
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_label("Customer talking").fill("50")
    page.get_by_label("Me asking").fill("20")
    page.get_by_label("Me on the product").fill("20")
    page.get_by_label("Me, other").fill("5")
    page.get_by_role("button", name="Finish: log it").click()
    expect(page.get_by_text("These add up to 95 %")).to_be_visible()
    expect(page.get_by_label("Next step")).to_have_value("Workshop on definitions")
    expect(page.get_by_label("Me, other")).to_have_value("5")
    conversation.refresh_from_db()
    assert conversation.is_draft
    assert conversation.next_step == ""


def test_an_expired_session_loses_nothing(page: Page, sign_in, rep, customer, live_server):
    conversation = start_conversation(rep, customer)
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    page.get_by_label("Notes").fill("Typed while the session ran out")
    # The session ends; the year-long CSRF cookie stays, as in real life.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save draft").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/log/"))
    expect(page.get_by_text("You were signed out before that could be saved")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Typed while the session ran out")


def test_an_add_on_its_way_holds_its_button_and_a_double_click_adds_one(
    page: Page, sign_in, rep, customer, live_server
):
    """htmx holds the button of the form it is sending (hx-disabled-elt) until the answer."""
    conversation = start_conversation(rep, customer)
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    held = []

    def hold(route) -> None:
        # Looked at while the post is on its way: the button is held.
        held.append(page.evaluate("document.querySelector('#pain-points form button').disabled"))
        route.continue_()

    page.route(re.compile(r"/pain-points/$"), hold)
    page.get_by_label("What hurts, in their own words").fill("Audits take weeks.")
    page.get_by_role("button", name="Add pain point").dblclick()
    expect(page.get_by_role("list", name="Pain points")).to_contain_text("Audits take weeks.")
    assert held == [True]
    assert conversation.pain_points.count() == 1
    # The fresh form's button is free again.
    expect(page.get_by_role("button", name="Add pain point")).to_be_enabled()


def test_swaps_add_no_listeners_to_the_document(page: Page, sign_in, rep, customer, live_server):
    """Every add swaps a section in (htmx); the document's listeners stay as they were."""
    conversation = start_conversation(rep, customer)
    page.add_init_script(
        """
        window.documentListeners = 0;
        const add = Document.prototype.addEventListener;
        Document.prototype.addEventListener = function (...args) {
          window.documentListeners += 1;
          return add.apply(this, args);
        };
        """
    )
    sign_in("rita")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/log/")
    before = page.evaluate("window.documentListeners")
    for words in ["Audits take weeks.", "Month-end takes nine days.", "Nobody trusts the data."]:
        add_pain_point(page, words, "Time.")
    assert page.evaluate("window.documentListeners") == before
    # The forms swapped in still keep what is typed on this device.
    page.get_by_label("What hurts, in their own words").fill("Kept on this device")
    kept = page.evaluate(
        "(pk) => Object.keys(localStorage).filter((key) => key.endsWith(':pain-' + pk))",
        conversation.pk,
    )
    assert len(kept) == 1
