from __future__ import annotations

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import Conversation
from conversations.timeline import build_timeline, clock
from tests.factories import start_conversation

TIMELINE = [
    {"kind": "customer", "start": 0, "end": 100},
    {"kind": "question", "start": 100, "end": 150},
    {"kind": "pitch", "start": 150, "end": 200},
]


@pytest.fixture
def tracked(rep) -> Conversation:
    conversation = start_conversation(rep)
    services.tracking_save(
        conversation=conversation,
        run="r",
        segments=TIMELINE,
        pain_points=[{"at": 40, "note": "Too slow"}],
    )
    conversation.refresh_from_db()
    return conversation


def draw(conversation: Conversation):
    return build_timeline(
        conversation, list(conversation.segments.all()), list(conversation.pain_points.all())
    )


def test_bars_are_placed_in_proportion_on_their_row(tracked):
    timeline = draw(tracked)
    customer, question, pitch = timeline.bars
    assert (customer.x, customer.width, customer.y) == (0, 500, timeline.customer_y)
    assert (question.x, question.width, question.y) == (500, 250, timeline.rep_y)
    assert pitch.x == 750


def test_the_first_pain_point_and_the_first_pitch_are_called_out(tracked):
    timeline = draw(tracked)
    assert timeline.first_pain.x == 200
    assert timeline.first_pain.label == "First pain point 0:40"
    assert timeline.first_pitch.label == "First pitch 2:30"
    assert "The customer talked 50 %" in timeline.summary


def test_many_slivers_of_one_kind_are_drawn_as_one_bar(rep):
    conversation = start_conversation(rep)
    slivers = [{"kind": "customer", "start": i, "end": i + 1} for i in range(600)]
    services.tracking_save(conversation=conversation, run="r", segments=slivers)
    assert len(draw(conversation).bars) == 1


def test_no_segments_means_no_timeline(rep):
    assert draw(start_conversation(rep)) is None


def test_clock_reads_minutes_and_seconds():
    assert clock(0) == "0:00"
    assert clock(125.4) == "2:05"


def test_the_conversation_page_draws_the_timeline_with_its_words(client, rep, tracked):
    client.force_login(rep)
    html = client.get(reverse("conversations:detail", args=[tracked.pk])).content.decode()
    assert '<svg viewBox="0 0 1000' in html
    assert 'class="seg seg-pitch"' in html
    assert "First pitch 2:30." in html
    assert "Tracked" in html


@pytest.mark.parametrize("count", [10, 1500])
def test_the_page_needs_the_same_queries_for_a_long_timeline(
    client, rep, count, django_assert_max_num_queries
):
    conversation = start_conversation(rep)
    services.tracking_save(
        conversation=conversation,
        run="r",
        segments=[
            {"kind": "customer" if i % 2 else "question", "start": i * 2, "end": i * 2 + 2}
            for i in range(count)
        ],
    )
    client.force_login(rep)
    with django_assert_max_num_queries(14):
        client.get(reverse("conversations:detail", args=[conversation.pk]))


def test_a_merged_bar_is_labelled_with_its_whole_span(rep):
    conversation = start_conversation(rep)
    slivers = [{"kind": "customer", "start": i, "end": i + 1} for i in range(600)]
    services.tracking_save(conversation=conversation, run="r", segments=slivers)
    assert draw(conversation).bars[0].label == "Customer talking 0:00–10:00"
