"""Customers: a rep's own people and their world, found, added and kept up to date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import TEXT_LIMIT, Customer
from tests.factories import logged_conversation, make_customer, start_conversation

LIST_URL = reverse("conversations:customers")
CREATE_URL = reverse("conversations:customer_create")
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "customer-results"}

# Session, user, managed teams, the page's count and its rows (the session is not saved:
# renewed at most hourly): the same at any number of customers.
LIST_QUERIES = 5
# The customer page: session, user, managed teams, the customer, its conversations, the
# rep's team (for the badges' band): the same at any number of conversations.
DETAIL_QUERIES = 6


def detail_url(customer: Customer) -> str:
    return reverse("conversations:customer_detail", args=[customer.pk])


def edit_url(customer: Customer) -> str:
    return reverse("conversations:customer_edit", args=[customer.pk])


# The list ------------------------------------------------------------------


def test_the_list_shows_only_the_reps_own_customers(client, rep, teammate):
    make_customer(rep, "Amira Haddad")
    make_customer(teammate, "Bo Lindgren")
    client.force_login(rep)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert b"Amira Haddad" in response.content
    assert b"Bo Lindgren" not in response.content


def test_the_list_counts_only_conversations_that_are_not_deleted(client, rep):
    customer = make_customer(rep, "Amira Haddad")
    logged_conversation(rep, customer, occurred_at=timezone.now() - timedelta(days=3))
    logged_conversation(rep, customer, occurred_at=timezone.now() - timedelta(days=2))
    gone = start_conversation(rep, customer, occurred_at=timezone.now() - timedelta(hours=2))
    services.conversation_delete(conversation=gone)
    client.force_login(rep)
    response = client.get(LIST_URL)
    row = response.context["page"].object_list[0]
    assert row.conversation_count == 2
    assert row.last_spoken.date() == (timezone.now() - timedelta(days=2)).date()
    assert b"2 conversations" in response.content


def test_a_rep_without_customers_is_invited_to_add_one(client, rep):
    client.force_login(rep)
    response = client.get(LIST_URL)
    assert b"No customers yet." in response.content
    assert CREATE_URL.encode() in response.content


@pytest.fixture
def three_customers(rep):
    make_customer(rep, "Amira Haddad", company="Harbour Freight Ltd", role="CFO")
    make_customer(rep, "Bo Lindgren", company="Nordic Mills", role="Head of Operations")
    make_customer(rep, "Chen Wei", company="Lotus Logistics", role="Finance Director")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("amira", ["Amira Haddad"]),
        ("NORDIC", ["Bo Lindgren"]),
        ("finance", ["Chen Wei"]),
        ("cfo", ["Amira Haddad"]),
        ("  ", ["Amira Haddad", "Bo Lindgren", "Chen Wei"]),
    ],
)
def test_the_list_searches_name_company_and_role(client, rep, three_customers, query, found):
    client.force_login(rep)
    response = client.get(LIST_URL, {"q": query})
    assert [customer.name for customer in response.context["page"].object_list] == found


def test_searching_never_finds_a_teammates_customer(client, rep, teammate, three_customers):
    make_customer(teammate, "Amira Solberg")
    client.force_login(rep)
    response = client.get(LIST_URL, {"q": "amira"})
    assert [customer.name for customer in response.context["page"].object_list] == ["Amira Haddad"]
    assert b"Amira Solberg" not in response.content


def test_a_search_that_finds_nothing_says_so(client, rep, three_customers):
    client.force_login(rep)
    response = client.get(LIST_URL, {"q": "zebra"})
    assert "No customer matches “zebra”.".encode() in response.content


def test_an_htmx_search_returns_only_the_results_section(client, rep, three_customers):
    client.force_login(rep)
    response = client.get(LIST_URL, {"q": "nordic"}, headers=HTMX_RESULTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<section id="customer-results"')
    assert "<html" not in html
    assert "Bo Lindgren" in html
    assert "Amira Haddad" not in html


def test_an_htmx_request_for_another_target_gets_the_whole_page(client, rep, three_customers):
    client.force_login(rep)
    response = client.get(LIST_URL, headers={"HX-Request": "true", "HX-Target": "main"})
    assert b"<html" in response.content


def test_the_list_is_paginated_by_25(client, rep):
    for number in range(30):
        make_customer(rep, f"Customer {number:02d}")
    client.force_login(rep)
    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert b"Page 1 of 2" in first.content
    assert b"Customer 24" in first.content
    assert b"Customer 25" not in first.content
    assert [c.name for c in second.context["page"].object_list] == [
        f"Customer {number}" for number in range(25, 30)
    ]
    assert b"Page 2 of 2" in second.content


def test_pagination_keeps_the_search(client, rep):
    for number in range(30):
        make_customer(rep, f"Customer {number:02d}", company="Acme")
    client.force_login(rep)
    response = client.get(LIST_URL, {"q": "acme"})
    assert b'href="?q=acme&amp;page=2"' in response.content


def test_a_page_past_the_end_shows_the_last_page(client, rep):
    for number in range(30):
        make_customer(rep, f"Customer {number:02d}")
    client.force_login(rep)
    response = client.get(LIST_URL, {"page": 99})
    assert response.context["page"].number == 2


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_takes_the_same_number_of_queries_however_many_customers(
    client, rep, django_assert_num_queries, count
):
    for number in range(count):
        customer = make_customer(rep, f"Customer {number:02d}")
        logged_conversation(rep, customer)
        start_conversation(rep, customer)
    client.force_login(rep)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


# Adding and editing --------------------------------------------------------


def test_a_rep_adds_a_customer(client, rep):
    client.force_login(rep)
    response = client.post(
        CREATE_URL,
        {"name": "Chen Wei", "company": "Lotus Logistics", "goals": "Expand into Poland."},
    )
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(customer)
    assert (customer.rep, customer.name, customer.company) == (rep, "Chen Wei", "Lotus Logistics")
    assert customer.goals == "Expand into Poland."


def test_a_forged_rep_field_does_not_give_the_customer_away(client, rep, teammate):
    client.force_login(rep)
    client.post(CREATE_URL, {"name": "Chen Wei", "rep": teammate.pk})
    assert Customer.objects.get().rep == rep


def test_a_forged_rep_field_does_not_move_a_customer_on_edit(client, rep, teammate):
    customer = make_customer(rep)
    client.force_login(rep)
    client.post(edit_url(customer), {"name": "Amira Haddad", "rep": teammate.pk})
    customer.refresh_from_db()
    assert customer.rep == rep


def test_an_invalid_new_customer_keeps_what_was_typed_and_says_what_is_wrong(client, rep):
    client.force_login(rep)
    response = client.post(
        CREATE_URL, {"name": "", "company": "Lotus Logistics", "goals": "Expand into Poland."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the customer&#x27;s name." in html
    assert 'value="Lotus Logistics"' in html
    assert "Expand into Poland." in html
    assert not Customer.objects.exists()


def test_oversized_world_notes_are_refused_with_a_message(client, rep):
    client.force_login(rep)
    response = client.post(CREATE_URL, {"name": "Chen Wei", "goals": "x" * (TEXT_LIMIT + 1)})
    assert response.status_code == 200
    assert f"at most {TEXT_LIMIT} characters".encode() in response.content
    assert not Customer.objects.exists()


def test_a_rep_edits_their_customers_world(client, rep):
    customer = make_customer(rep, "Amira Haddad", challenges="Month-end is slow.")
    client.force_login(rep)
    form_page = client.get(edit_url(customer))
    assert b"Month-end is slow." in form_page.content
    response = client.post(
        edit_url(customer),
        {"name": "Amira Haddad", "company": "Harbour Freight Group", "challenges": "Audit."},
    )
    assert response.status_code == 302
    assert response.url == detail_url(customer)
    customer.refresh_from_db()
    assert (customer.company, customer.challenges) == ("Harbour Freight Group", "Audit.")


def test_an_invalid_edit_keeps_what_was_typed_and_saves_nothing(client, rep):
    customer = make_customer(rep, "Amira Haddad", company="Harbour Freight Ltd")
    client.force_login(rep)
    response = client.post(
        edit_url(customer), {"name": "   ", "company": "Typed Company", "notes": "Typed notes."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the customer&#x27;s name." in html
    assert 'value="Typed Company"' in html
    assert "Typed notes." in html
    customer.refresh_from_db()
    assert (customer.name, customer.company, customer.notes) == (
        "Amira Haddad",
        "Harbour Freight Ltd",
        "",
    )


# The customer page ---------------------------------------------------------


def test_the_customer_page_shows_their_world_and_conversations(client, rep):
    customer = make_customer(
        rep,
        "Amira Haddad",
        role="CFO",
        goals="Close the books in three days.",
        challenges="Approvals wait on one person.",
        industry_context="Freight margins are thin.",
        notes="Ask about the audit.",
    )
    logged_conversation(rep, customer, purpose="Quarterly review")
    gone = start_conversation(rep, customer, purpose="A call that never happened")
    services.conversation_delete(conversation=gone)
    client.force_login(rep)
    response = client.get(detail_url(customer))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Close the books in three days.",
        "Approvals wait on one person.",
        "Freight margins are thin.",
        "Ask about the audit.",
        "CFO",
        "Quarterly review",
    ]:
        assert text in html
    assert "A call that never happened" not in html
    assert edit_url(customer) in html
    assert "read-only" not in html


def test_a_customer_without_conversations_says_so(client, rep):
    customer = make_customer(rep)
    client.force_login(rep)
    assert b"No conversations yet." in client.get(detail_url(customer)).content


def test_a_manager_sees_a_team_reps_customer_read_only(client, rep, manager):
    customer = make_customer(rep, "Amira Haddad", goals="Close the books in three days.")
    logged_conversation(rep, customer, purpose="Quarterly review")
    client.force_login(manager)
    response = client.get(detail_url(customer))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Close the books in three days." in html
    assert "Quarterly review" in html
    assert "Rita Osei's customer (read-only)" in html
    assert edit_url(customer) not in html
    assert reverse("conversations:start") not in html


@pytest.mark.parametrize("count", [1, 10])
def test_a_customer_page_takes_the_same_number_of_queries_however_many_conversations(
    client, rep, django_assert_num_queries, count
):
    customer = make_customer(rep, "Amira Haddad")
    for number in range(count):
        logged_conversation(rep, customer, purpose=f"Call {number}")
    client.force_login(rep)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("conversations:customer_detail", args=[customer.pk]))
    assert response.status_code == 200
    assert len(response.context["conversations"]) == count
