"""Starting a log, or planning a conversation: who, when, how and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import Conversation, Customer
from tests.factories import make_customer
from tests.helpers import as_input, start_data

START_URL = reverse("conversations:start")
PLAN_URL = reverse("conversations:plan")
LIST_URL = reverse("conversations:list")
# Session, user, managed teams, the rep's last write, the customers to choose from (the
# session is not saved: renewed at most hourly): the same at any number of customers.
START_QUERIES = 5

FUTURE = "That is in the future"
BOTH = "Pick an existing customer or type a new one, not both."
NEITHER = "Choose the customer, or type the name of a new one."
NOT_YOURS = "Choose one of your own customers."


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


# The empty form --------------------------------------------------------------


def test_when_is_filled_in_with_now(signed_in):
    before = as_input(timezone.now())
    html = signed_in.get(START_URL).content.decode()
    after = as_input(timezone.now())
    filled = {f'name="occurred_at" value="{moment}"' for moment in (before, after)}
    assert any(field in html for field in filled)


def test_a_customer_in_the_address_is_chosen_already(signed_in, rep):
    bo = make_customer(rep, "Bo Lindgren")
    amira = make_customer(rep, "Amira Haddad")
    response = signed_in.get(START_URL, {"customer": amira.pk})
    html = response.content.decode()
    assert response.context["form"]["customer"].value() == amira.pk
    assert f'<option value="{amira.pk}" selected>Amira Haddad (Harbour Freight Ltd)</option>' in (
        html
    )
    assert f'<option value="{bo.pk}">Bo Lindgren (Harbour Freight Ltd)</option>' in html


def test_another_reps_customer_in_the_address_is_ignored(signed_in, rep, teammate):
    make_customer(rep, "Amira Haddad")
    theirs = make_customer(teammate, "Bo Lindgren")
    response = signed_in.get(START_URL, {"customer": theirs.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["customer"].value() is None
    assert "Bo Lindgren" not in html
    assert f'value="{theirs.pk}" selected' not in html


def test_only_the_reps_own_customers_can_be_chosen(signed_in, rep, teammate):
    make_customer(rep, "Amira Haddad")
    make_customer(teammate, "Bo Lindgren")
    html = signed_in.get(START_URL).content.decode()
    assert "Amira Haddad" in html
    assert "Bo Lindgren" not in html


def test_the_log_form_has_no_plan_fields_and_the_plan_form_has_them(signed_in):
    log = signed_in.get(START_URL).content.decode()
    plan = signed_in.get(PLAN_URL).content.decode()
    assert 'name="plan_questions"' not in log
    assert 'name="plan_their_world"' not in log
    assert 'name="plan_questions"' in plan
    assert 'name="plan_their_world"' in plan
    assert "Save the plan" in plan


# Starting a log --------------------------------------------------------------


def test_starting_creates_a_draft_for_the_rep_and_opens_its_log(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    response = signed_in.post(
        START_URL,
        start_data(customer=amira.pk, occurred_at="2026-01-05T10:30", kind="practice"),
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("conversations:log", args=[conversation.pk])
    assert conversation.rep == rep
    assert conversation.customer == amira
    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.channel == "phone"
    assert conversation.kind == "practice"
    assert conversation.purpose == "Discovery call"
    assert timezone.localtime(conversation.occurred_at).strftime("%Y-%m-%d %H:%M") == (
        "2026-01-05 10:30"
    )


def test_a_new_customer_typed_inline_is_created_for_the_rep(signed_in, rep):
    response = signed_in.post(
        START_URL, start_data(new_customer_name="  Chen Wei ", new_customer_company="Lotus")
    )
    customer = Customer.objects.get()
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert (customer.rep, customer.name, customer.company) == (rep, "Chen Wei", "Lotus")
    assert conversation.customer == customer
    assert conversation.rep == rep


def test_an_existing_and_a_new_customer_together_are_refused(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    response = signed_in.post(
        START_URL, start_data(customer=amira.pk, new_customer_name="Chen Wei")
    )
    assert response.status_code == 200
    assert BOTH in response.content.decode()
    assert Customer.objects.count() == 1
    assert not Conversation.objects.exists()


def test_no_customer_at_all_is_refused(signed_in):
    response = signed_in.post(START_URL, start_data(new_customer_name="   "))
    assert response.status_code == 200
    assert NEITHER in response.content.decode()
    assert not Customer.objects.exists()
    assert not Conversation.objects.exists()


def test_a_future_date_is_refused_when_logging(signed_in, rep):
    amira = make_customer(rep)
    tomorrow = as_input(timezone.now() + timedelta(days=1))
    response = signed_in.post(START_URL, start_data(customer=amira.pk, occurred_at=tomorrow))
    assert response.status_code == 200
    assert FUTURE in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_future_date_with_a_new_customer_creates_no_customer(signed_in):
    tomorrow = as_input(timezone.now() + timedelta(days=1))
    response = signed_in.post(
        START_URL, start_data(new_customer_name="Chen Wei", occurred_at=tomorrow)
    )
    assert FUTURE in response.content.decode()
    assert not Customer.objects.exists()
    assert not Conversation.objects.exists()


def test_a_phone_clock_a_few_minutes_fast_is_not_the_future(signed_in, rep):
    amira = make_customer(rep)
    soon = as_input(timezone.now() + timedelta(minutes=5))
    response = signed_in.post(START_URL, start_data(customer=amira.pk, occurred_at=soon))
    assert response.status_code == 302
    assert Conversation.objects.count() == 1


def test_a_missing_date_is_refused(signed_in, rep):
    amira = make_customer(rep)
    response = signed_in.post(START_URL, start_data(customer=amira.pk, occurred_at=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Conversation.objects.exists()


def test_plan_fields_posted_to_the_log_form_are_ignored(signed_in, rep):
    amira = make_customer(rep)
    signed_in.post(
        START_URL, start_data(customer=amira.pk, plan_questions="Sneaked in", plan_their_world="x")
    )
    conversation = Conversation.objects.get()
    assert (conversation.plan_questions, conversation.plan_their_world) == ("", "")


# Planning --------------------------------------------------------------------


def test_a_plan_accepts_a_future_date_and_keeps_the_homework(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    next_week = timezone.now() + timedelta(days=7)
    response = signed_in.post(
        PLAN_URL,
        start_data(
            customer=amira.pk,
            occurred_at=as_input(next_week),
            purpose="First meeting",
            plan_their_world="Freight margins are thin this year.",
            plan_questions="What does month-end cost you?",
        ),
        follow=True,
    )
    conversation = Conversation.objects.get()
    html = response.content.decode()
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Plan saved." in html
    assert conversation.rep == rep
    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.occurred_at > timezone.now()
    assert conversation.plan_their_world == "Freight margins are thin this year."
    assert conversation.plan_questions == "What does month-end cost you?"
    assert [draft.pk for draft in response.context["drafts"]] == [conversation.pk]
    assert "Planned for " in html


def test_a_plan_still_needs_a_customer(signed_in):
    response = signed_in.post(
        PLAN_URL,
        start_data(occurred_at=as_input(timezone.now() + timedelta(days=7)), plan_questions="Why?"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NEITHER in html
    assert "Why?" in html
    assert not Conversation.objects.exists()


# Forged posts ----------------------------------------------------------------


def test_another_reps_customer_id_is_refused_and_nothing_is_created(signed_in, rep, teammate):
    theirs = make_customer(teammate, "Bo Lindgren")
    response = signed_in.post(START_URL, start_data(customer=theirs.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_YOURS in html
    assert NEITHER not in html
    assert not Conversation.objects.exists()
    assert list(Customer.objects.all()) == [theirs]


def test_another_reps_customer_id_is_refused_on_a_plan_too(signed_in, other_rep):
    theirs = make_customer(other_rep, "Sol's customer")
    response = signed_in.post(
        PLAN_URL,
        start_data(customer=theirs.pk, occurred_at=as_input(timezone.now() + timedelta(days=2))),
    )
    assert NOT_YOURS in response.content.decode()
    assert not Conversation.objects.exists()


def test_forged_rep_and_status_fields_are_ignored(signed_in, rep, teammate):
    amira = make_customer(rep)
    signed_in.post(
        START_URL,
        start_data(
            customer=amira.pk,
            rep=teammate.pk,
            status=Conversation.Status.LOGGED,
            deleted_at=as_input(timezone.now()),
            pain_point_count="7",
        ),
    )
    conversation = Conversation.objects.get()
    assert conversation.rep == rep
    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.deleted_at is None
    assert conversation.pain_point_count == 0
    assert not teammate.conversations.exists()


# Nothing typed is lost -------------------------------------------------------


def test_a_refused_form_keeps_everything_that_was_typed(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    tomorrow = as_input(timezone.now() + timedelta(days=1))
    response = signed_in.post(
        START_URL,
        start_data(
            customer=amira.pk,
            new_customer_name="Chen Wei",
            new_customer_company="Lotus Logistics",
            occurred_at=tomorrow,
            channel="in_person",
            kind="practice",
            purpose="Walk through their month-end",
        ),
    )
    html = response.content.decode()
    assert BOTH in html
    assert FUTURE in html
    assert f'<option value="{amira.pk}" selected>' in html
    assert 'value="Chen Wei"' in html
    assert 'value="Lotus Logistics"' in html
    assert f'value="{tomorrow}"' in html
    assert '<option value="in_person" selected>' in html
    assert 'value="practice" required id="id_kind_1" checked>' in html
    assert 'value="Walk through their month-end"' in html


def test_a_refused_plan_keeps_its_homework(signed_in):
    response = signed_in.post(
        PLAN_URL,
        start_data(
            occurred_at="",
            new_customer_name="Chen Wei",
            plan_their_world="Freight margins are thin this year.",
            plan_questions="What does month-end cost you?",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Freight margins are thin this year." in html
    assert "What does month-end cost you?" in html
    assert 'value="Chen Wei"' in html
    assert not Customer.objects.exists()


@pytest.mark.parametrize("customers", [1, 10])
def test_the_start_page_takes_the_same_number_of_queries_however_many_customers(
    signed_in, rep, django_assert_num_queries, customers
):
    for number in range(customers):
        make_customer(rep, f"Customer {number:02d}")
    with django_assert_num_queries(START_QUERIES):
        response = signed_in.get(START_URL)
    assert response.status_code == 200
    assert response.content.decode().count("Customer ") >= customers
