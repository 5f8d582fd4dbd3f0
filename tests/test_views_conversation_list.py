"""The rep's list of conversations: their own logs, their drafts and plans, filters and search."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation
from tests.factories import (
    add_pain_point,
    logged_conversation,
    make_customer,
    start_conversation,
)
from tests.helpers import text, without_tokens

LIST_URL = reverse("conversations:list")
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "results"}

# Session, user, managed teams, the rep's team (for the badges' band), the page's count and
# rows, the drafts, the filter form's customers (choices, and the chosen one when filtering),
# the same at any number of conversations (the session is not saved: renewed at most
# hourly). A filter by customer checks the customer is the rep's own: one query more. Then
# the rep's stamp: the results are kept until it changes (conversations/fragments.py).
LIST_QUERIES = {False: 9, True: 10}
# Kept filters and results: no count, no rows, no customers for the filter form.
LIST_CACHED_QUERIES = {False: 6, True: 6}


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def with_outcome(conversation: Conversation, outcome: str, **fields) -> Conversation:
    """What the log form's save does for the scalar fields of a conversation."""
    conversation.outcome = outcome
    for name, value in fields.items():
        setattr(conversation, name, value)
    conversation.save()
    return conversation


def listed(response) -> list[int]:
    return [conversation.pk for conversation in response.context["page"].object_list]


def results_html(response) -> str:
    html = response.content.decode()
    return html[html.index('<section id="results"') :]


def drafts_html(response) -> str:
    html = response.content.decode()
    return html[html.index('aria-labelledby="drafts-heading"') : html.index('role="search"')]


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


# What is listed --------------------------------------------------------------


def test_the_list_shows_only_the_reps_own_logged_conversations(signed_in, rep, teammate):
    mine = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    logged_conversation(teammate, make_customer(teammate, "Bo Lindgren"))
    response = signed_in.get(LIST_URL)
    assert response.status_code == 200
    assert listed(response) == [mine.pk]
    assert "Amira Haddad" in results_html(response)
    assert "Bo Lindgren" not in response.content.decode()


def test_drafts_are_not_among_the_logged_results(signed_in, rep):
    logged = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    start_conversation(rep, make_customer(rep, "Chen Wei"))
    response = signed_in.get(LIST_URL)
    assert listed(response) == [logged.pk]
    assert "1 conversation" in results_html(response)
    assert "Chen Wei" not in results_html(response)


def test_a_soft_deleted_conversation_leaves_the_list(signed_in, rep):
    kept = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    gone = logged_conversation(rep, make_customer(rep, "Bo Lindgren"))
    gone_draft = start_conversation(rep, make_customer(rep, "Chen Wei"))
    services.conversation_delete(conversation=gone)
    services.conversation_delete(conversation=gone_draft)
    response = signed_in.get(LIST_URL)
    assert listed(response) == [kept.pk]
    assert "Bo Lindgren" not in results_html(response)
    assert "Drafts and plans" not in response.content.decode()


def test_the_newest_conversation_comes_first(signed_in, rep):
    customer = make_customer(rep)
    older = logged_conversation(rep, customer, occurred_at=local(2026, 1, 5))
    newer = logged_conversation(rep, customer, occurred_at=local(2026, 1, 12))
    oldest = logged_conversation(rep, customer, occurred_at=local(2025, 12, 1))
    assert listed(signed_in.get(LIST_URL)) == [newer.pk, older.pk, oldest.pk]


def test_each_row_links_to_its_conversation(signed_in, rep):
    conversation = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    html = results_html(signed_in.get(LIST_URL))
    assert (
        f'href="{conversation.get_absolute_url()}">Amira Haddad (Harbour Freight Ltd)</a>' in html
    )


# Drafts and plans ------------------------------------------------------------


def test_drafts_and_plans_have_their_own_section_with_continue_and_discard(signed_in, rep):
    started = start_conversation(
        rep, make_customer(rep, "Chen Wei"), occurred_at=timezone.now() - timedelta(hours=1)
    )
    planned = start_conversation(
        rep,
        make_customer(rep, "Dana Okafor"),
        occurred_at=timezone.now() + timedelta(days=3),
        purpose="First meeting",
    )
    response = signed_in.get(LIST_URL)
    drafts = drafts_html(response)
    assert "Drafts and plans (2)" in drafts
    assert "Chen Wei" in drafts
    assert "Dana Okafor" in drafts
    assert "First meeting" in drafts
    assert "Started " in drafts
    assert "Planned for " in drafts
    for draft in (started, planned):
        assert f'href="{reverse("conversations:log", args=[draft.pk])}">Continue' in drafts
        assert f'href="{reverse("conversations:delete", args=[draft.pk])}">Discard' in drafts
    # The one that happens first is the one to do first.
    assert drafts.index("Chen Wei") < drafts.index("Dana Okafor")


def test_a_teammates_draft_is_not_among_the_reps_drafts(signed_in, rep, teammate):
    start_conversation(teammate, make_customer(teammate, "Bo Lindgren"))
    html = signed_in.get(LIST_URL).content.decode()
    assert "Drafts and plans" not in html
    assert "Bo Lindgren" not in html


def test_filters_do_not_hide_drafts(signed_in, rep):
    start_conversation(rep, make_customer(rep, "Chen Wei"))
    response = signed_in.get(LIST_URL, {"q": "nobody matches this"})
    assert "Chen Wei" in drafts_html(response)


# Filters ---------------------------------------------------------------------


def test_the_customer_filter_shows_only_that_customers_conversations(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    with_amira = logged_conversation(rep, amira)
    logged_conversation(rep, make_customer(rep, "Bo Lindgren"))
    response = signed_in.get(LIST_URL, {"customer": amira.pk})
    assert listed(response) == [with_amira.pk]
    assert "Bo Lindgren" not in results_html(response)


def test_a_teammates_customer_in_the_filter_shows_none_of_the_teammates_conversations(
    signed_in, rep, teammate
):
    mine = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    theirs = make_customer(teammate, "Bo Lindgren")
    logged_conversation(teammate, theirs)
    response = signed_in.get(LIST_URL, {"customer": theirs.pk})
    assert listed(response) == [mine.pk]
    assert "Bo Lindgren" not in response.content.decode()


@pytest.fixture
def three_days(rep) -> dict[str, Conversation]:
    customer = make_customer(rep)
    return {
        day: logged_conversation(rep, customer, occurred_at=local(2026, 1, int(day)))
        for day in ("05", "10", "15")
    }


@pytest.mark.parametrize(
    ("query", "days"),
    [
        ({"date_from": "2026-01-10"}, ["15", "10"]),
        ({"date_to": "2026-01-10"}, ["10", "05"]),
        ({"date_from": "2026-01-10", "date_to": "2026-01-10"}, ["10"]),
        ({"date_from": "2026-01-06", "date_to": "2026-01-14"}, ["10"]),
        ({"date_from": "2026-01-16"}, []),
    ],
)
def test_the_date_filters_keep_whole_days_at_both_ends(signed_in, three_days, query, days):
    response = signed_in.get(LIST_URL, query)
    assert listed(response) == [three_days[day].pk for day in days]


def test_the_date_filters_use_the_local_calendar_day(signed_in, rep):
    # Half past midnight in London in summer is still the day before in UTC.
    just_after_midnight = logged_conversation(
        rep, make_customer(rep), occurred_at=local(2025, 7, 10, 0, 30)
    )
    assert listed(signed_in.get(LIST_URL, {"date_from": "2025-07-10"})) == [just_after_midnight.pk]
    assert listed(signed_in.get(LIST_URL, {"date_to": "2025-07-09"})) == []


def test_an_end_date_before_the_start_date_is_refused_with_a_message(signed_in, three_days):
    response = signed_in.get(LIST_URL, {"date_from": "2026-01-15", "date_to": "2026-01-05"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["filters"].errors["date_to"] == [
        "The end date is before the start date."
    ]


def test_a_refused_date_range_still_applies_the_other_filters(signed_in, three_days):
    response = signed_in.get(
        LIST_URL, {"q": "no such words", "date_from": "2026-01-15", "date_to": "2026-01-05"}
    )
    assert listed(response) == []
    assert "No conversation matches these filters." in response.content.decode()


def test_a_page_number_alone_is_not_a_filter(signed_in):
    response = signed_in.get(LIST_URL, {"page": "1"})
    assert "Log your first one" in response.content.decode()


@pytest.mark.parametrize(("kind", "expected"), [("real", "real"), ("practice", "practice")])
def test_the_kind_filter_separates_real_from_practice(signed_in, rep, kind, expected):
    customer = make_customer(rep)
    made = {
        "real": logged_conversation(rep, customer, kind=Conversation.Kind.REAL),
        "practice": logged_conversation(rep, customer, kind=Conversation.Kind.PRACTICE),
    }
    assert listed(signed_in.get(LIST_URL, {"kind": kind})) == [made[expected].pk]


def test_the_outcome_filter_shows_only_that_outcome(signed_in, rep):
    customer = make_customer(rep)
    won = with_outcome(logged_conversation(rep, customer), Conversation.Outcome.WON)
    with_outcome(logged_conversation(rep, customer), Conversation.Outcome.LOST)
    logged_conversation(rep, customer)
    response = signed_in.get(LIST_URL, {"outcome": "won"})
    assert listed(response) == [won.pk]
    assert "Deal agreed" in results_html(response)


def test_filters_combine(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    wanted = logged_conversation(rep, amira, occurred_at=local(2026, 1, 10), kind="practice")
    logged_conversation(rep, amira, occurred_at=local(2026, 1, 10), kind="real")
    logged_conversation(rep, amira, occurred_at=local(2026, 1, 2), kind="practice")
    logged_conversation(rep, make_customer(rep, "Bo"), occurred_at=local(2026, 1, 10))
    response = signed_in.get(
        LIST_URL, {"customer": amira.pk, "kind": "practice", "date_from": "2026-01-05"}
    )
    assert listed(response) == [wanted.pk]


def test_the_filters_show_what_was_chosen(signed_in, rep):
    amira = make_customer(rep, "Amira Haddad")
    logged_conversation(rep, amira)
    html = signed_in.get(
        LIST_URL, {"customer": amira.pk, "kind": "practice", "date_from": "2026-01-05"}
    ).content.decode()
    assert f'<option value="{amira.pk}" selected>' in html
    assert '<option value="practice" selected>' in html
    assert 'value="2026-01-05"' in html
    assert '<details class="more-filters" open>' in html


# Search ----------------------------------------------------------------------


@pytest.fixture
def searchable(rep) -> dict[str, Conversation]:
    amira = make_customer(rep, "Amira Haddad", company="Harbour Freight Ltd")
    bo = make_customer(rep, "Bo Lindgren", company="Nordic Mills")
    by_purpose = logged_conversation(rep, amira, purpose="Quarterly review")
    by_notes = with_outcome(
        logged_conversation(rep, amira), "", notes="She mentioned the warehouse audit."
    )
    by_next_step = with_outcome(logged_conversation(rep, amira), "", next_step="Send the pricing")
    by_pain = logged_conversation(rep, amira)
    add_pain_point(by_pain, "Invoices get lost between depots.")
    by_customer = logged_conversation(rep, bo)
    return {
        "purpose": by_purpose,
        "notes": by_notes,
        "next_step": by_next_step,
        "pain": by_pain,
        "customer": by_customer,
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("lindgren", ["customer"]),
        ("NORDIC mills", ["customer"]),
        ("quarterly", ["purpose"]),
        ("warehouse audit", ["notes"]),
        ("pricing", ["next_step"]),
        ("lost between depots", ["pain"]),
    ],
)
def test_search_finds_by_customer_company_purpose_notes_and_pain_point(
    signed_in, searchable, query, found
):
    response = signed_in.get(LIST_URL, {"q": query})
    assert listed(response) == [searchable[name].pk for name in found]


def test_search_by_company_finds_every_conversation_with_that_company(signed_in, searchable):
    response = signed_in.get(LIST_URL, {"q": "harbour"})
    assert sorted(listed(response)) == sorted(
        searchable[name].pk for name in ("purpose", "notes", "next_step", "pain")
    )


def test_a_pain_point_found_twice_lists_its_conversation_once(signed_in, rep):
    conversation = logged_conversation(rep, make_customer(rep))
    add_pain_point(conversation, "Depot one loses invoices.")
    add_pain_point(conversation, "Depot two loses invoices too.")
    response = signed_in.get(LIST_URL, {"q": "invoices"})
    assert listed(response) == [conversation.pk]
    assert "1 conversation" in results_html(response)


def test_search_never_finds_a_teammates_conversation(signed_in, rep, teammate):
    theirs = logged_conversation(teammate, make_customer(teammate, "Amira Solberg"))
    add_pain_point(theirs, "Invoices get lost between depots.")
    for query in ("amira", "lost between depots"):
        response = signed_in.get(LIST_URL, {"q": query})
        assert listed(response) == []
        assert "Amira Solberg" not in response.content.decode()


# Pagination ------------------------------------------------------------------


def test_the_list_is_paginated_by_20(signed_in, rep):
    customer = make_customer(rep)
    start = local(2026, 1, 1)
    made = [
        logged_conversation(rep, customer, occurred_at=start + timedelta(days=day))
        for day in range(23)
    ]
    newest_first = [conversation.pk for conversation in reversed(made)]
    first = signed_in.get(LIST_URL)
    second = signed_in.get(LIST_URL, {"page": 2})
    assert listed(first) == newest_first[:20]
    assert listed(second) == newest_first[20:]
    assert "Page 1 of 2" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert "23 conversations" in results_html(first)


def test_the_page_links_keep_the_filters(signed_in, rep):
    customer = make_customer(rep, "Amira Haddad")
    for _ in range(21):
        logged_conversation(rep, customer, kind="practice")
    first = signed_in.get(LIST_URL, {"q": "amira", "kind": "practice"}).content.decode()
    assert 'href="?q=amira&amp;kind=practice&amp;page=2">Older</a>' in first
    second = signed_in.get(LIST_URL, {"q": "amira", "kind": "practice", "page": 2}).content.decode()
    assert 'href="?q=amira&amp;kind=practice&amp;page=1">Newer</a>' in second
    assert "page=2&amp;page" not in second


def test_a_single_page_has_no_page_links(signed_in, rep):
    logged_conversation(rep, make_customer(rep))
    assert 'aria-label="Pages"' not in signed_in.get(LIST_URL).content.decode()


# Badges ----------------------------------------------------------------------


def test_each_row_shows_its_badges(signed_in, rep):
    conversation = logged_conversation(rep, make_customer(rep), split=(60, 20, 10, 10))
    add_pain_point(conversation, "Approvals wait on one person.")
    html = results_html(signed_in.get(LIST_URL))
    # An estimate cannot tell what came first: no "Diagnosed first" for it.
    assert '<span class="badge">Order not measured</span>' in html
    assert "Diagnosed first" not in html
    assert '<span class="badge">2 pain points</span>' in html
    assert "Listening 60 %" in html
    assert '<span class="badge-source">(estimated)</span>' in html


def test_a_measured_conversation_shows_whether_it_was_diagnosed_first(signed_in, rep):
    first = start_conversation(rep, make_customer(rep, "Ben Carter"))
    services.tracking_save(
        conversation=first,
        run="diagnosed",
        segments=[
            {"kind": "customer", "start": 0, "end": 60},
            {"kind": "pitch", "start": 60, "end": 90},
        ],
        pain_points=[{"at": 20, "note": "Audits take weeks"}],
    )
    services.conversation_finish(conversation=first)
    pitched = start_conversation(rep, make_customer(rep, "Dev Patel"))
    services.tracking_save(
        conversation=pitched,
        run="pitched",
        segments=[
            {"kind": "pitch", "start": 0, "end": 30},
            {"kind": "customer", "start": 30, "end": 90},
        ],
        pain_points=[{"at": 50, "note": "Stock counts are wrong"}],
    )
    services.conversation_finish(conversation=pitched)
    html = results_html(signed_in.get(LIST_URL))
    assert html.count('<span class="badge good">Diagnosed first</span>') == 1
    assert html.count('<span class="badge bad">Pitched first</span>') == 1
    assert "Order not measured" not in html


def test_one_pain_point_is_singular(signed_in, rep):
    logged_conversation(rep, make_customer(rep))
    html = results_html(signed_in.get(LIST_URL))
    assert '<span class="badge">1 pain point</span>' in html
    assert "1 pain points" not in html


def test_the_listening_badge_is_marked_against_the_teams_band(signed_in, rep):
    customer = make_customer(rep)
    logged_conversation(rep, customer, occurred_at=local(2026, 1, 5), split=(60, 20, 10, 10))
    logged_conversation(rep, customer, occurred_at=local(2026, 1, 4), split=(30, 20, 40, 10))
    html = results_html(signed_in.get(LIST_URL))
    assert '<span class="badge good">Listening 60 %' in html
    # Too little listening has its own colour, never the one of too much.
    assert '<span class="badge low">Listening 30 %' in html


def test_a_conversation_without_a_split_has_no_listening_badge(signed_in, rep):
    conversation = start_conversation(rep, make_customer(rep))
    add_pain_point(conversation)
    services.conversation_finish(conversation=conversation)
    html = results_html(signed_in.get(LIST_URL))
    assert '<span class="badge">1 pain point</span>' in html
    assert "Listening" not in html
    assert "Diagnosed first" not in html


def test_a_practice_conversation_is_marked_as_practice(signed_in, rep):
    logged_conversation(rep, make_customer(rep), kind=Conversation.Kind.PRACTICE)
    assert '<span class="badge">Practice</span>' in results_html(signed_in.get(LIST_URL))


# htmx ------------------------------------------------------------------------


def test_an_htmx_request_for_the_results_returns_only_the_results_section(signed_in, rep):
    logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    logged_conversation(rep, make_customer(rep, "Bo Lindgren"))
    start_conversation(rep, make_customer(rep, "Chen Wei"))
    response = signed_in.get(LIST_URL, {"q": "amira"}, headers=HTMX_RESULTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<section id="results"')
    assert html.strip().endswith("</section>")
    assert "<html" not in html
    assert "Amira Haddad" in html
    assert "Bo Lindgren" not in html
    assert "Drafts and plans" not in html


def test_an_htmx_request_for_another_target_gets_the_whole_page(signed_in, rep):
    response = signed_in.get(LIST_URL, headers={"HX-Request": "true", "HX-Target": "main"})
    assert "<html" in response.content.decode()


# Empty lists -----------------------------------------------------------------


def test_a_rep_with_no_conversations_is_invited_to_log_the_first(signed_in):
    html = signed_in.get(LIST_URL).content.decode()
    assert "Log your first one" in html
    assert f'<a href="{reverse("conversations:start")}">Log your first one</a>' in html
    assert "No conversation matches these filters." not in html


def test_a_rep_with_only_drafts_is_still_invited_to_log_the_first(signed_in, rep):
    start_conversation(rep, make_customer(rep))
    assert "Log your first one" in results_html(signed_in.get(LIST_URL))


def test_a_filtered_list_with_no_match_says_so(signed_in, rep):
    logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    html = results_html(signed_in.get(LIST_URL, {"q": "zebra"}))
    assert "No conversation matches these filters." in html
    assert "Log your first one" not in html


def test_the_show_button_with_every_filter_empty_still_invites_the_first_log(signed_in):
    # The filter form submits every field, empty ones included; no filter is set.
    empty = {"q": "", "customer": "", "date_from": "", "date_to": "", "kind": "", "outcome": ""}
    html = results_html(signed_in.get(LIST_URL, empty))
    assert "Log your first one" in html
    assert "No conversation matches these filters." not in html


# Who may see it --------------------------------------------------------------


def test_a_trainer_who_does_not_sell_gets_403(client, trainer):
    client.force_login(trainer)
    response = client.get(LIST_URL)
    assert response.status_code == 403
    assert "This page is for the rep role." in response.content.decode()


# Queries ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 120])
@pytest.mark.parametrize("filtered", [False, True], ids=["unfiltered", "filtered"])
def test_the_list_takes_the_same_number_of_queries_however_many_conversations(
    signed_in, rep, django_assert_num_queries, count, filtered
):
    customers = [make_customer(rep, f"Customer {number:02d}") for number in range(5)]
    start = local(2025, 6, 1)
    for number in range(count):
        conversation = logged_conversation(
            rep,
            customers[number % 5],
            occurred_at=start + timedelta(hours=number),
            kind="practice" if number % 3 else "real",
        )
        if number % 4 == 0:
            add_pain_point(conversation, f"Worry number {number}")
    for customer in customers[:3]:
        start_conversation(rep, customer)
    query = (
        {
            "q": "customer",
            "customer": customers[0].pk,
            "date_from": "2025-06-01",
            "date_to": "2026-01-01",
            "kind": "real",
        }
        if filtered
        else {}
    )
    with django_assert_num_queries(LIST_QUERIES[filtered]):
        response = signed_in.get(LIST_URL, query)
    with django_assert_num_queries(LIST_CACHED_QUERIES[filtered]):
        cached = signed_in.get(LIST_URL, query)
    assert without_tokens(text(cached)) == without_tokens(text(response))
    assert response.status_code == 200
    assert len(response.context["drafts"]) == 3
    assert len(listed(response)) > 0
    if not filtered:
        assert len(listed(response)) == min(count, 20)
