"""The admin is no way around the pain-first rule: its pages are posted as a browser
would post them (every field the page holds, management forms included), with what
a staff user might try added on top."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from conversations.admin import NOT_LOGGED_WITHOUT_PAIN, SHOWN_HERE_ONLY
from conversations.models import Conversation, PainPoint, ProductTalk
from tests.factories import (
    add_pain_point,
    add_proposal,
    logged_conversation,
    make_customer,
    start_conversation,
)
from tests.helpers import breaches_of_the_rule

PAINS = "pain_points"
TALKS = "product_talks"


class FormFields(HTMLParser):
    """What a browser posts from the page's form with id `form_id`, unchanged."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or "name" not in attributes and tag != "option":
            return
        name = attributes.get("name", "")
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            if kind not in {"submit", "button", "file"}:
                self.data.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.data.setdefault(self.select, []).append(attributes.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def page_form(client: Client, url: str, form_id: str) -> dict[str, list[str]]:
    parser = FormFields(form_id)
    parser.feed(client.get(url).content.decode())
    assert parser.data, f"no form {form_id} on {url}"
    # Textareas start with a line break the browser drops.
    return {k: [v.removeprefix("\n") for v in values] for k, values in parser.data.items()}


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def change_url(conversation: Conversation) -> str:
    return reverse("admin:conversations_conversation_change", args=[conversation.pk])


def change_form(client: Client, conversation: Conversation) -> dict[str, list[str]]:
    return page_form(client, change_url(conversation), "conversation_form")


def snapshot() -> tuple:
    """Everything the rule is about, to compare before and after a post."""
    return (
        list(PainPoint.objects.order_by("pk").values_list("pk", "conversation", "description")),
        list(ProductTalk.objects.order_by("pk").values_list("pk", "conversation", "proposal")),
        list(ProductTalk.answers.through.objects.order_by("pk").values_list("pk")),
        list(Conversation.objects.order_by("pk").values_list("pk", "status")),
    )


def refused(response, message: str) -> bool:
    return response.status_code == 200 and escape(message) in response.content.decode()


def test_the_conversation_page_saved_as_it_is_still_saves(admin_client, rep):
    conversation = logged_conversation(rep)
    data = change_form(admin_client, conversation)
    data["purpose"] = ["Changed by the admin"]
    response = admin_client.post(change_url(conversation), data)
    assert response.status_code == 302
    assert Conversation.objects.get(pk=conversation.pk).purpose == "Changed by the admin"
    assert breaches_of_the_rule() == []


def test_a_proposal_cannot_be_added_to_a_conversation_without_pain_points(admin_client, rep):
    conversation = start_conversation(rep)
    data = change_form(admin_client, conversation)
    assert data[f"{TALKS}-TOTAL_FORMS"] == ["0"]
    data |= {
        f"{TALKS}-TOTAL_FORMS": ["1"],
        f"{TALKS}-0-conversation": [str(conversation.pk)],
        f"{TALKS}-0-proposal": ["Our platform, all of it."],
    }
    before = snapshot()
    response = admin_client.post(change_url(conversation), data)
    assert refused(response, SHOWN_HERE_ONLY)
    assert snapshot() == before


def test_a_proposal_cannot_be_made_to_answer_another_reps_pain_point(admin_client, rep, other_rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    proposal = add_proposal(conversation, [pain])
    foreign = add_pain_point(start_conversation(other_rep), "Their CRM is a spreadsheet.")
    data = change_form(admin_client, conversation)
    data |= {f"{TALKS}-0-answers": [str(foreign.pk)], f"{TALKS}-0-proposal": ["Re-pointed."]}
    before = snapshot()
    response = admin_client.post(change_url(conversation), data)
    assert refused(response, SHOWN_HERE_ONLY)
    assert snapshot() == before
    assert set(proposal.answers.values_list("pk", flat=True)) == {pain.pk}


def test_the_only_pain_point_a_proposal_answers_cannot_be_deleted(admin_client, rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    add_proposal(conversation, [pain])
    data = change_form(admin_client, conversation)
    data[f"{PAINS}-0-DELETE"] = ["on"]
    before = snapshot()
    response = admin_client.post(change_url(conversation), data)
    assert refused(response, SHOWN_HERE_ONLY)
    assert snapshot() == before


def test_the_last_pain_point_of_a_logged_conversation_cannot_be_deleted(admin_client, rep):
    conversation = logged_conversation(rep, pitch=False)
    data = change_form(admin_client, conversation)
    data[f"{PAINS}-0-DELETE"] = ["on"]
    before = snapshot()
    response = admin_client.post(change_url(conversation), data)
    assert refused(response, SHOWN_HERE_ONLY)
    assert snapshot() == before


def test_a_pain_point_cannot_be_added_or_rewritten_here_either(admin_client, rep):
    conversation = logged_conversation(rep, pitch=False)
    data = change_form(admin_client, conversation)
    data[f"{PAINS}-0-description"] = ["Words the customer never said."]
    before = snapshot()
    response = admin_client.post(change_url(conversation), data)
    assert refused(response, SHOWN_HERE_ONLY)
    assert snapshot() == before


def test_the_page_shows_them_without_a_way_to_change_them(admin_client, rep):
    conversation = logged_conversation(rep)
    data = change_form(admin_client, conversation)
    html = admin_client.get(change_url(conversation)).content.decode()
    assert "Month-end takes nine days." in html
    assert "A close checklist pilot." in html
    written = [key for key in data if key.startswith((f"{PAINS}-0-", f"{TALKS}-0-"))]
    assert sorted(key.rsplit("-", 1)[-1] for key in written) == [
        "conversation",
        "conversation",
        "id",
        "id",
    ]


def test_a_draft_without_pain_points_cannot_be_marked_logged(admin_client, rep):
    conversation = start_conversation(rep)
    data = change_form(admin_client, conversation)
    data["status"] = [Conversation.Status.LOGGED]
    before = snapshot()
    response = admin_client.post(change_url(conversation), data)
    assert refused(response, NOT_LOGGED_WITHOUT_PAIN)
    assert snapshot() == before


def test_a_draft_with_a_pain_point_can_be_marked_logged(admin_client, rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation)
    data = change_form(admin_client, conversation)
    data["status"] = [Conversation.Status.LOGGED]
    response = admin_client.post(change_url(conversation), data)
    assert response.status_code == 302
    assert not Conversation.objects.get(pk=conversation.pk).is_draft
    assert breaches_of_the_rule() == []


def test_a_conversation_cannot_be_added_as_logged(admin_client, rep):
    customer = make_customer(rep)
    add_url = reverse("admin:conversations_conversation_add")
    data = page_form(admin_client, add_url, "conversation_form")
    data |= {
        "rep": [str(rep.pk)],
        "customer": [str(customer.pk)],
        "status": [Conversation.Status.LOGGED],
        "occurred_at_0": ["2026-01-05"],
        "occurred_at_1": ["10:00:00"],
    }
    response = admin_client.post(add_url, data)
    assert refused(response, NOT_LOGGED_WITHOUT_PAIN)
    assert not Conversation.objects.exists()
    data["status"] = [Conversation.Status.DRAFT]
    assert admin_client.post(add_url, data).status_code == 302
    assert Conversation.objects.get().is_draft


def test_pain_points_and_proposals_have_no_admin_pages_of_their_own():
    # Registered on their own, they would need the same refusal as the inlines.
    assert PainPoint not in admin.site._registry
    assert ProductTalk not in admin.site._registry
