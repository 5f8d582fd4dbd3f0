"""The kind of call is chosen when a conversation starts and can be changed in its log."""

from __future__ import annotations

from django.urls import reverse

from conversations.models import Conversation
from tests.factories import make_customer, start_conversation
from tests.helpers import log_data, start_data

START = reverse("conversations:start")


def test_starting_a_demo_call_stores_it(client, rep):
    client.force_login(rep)

    client.post(START, start_data(new_customer_name="Amira Haddad", call_type="demo"))

    assert Conversation.objects.get().call_type == Conversation.CallType.DEMO


def test_a_start_form_from_before_the_field_saves_a_discovery_call(client, rep):
    client.force_login(rep)

    client.post(START, start_data(new_customer_name="Amira Haddad"))

    assert Conversation.objects.get().call_type == Conversation.CallType.DISCOVERY


def test_an_unknown_kind_of_call_is_refused_with_a_message(client, rep):
    client.force_login(rep)

    response = client.post(START, start_data(new_customer_name="Amira", call_type="pitch"))

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Conversation.objects.exists()


def test_the_log_changes_the_kind_of_call(client, rep):
    conversation = start_conversation(rep, make_customer(rep))
    client.force_login(rep)
    log = reverse("conversations:log", args=[conversation.pk])

    assert 'name="call_type"' in client.get(log).content.decode()
    client.post(log, {**log_data(conversation, call_type="follow_up"), "action": "save"})

    conversation.refresh_from_db()
    assert conversation.call_type == Conversation.CallType.FOLLOW_UP


def test_a_log_form_from_before_the_field_keeps_the_stored_kind(client, rep):
    conversation = start_conversation(rep, make_customer(rep), call_type="demo")
    client.force_login(rep)

    client.post(
        reverse("conversations:log", args=[conversation.pk]),
        {**log_data(conversation), "action": "save"},
    )

    conversation.refresh_from_db()
    assert conversation.call_type == Conversation.CallType.DEMO
    assert conversation.next_step == "Send the pilot plan"
