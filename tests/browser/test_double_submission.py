"""A form sent twice from a real browser makes one object, with or without JavaScript."""

from __future__ import annotations

import re
import threading

import pytest
from django.http import HttpRequest
from playwright.sync_api import Browser, Page, Route, expect

from conversations.models import Conversation, Customer
from salesheart import idempotency
from salesheart.idempotency import ALREADY_SAVED

NEW_CUSTOMER = "/conversations/customers/new/"


@pytest.fixture
def page_without_javascript(browser: Browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def fill_new_customer(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}{NEW_CUSTOMER}")
    page.get_by_label("Name").fill("Grace Liu")
    page.get_by_label("Company").fill("Kestrel Engineering")


def test_a_double_click_on_save_sends_the_new_customer_once(
    sign_in, page: Page, live_server, rep, monkeypatch
):
    sign_in("rita")
    fill_new_customer(page, live_server.url)
    posts: list[HttpRequest] = []
    first_arrived, answer_first = threading.Event(), threading.Event()
    unpatched = idempotency.earlier_submission

    def hold_the_first_post(request: HttpRequest) -> str | None:
        posts.append(request)
        if len(posts) == 1:
            first_arrived.set()
            answer_first.wait(timeout=30)
        return unpatched(request)

    # The new-customer view asks through create_once, which asks here.
    monkeypatch.setattr(idempotency, "earlier_submission", hold_the_first_post)
    # The mouse, not a locator: locators wait for the page a pending post leads to.
    save = page.get_by_role("button", name="Save")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    page.mouse.click(x, y)
    assert first_arrived.wait(timeout=30)
    # The second click of the double click, while the first post is on its way.
    page.mouse.click(x, y)
    answer_first.set()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Liu")
    # Had a second post gone, the page would show its answer, which comes after this one.
    assert len(posts) == 1
    assert Customer.objects.filter(rep=rep).count() == 1


def test_a_start_sent_again_after_a_lost_answer_shows_the_first_conversation(
    sign_in, page_without_javascript: Page, live_server, rep
):
    """The browser sends the post twice (as a retry after a dropped connection would)
    and shows only the second answer: it leads to the conversation the first one made."""
    page = sign_in("rita", target=page_without_javascript)
    page.goto(f"{live_server.url}/conversations/new/")
    page.get_by_label("Or a new customer: their name").fill("Grace Liu")
    page.get_by_label("Purpose").fill("First call")

    def send_twice(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch(max_redirects=0)  # its answer never reaches the page
        route.fulfill(response=route.fetch(max_redirects=0))

    page.route(re.compile(r"/conversations/new/$"), send_twice)
    page.get_by_role("button", name="Next: what they told you").click()

    expect(page.get_by_text(ALREADY_SAVED)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Liu")
    assert Conversation.objects.filter(rep=rep).count() == 1
    assert Customer.objects.filter(rep=rep).count() == 1
