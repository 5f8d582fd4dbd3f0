"""What the log forms accept, and the message a rep sees for everything they refuse."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conversations.forms import (
    MAX_DURATION_MINUTES,
    CustomerForm,
    LogForm,
    PainPointForm,
    ProductTalkForm,
    StartForm,
    to_percentages,
)
from conversations.models import TEXT_LIMIT, Conversation, PainPoint
from conversations.services import FOREIGN_PAIN_POINT, MUST_ANSWER_A_PAIN_POINT
from tests.factories import (
    add_pain_point,
    logged_conversation,
    make_customer,
    start_conversation,
)

FUTURE_MESSAGE = "That is in the future."
OVERSIZED = f"Ensure this value has at most {TEXT_LIMIT} characters (it has {TEXT_LIMIT + 1})."


def local(moment: datetime) -> str:
    """A moment as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def log_data(conversation: Conversation, **fields) -> dict:
    data = {
        "customer": conversation.customer_id,
        "occurred_at": local(conversation.occurred_at),
        "channel": Conversation.Channel.VIDEO,
        "kind": Conversation.Kind.REAL,
        "purpose": "Quarterly review",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def split(customer, asking, pitching, other, **fields) -> dict:
    return {
        "estimate_customer": customer,
        "estimate_asking": asking,
        "estimate_pitching": pitching,
        "estimate_other": other,
        **fields,
    }


def errors_of(form, field: str = "estimate_customer") -> str:
    return " ".join(form.errors.get(field, []))


@pytest.fixture
def draft(rep) -> Conversation:
    return start_conversation(rep)


# The talk split, in percent ------------------------------------------------


def test_no_split_at_all_is_fine(draft):
    form = LogForm(log_data(draft), instance=draft)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["estimate_customer"] is None


def test_a_split_of_exactly_100_with_a_duration_is_accepted(draft):
    form = LogForm(log_data(draft, **split(60, 20, 10, 10, duration_minutes=30)), instance=draft)
    assert form.is_valid(), form.errors
    saved = form.save()
    saved.refresh_from_db()
    assert (
        saved.estimate_customer,
        saved.estimate_asking,
        saved.estimate_pitching,
        saved.estimate_other,
    ) == (60, 20, 10, 10)
    assert saved.duration_minutes == 30


@pytest.mark.parametrize("missing", ["estimate_asking", "estimate_pitching", "estimate_other"])
def test_a_split_needs_all_four_parts(draft, missing):
    data = log_data(draft, **split(60, 20, 10, 10, duration_minutes=30))
    del data[missing]
    form = LogForm(data, instance=draft)
    assert not form.is_valid()
    assert errors_of(form, missing) == "Fill in all four parts of the split (0 is fine)."


def test_zero_counts_as_a_given_part(draft):
    form = LogForm(log_data(draft, **split(70, 30, 0, 0, duration_minutes=30)), instance=draft)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("parts", "total"), [((60, 20, 10, 5), 95), ((60, 20, 20, 5), 105)])
def test_a_percent_split_must_add_up_to_100_and_says_what_it_adds_up_to(draft, parts, total):
    form = LogForm(log_data(draft, **split(*parts, duration_minutes=30)), instance=draft)
    assert not form.is_valid()
    assert f"These add up to {total} %" in errors_of(form)
    assert "must add up to 100 %" in errors_of(form)


def test_a_percent_split_needs_a_duration(draft):
    form = LogForm(log_data(draft, **split(60, 20, 10, 10)), instance=draft)
    assert not form.is_valid()
    assert errors_of(form, "duration_minutes") == (
        "Add how long it lasted, so the split can become talk time."
    )


def test_a_negative_part_is_refused_as_negative(draft):
    form = LogForm(log_data(draft, **split(-5, 55, 40, 10, duration_minutes=30)), instance=draft)
    assert not form.is_valid()
    message = errors_of(form)
    assert "greater than or equal to 0" in message or "negative" in message
    # The rep did fill in this part: telling them to fill it in would be wrong.
    assert "Fill in all four parts" not in message


# The talk split, in minutes ------------------------------------------------


def test_minutes_become_whole_percentages_that_add_up_to_100(draft):
    data = log_data(draft, estimate_unit="minutes", **split(20, 10, 5, 5, duration_minutes=60))
    form = LogForm(data, instance=draft)
    assert form.is_valid(), form.errors
    percents = [form.cleaned_data[name] for name in ("estimate_customer", "estimate_asking")]
    percents += [form.cleaned_data[name] for name in ("estimate_pitching", "estimate_other")]
    assert percents == to_percentages([20, 10, 5, 5])
    assert sum(percents) == 100
    assert form.cleaned_data["duration_minutes"] == 60
    saved = form.save()
    saved.refresh_from_db()
    assert saved.estimate_customer == 50
    assert saved.estimate_asking == 25
    assert saved.estimate_pitching + saved.estimate_other == 25
    assert saved.duration_minutes == 60


def test_minutes_without_a_duration_make_the_duration_their_sum(draft):
    data = log_data(draft, estimate_unit="minutes", **split(12, 5, 2, 1))
    form = LogForm(data, instance=draft)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["duration_minutes"] == 20
    saved = form.save()
    saved.refresh_from_db()
    assert saved.duration_minutes == 20
    assert (saved.estimate_customer, saved.estimate_asking) == (60, 25)
    assert (saved.estimate_pitching, saved.estimate_other) == (10, 5)


def test_minutes_longer_than_the_conversation_are_refused(draft):
    data = log_data(draft, estimate_unit="minutes", **split(30, 20, 10, 10, duration_minutes=60))
    form = LogForm(data, instance=draft)
    assert not form.is_valid()
    assert errors_of(form) == (
        "These add up to 70 minutes, longer than the 60-minute conversation."
    )


def test_minutes_that_add_up_to_nothing_are_refused(draft):
    data = log_data(draft, estimate_unit="minutes", **split(0, 0, 0, 0, duration_minutes=30))
    form = LogForm(data, instance=draft)
    assert not form.is_valid()
    assert errors_of(form) == "The minutes add up to nothing."


def test_minutes_that_add_up_to_more_than_the_longest_conversation_are_refused(draft):
    # 600 minutes and no duration: the duration would become 600, past the 480 limit.
    data = log_data(draft, estimate_unit="minutes", **split(300, 200, 50, 50))
    form = LogForm(data, instance=draft)
    assert not form.is_valid()
    assert f"{MAX_DURATION_MINUTES}" in " ".join(
        message for messages in form.errors.values() for message in messages
    )


# Duration ------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, MAX_DURATION_MINUTES + 1, 5000])
def test_a_duration_outside_1_to_480_minutes_is_refused(draft, minutes):
    form = LogForm(log_data(draft, duration_minutes=minutes), instance=draft)
    assert not form.is_valid()
    assert errors_of(form, "duration_minutes") == (
        f"A conversation lasts between 1 and {MAX_DURATION_MINUTES} minutes."
    )


@pytest.mark.parametrize("minutes", [1, MAX_DURATION_MINUTES])
def test_the_shortest_and_longest_durations_are_accepted(draft, minutes):
    form = LogForm(log_data(draft, duration_minutes=minutes), instance=draft)
    assert form.is_valid(), form.errors


def test_a_negative_duration_is_refused_with_a_message(draft):
    form = LogForm(log_data(draft, duration_minutes=-10), instance=draft)
    assert not form.is_valid()
    assert errors_of(form, "duration_minutes")


# When it happened ----------------------------------------------------------


def test_a_future_date_is_refused_when_finishing_a_draft(draft):
    data = log_data(draft, occurred_at=local(timezone.now() + timedelta(days=1)))
    form = LogForm(data, instance=draft, finishing=True)
    assert not form.is_valid()
    assert FUTURE_MESSAGE in errors_of(form, "occurred_at")


def test_a_future_date_is_refused_on_a_logged_conversation(rep):
    conversation = logged_conversation(rep)
    data = log_data(conversation, occurred_at=local(timezone.now() + timedelta(days=1)))
    form = LogForm(data, instance=conversation)
    assert not form.is_valid()
    assert FUTURE_MESSAGE in errors_of(form, "occurred_at")


def test_a_future_date_is_allowed_when_saving_a_draft_for_later(draft):
    data = log_data(draft, occurred_at=local(timezone.now() + timedelta(days=3)))
    form = LogForm(data, instance=draft, finishing=False)
    assert form.is_valid(), form.errors


def test_a_phone_clock_a_few_minutes_fast_is_not_the_future(draft):
    data = log_data(draft, occurred_at=local(timezone.now() + timedelta(minutes=4)))
    form = LogForm(data, instance=draft, finishing=True)
    assert form.is_valid(), form.errors


# Whose customer ------------------------------------------------------------


def test_the_log_form_refuses_a_customer_of_another_rep(draft, teammate):
    someone_elses = make_customer(teammate, "Bo Lindgren")
    form = LogForm(log_data(draft, customer=someone_elses.pk), instance=draft)
    assert not form.is_valid()
    assert form.errors["customer"] == ["Choose one of your own customers."]


def test_the_log_form_offers_only_the_reps_own_customers(draft, teammate):
    make_customer(teammate, "Bo Lindgren")
    own = make_customer(draft.rep, "Chen Wei")
    offered = set(LogForm(instance=draft).fields["customer"].queryset)
    assert offered == {draft.customer, own}


# Oversized text ------------------------------------------------------------


def test_oversized_purpose_gets_a_message(draft):
    form = LogForm(log_data(draft, purpose="x" * 301), instance=draft)
    assert not form.is_valid()
    assert "at most 300 characters (it has 301)" in errors_of(form, "purpose")


def test_oversized_customer_goals_get_a_message():
    form = CustomerForm({"name": "Amira Haddad", "goals": "x" * (TEXT_LIMIT + 1)})
    assert not form.is_valid()
    assert form.errors["goals"] == [OVERSIZED]


def test_oversized_pain_point_gets_a_message():
    form = PainPointForm({"description": "x" * (TEXT_LIMIT + 1), "urgency": "medium"})
    assert not form.is_valid()
    assert form.errors["description"] == [OVERSIZED]


def test_a_pain_point_at_the_limit_is_accepted():
    form = PainPointForm({"description": "x" * TEXT_LIMIT, "urgency": "medium"})
    assert form.is_valid(), form.errors


# The start form ------------------------------------------------------------


def start_data(**fields) -> dict:
    data = {
        "occurred_at": local(timezone.now() - timedelta(hours=1)),
        "channel": Conversation.Channel.PHONE,
        "kind": Conversation.Kind.REAL,
    }
    data.update(fields)
    return data


def test_starting_with_an_existing_customer_is_accepted(rep):
    customer = make_customer(rep)
    form = StartForm(start_data(customer=customer.pk), rep=rep)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["customer"] == customer


def test_starting_with_a_new_customer_name_is_accepted(rep):
    form = StartForm(start_data(new_customer_name="Chen Wei"), rep=rep)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["new_customer_name"] == "Chen Wei"


@pytest.mark.parametrize("new_name", ["", "   "])
def test_starting_needs_a_customer_or_a_new_name(rep, new_name):
    form = StartForm(start_data(new_customer_name=new_name), rep=rep)
    assert not form.is_valid()
    assert form.errors["customer"] == ["Choose the customer, or type the name of a new one."]


def test_starting_with_both_a_customer_and_a_new_name_is_refused(rep):
    customer = make_customer(rep)
    form = StartForm(start_data(customer=customer.pk, new_customer_name="Chen Wei"), rep=rep)
    assert not form.is_valid()
    assert form.errors["new_customer_name"] == [
        "Pick an existing customer or type a new one, not both."
    ]


def test_starting_with_another_reps_customer_gets_one_clear_message(rep, other_rep):
    someone_elses = make_customer(other_rep, "Bo Lindgren")
    form = StartForm(start_data(customer=someone_elses.pk), rep=rep)
    assert not form.is_valid()
    assert form.errors["customer"] == ["Choose one of your own customers."]


def test_logging_a_conversation_in_the_future_is_refused(rep):
    customer = make_customer(rep)
    data = start_data(customer=customer.pk, occurred_at=local(timezone.now() + timedelta(days=2)))
    form = StartForm(data, rep=rep)
    assert not form.is_valid()
    assert FUTURE_MESSAGE in " ".join(form.errors["occurred_at"])


def test_planning_a_conversation_in_the_future_is_fine(rep):
    customer = make_customer(rep)
    data = start_data(customer=customer.pk, occurred_at=local(timezone.now() + timedelta(days=2)))
    form = StartForm(data, rep=rep, planning=True)
    assert form.is_valid(), form.errors


def test_only_a_plan_asks_about_their_world_and_questions(rep):
    assert "plan_questions" not in StartForm(rep=rep).fields
    assert "plan_questions" in StartForm(rep=rep, planning=True).fields


def test_oversized_plan_questions_get_a_message(rep):
    customer = make_customer(rep)
    data = start_data(customer=customer.pk, plan_questions="x" * (TEXT_LIMIT + 1))
    form = StartForm(data, rep=rep, planning=True)
    assert not form.is_valid()
    assert form.errors["plan_questions"] == [OVERSIZED]


# Pain point and proposal forms ---------------------------------------------


@pytest.mark.parametrize("description", ["", "   ", "\n\t"])
def test_a_pain_point_needs_words(description):
    form = PainPointForm({"description": description, "urgency": PainPoint.Urgency.HIGH})
    assert not form.is_valid()
    assert form.errors["description"] == ["Write what the customer told you."]


def test_a_pain_point_is_cleaned_of_surrounding_space():
    form = PainPointForm({"description": "  Month-end is slow. ", "urgency": "high"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["description"] == "Month-end is slow."


@pytest.fixture
def heard(draft) -> PainPoint:
    return add_pain_point(draft, "Month-end takes nine days.")


def test_a_proposal_answering_a_pain_point_of_this_conversation_is_accepted(draft, heard):
    form = ProductTalkForm({"proposal": "A pilot.", "answers": [heard.pk]}, conversation=draft)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["answers"]) == [heard]


def test_a_proposal_answering_a_pain_point_of_another_conversation_is_refused(
    draft, heard, other_rep
):
    foreign = add_pain_point(start_conversation(other_rep), "Their CRM is a spreadsheet.")
    form = ProductTalkForm(
        {"proposal": "A pilot.", "answers": [heard.pk, foreign.pk]}, conversation=draft
    )
    assert not form.is_valid()
    assert form.errors["answers"] == [FOREIGN_PAIN_POINT]


def test_a_proposal_with_a_malformed_answer_id_gets_the_same_message(draft, heard):
    form = ProductTalkForm({"proposal": "A pilot.", "answers": ["abc"]}, conversation=draft)
    assert not form.is_valid()
    assert form.errors["answers"] == [FOREIGN_PAIN_POINT]


def test_a_proposal_must_answer_a_pain_point(draft, heard):
    form = ProductTalkForm({"proposal": "A pilot."}, conversation=draft)
    assert not form.is_valid()
    assert form.errors["answers"] == [MUST_ANSWER_A_PAIN_POINT]


def test_a_proposal_needs_words(draft, heard):
    form = ProductTalkForm({"proposal": "   ", "answers": [heard.pk]}, conversation=draft)
    assert not form.is_valid()
    assert form.errors["proposal"]


def test_a_proposal_offers_only_this_conversations_pain_points(draft, heard, rep):
    add_pain_point(start_conversation(rep), "Their CRM is a spreadsheet.")
    offered = list(ProductTalkForm(conversation=draft).fields["answers"].queryset)
    assert offered == [heard]


# Minutes to percent --------------------------------------------------------


def test_three_equal_parts_give_the_spare_point_to_one_of_them():
    assert to_percentages([1, 1, 1, 0]) == [34, 33, 33, 0]


def test_the_spare_points_go_to_the_largest_remainders():
    # 1/3 and 2/3: 33.3 and 66.7, so the second gets the spare point.
    assert to_percentages([1, 2]) == [33, 67]
    # 14.3, 28.6, 57.1 floor to 14, 28, 57: the one spare goes to 28.6.
    assert to_percentages([1, 2, 4]) == [14, 29, 57]
    # 50, 25, 16.7, 8.3: the spare point goes to the 16.7.
    assert to_percentages([30, 15, 10, 5]) == [50, 25, 17, 8]


def test_an_exact_split_is_left_alone():
    assert to_percentages([2, 1, 1, 0]) == [50, 25, 25, 0]
    assert to_percentages([7]) == [100]


@pytest.mark.parametrize(
    "minutes",
    [[1, 1, 1, 0], [1, 1, 1, 1, 1, 1], [13, 7, 3, 2], [479, 1, 0, 0], [1, 1, 1, 3], [33, 33, 34]],
)
def test_whole_percentages_always_add_up_to_100(minutes):
    percents = to_percentages(minutes)
    assert sum(percents) == 100
    assert all(percent >= 0 for percent in percents)
    for part, percent in zip(minutes, percents, strict=True):
        assert abs(percent - part * 100 / sum(minutes)) < 1
