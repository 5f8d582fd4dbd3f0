from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection

from conversations.dashboards import Summary, total
from conversations.models import Conversation, TalkSegment, week_of
from tests.factories import start_conversation

LONDON = ZoneInfo("Europe/London")


def test_the_week_is_the_local_monday():
    assert week_of(datetime(2026, 11, 26, 15, 0, tzinfo=LONDON)) == date(2026, 11, 23)
    # Sunday 23:30 in London is still that Sunday's week, whatever UTC says.
    assert week_of(datetime(2026, 7, 12, 23, 30, tzinfo=LONDON)) == date(2026, 7, 6)
    assert week_of(None) is None


def test_saving_keeps_the_week_in_step_with_the_date(rep):
    conversation = start_conversation(rep, occurred_at=datetime(2026, 3, 4, 10, tzinfo=LONDON))
    assert conversation.occurred_week == date(2026, 3, 2)
    conversation.occurred_at = datetime(2026, 3, 12, 10, tzinfo=LONDON)
    conversation.save(update_fields=["occurred_at"])
    assert Conversation.objects.get(pk=conversation.pk).occurred_week == date(2026, 3, 9)


def test_summaries_add_up_to_the_pooled_figures():
    short = Summary(conversations=1, with_figures=1, customer_talk=60, rep_pitch=540)
    long = Summary(
        conversations=1, with_figures=1, customer_talk=2400, rep_question=1200,
        pain_points_total=3, questions_total=8, questions_known=1,
    )  # fmt: skip
    both = total([short, long])
    assert both.conversations == 2
    assert both.listening_ratio == (60 + 2400) / (600 + 3600)
    assert both.pain_points == 1.5
    assert both.questions == 8
    assert total([]).listening_ratio is None


def test_timeline_lines_carry_one_index_besides_their_key_and_the_marked_ones(db):
    # Each of an hour's 1,500 lines is written into every index of the table: the
    # (conversation, start) index serves lookups by conversation, and only the few lines
    # marked as pain points are indexed by it (migration 0018, on either database).
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TalkSegment._meta.db_table)
    indexes = {
        name: tuple(found[name]["columns"])
        for name in found
        if found[name]["index"] and not found[name]["primary_key"]
    }
    assert sorted(indexes.values()) == [("conversation_id", "start"), ("pain_point_id",)]
    assert indexes["talksegment_marked_pain"] == ("pain_point_id",)
