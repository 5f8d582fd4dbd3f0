from __future__ import annotations

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import CoachingNote, Conversation
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
    client, rep, count, django_assert_num_queries
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
    # The detail page's count (test_views_conversation_detail.py says what it reads).
    with django_assert_num_queries(10):
        client.get(reverse("conversations:detail", args=[conversation.pk]))


def test_a_merged_bar_is_labelled_with_its_whole_span(rep):
    conversation = start_conversation(rep)
    slivers = [{"kind": "customer", "start": i, "end": i + 1} for i in range(600)]
    services.tracking_save(conversation=conversation, run="r", segments=slivers)
    assert draw(conversation).bars[0].label == "Customer talking 0:00–10:00"


def note(conversation: Conversation, author, text: str, at: float | None) -> CoachingNote:
    return CoachingNote.objects.create(
        conversation=conversation, author=author, text=text, at_seconds=at
    )


def test_coaching_notes_pinned_to_a_moment_are_drawn_in_time_order(tracked, manager):
    later = note(tracked, manager, "Good pause here.", 150)
    earlier = note(tracked, manager, "Ask what it costs them.", 20)
    note(tracked, manager, "Overall: well listened.", None)

    timeline = build_timeline(
        tracked,
        list(tracked.segments.all()),
        list(tracked.pain_points.all()),
        list(tracked.coaching_notes.all()),
    )

    assert [(m.x, m.at, m.anchor) for m in timeline.note_markers] == [
        (100, "0:20", f"note-{earlier.pk}"),
        (750, "2:30", f"note-{later.pk}"),
    ]
    assert timeline.note_markers[0].label == (
        "Coaching note at 0:20 by Mara Jensen: Ask what it costs them."
    )
    assert "2 coaching notes pinned to a moment." in timeline.summary


def test_a_note_beyond_a_shorter_timeline_saved_since_stays_at_its_end(tracked, manager):
    note(tracked, manager, "The close.", 500)
    timeline = build_timeline(
        tracked, list(tracked.segments.all()), [], list(tracked.coaching_notes.all())
    )
    assert timeline.note_markers[0].x == 1000
    assert timeline.note_markers[0].at == "8:20"


@pytest.mark.parametrize("reader", ["rep", "manager"])
def test_the_page_draws_each_pinned_note_with_its_text_and_a_link_to_it(
    request, client, tracked, manager, reader
):
    pinned = note(tracked, manager, "Ask what it costs them.", 20)
    client.force_login(request.getfixturevalue(reader))
    html = client.get(reverse("conversations:detail", args=[tracked.pk])).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert f'<a href="#note-{pinned.pk}" tabindex="-1" class="note-marker">' in svg
    assert "<title>Coaching note at 0:20 by Mara Jensen: Ask what it costs them.</title>" in svg
    listed = html[html.index('<ol class="timeline-notes"') :]
    assert f'<a href="#note-{pinned.pk}"><strong>0:20</strong> Mara Jensen</a>' in listed
    assert f'<li id="note-{pinned.pk}" tabindex="-1">' in html
