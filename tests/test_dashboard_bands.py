"""The anchored figures on the dashboards: pooled by the database, read against the band
of each kind of call."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import dashboards, services
from conversations.dashboards import Period
from conversations.models import Conversation
from tests.factories import logged_conversation, start_conversation

DASHBOARD = reverse("conversations:dashboard")
TEAM = reverse("conversations:team_dashboard")
DEMO = Conversation.CallType.DEMO
DISCOVERY = Conversation.CallType.DISCOVERY


def ago(days: float):
    return timezone.now() - timedelta(days=days)


def seg(kind: str, start: float, end: float) -> dict:
    return {"kind": kind, "start": start, "end": end}


def tracked(rep, segments, **fields) -> Conversation:
    conversation = start_conversation(rep, occurred_at=ago(2), **fields)
    services.tracking_save(
        conversation=conversation,
        run=f"run-{conversation.pk}",
        segments=segments,
        pain_points=[{"at": 5, "note": "Month-end takes nine days"}],
    )
    return services.conversation_finish(conversation=conversation)


VTT = """WEBVTT

00:00:00.000 --> 00:00:10.000
Rep Person: What does month-end look like?

00:00:10.000 --> 00:01:10.000
Amira Haddad: Nine days of reconciling.

00:01:{answer} --> 00:01:30.000
Rep Person: What does that cost you?

00:01:30.000 --> 00:02:00.000
Amira Haddad: The board waits for numbers.
"""


def transcribed(rep, answer_at: str) -> Conversation:
    """A timed transcript where the rep answers the customer once, at 1:<answer_at>."""
    conversation = start_conversation(rep, occurred_at=ago(2))
    transcript = services.transcript_add(
        conversation=conversation, text=VTT.replace("{answer}", answer_at)
    )
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rep Person"])
    conversation.refresh_from_db()
    services.segment_mark_pain(segment=conversation.segments.filter(kind="customer").first())
    return services.conversation_finish(conversation=conversation)


@pytest.fixture
def calls(rep) -> dict[str, Conversation]:
    """Two tracked discovery calls and one tracked demo.

    Discovery 1: customer 0-100, question 100-110, customer 110-200, pitch 200-350:
      350 s of talk, 1 question, monologue 150 (the pitch), story 100.
    Discovery 2: customer 0-300, question 300-330: 330 s, 1 question, monologue 30, story 300.
    Demo: pitch 0-200, customer 200-260: monologue 200, story 60, 0 questions.
    """
    return {
        "d1": tracked(
            rep,
            [
                seg("customer", 0, 100),
                seg("question", 100, 110),
                seg("customer", 110, 200),
                seg("pitch", 200, 350),
            ],
        ),  # fmt: skip
        "d2": tracked(rep, [seg("customer", 0, 300), seg("question", 300, 330)]),
        "demo": tracked(rep, [seg("pitch", 0, 200), seg("customer", 200, 260)], call_type=DEMO),
    }


def test_longest_monologues_and_stories_average_over_conversations(calls):
    per_kind = dashboards.summary_per_call_type(
        dashboards.in_period(Conversation.objects.all(), Period.last_days(30))
    )

    discovery = per_kind[DISCOVERY]
    assert discovery.conversations == 2
    assert discovery.monologue == pytest.approx((150 + 30) / 2)
    assert discovery.story == pytest.approx((100 + 300) / 2)
    # 2 questions in 680 s of talk.
    assert discovery.question_rate == pytest.approx(2 * 3600 / 680)
    assert discovery.talk_share == pytest.approx(1 - 490 / 680)
    assert per_kind[DEMO].monologue == 200
    assert dashboards.total(per_kind.values()).conversations == 3


def test_patience_pools_every_timed_pause(rep):
    transcribed(rep, "11.000")  # the rep answers 1 s after the customer stops
    transcribed(rep, "14.000")  # 4 s

    summary = dashboards.summary(
        dashboards.in_period(Conversation.objects.all(), Period.last_days(30))
    )

    assert summary.patience == pytest.approx(2.5)
    assert summary.patience_known == 2


def test_the_kind_of_call_filter_keeps_only_that_kind(calls):
    demo_only = dashboards.in_period(
        Conversation.objects.all(), Period.last_days(30), call_type=DEMO
    )

    assert list(demo_only) == [calls["demo"]]


def test_the_rep_dashboard_reads_each_kind_of_call_against_its_own_bands(client, rep, calls):
    client.force_login(rep)

    html = client.get(DASHBOARD).content.decode()

    assert "Against the bands, by kind of call" in html
    assert "Discovery calls" in html and "Demo calls" in html
    demo = re.search(r'id="band-demo-monologue">(.*?)</li>', html, re.S).group(1)
    assert "3 min 20 s" in demo
    assert "Band at most 2 min 30 s: <strong>above the band</strong>" in demo
    story = re.search(r'id="band-discovery-story">(.*?)</li>', html, re.S).group(1)
    assert "Band at least 4 min 00 s: <strong>below the band</strong>" in story
    assert "Measured: 2 tracked or transcript calls" in story


def test_a_kind_of_call_filter_shows_only_that_kinds_bands(client, rep, calls):
    client.force_login(rep)

    html = client.get(DASHBOARD, {"call": DEMO}).content.decode()

    assert "Demo calls" in html
    assert "Discovery calls" not in html


def test_the_team_table_shows_positions_once_a_kind_of_call_is_chosen(client, manager, rep, calls):
    client.force_login(manager)

    mixed = client.get(TEAM).content.decode()
    chosen = client.get(TEAM, {"call": DISCOVERY}).content.decode()

    assert "Bands differ per kind of call: choose one" in mixed
    assert '<span class="meta">above the band</span>' not in mixed
    assert '<span class="meta">below the band</span>' not in mixed
    assert "Each figure against the team's bands for discovery calls." in chosen
    # Discovery story average 200 s against "at least 240 s".
    assert (
        '<span class="badge low">3 min 20 s</span> <span class="meta">below the band</span>'
        in chosen
    )


def test_an_estimated_log_counts_in_listening_but_not_in_the_timeline_figures(client, rep):
    logged_conversation(rep, occurred_at=ago(2), split=(55, 20, 15, 10))
    client.force_login(rep)

    html = client.get(DASHBOARD).content.decode()

    monologue = re.search(r'id="band-discovery-monologue">(.*?)</li>', html, re.S).group(1)
    assert "not measured" in monologue
    listening = re.search(r'id="band-discovery-listening">(.*?)</li>', html, re.S).group(1)
    assert "55 %" in listening and "in the band" in listening
