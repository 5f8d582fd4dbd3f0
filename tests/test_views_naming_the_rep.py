"""Pages about a rep's talk say "you" to the rep and name the rep to anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation
from reflections import services as reflection_services
from reflections.models import Assignment, Exercise
from salesheart.models import User
from tests.factories import start_conversation

# What the page says to the rep herself, and what it says about her to anyone else.
TO_THE_REP = [
    "What they told you",
    "<dt>You asking</dt>",
    "<dt>You on the product</dt>",
    "<dt>You, other</dt>",
    "Customer above, you below",
    '<span class="swatch seg-question"></span>You asking',
]
ABOUT_RITA = [
    "What they told Rita",
    "<dt>Rita asking</dt>",
    "<dt>Rita on the product</dt>",
    "<dt>Rita, other</dt>",
    "Customer above, Rita below",
    '<span class="swatch seg-question"></span>Rita asking',
]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def tracked(rep) -> Conversation:
    conversation = start_conversation(rep, occurred_at=timezone.now() - timedelta(days=1))
    services.tracking_save(
        conversation=conversation,
        run="named",
        segments=[
            {"kind": "customer", "start": 0, "end": 60},
            {"kind": "question", "start": 60, "end": 80},
            {"kind": "pitch", "start": 80, "end": 120},
            {"kind": "other", "start": 120, "end": 130},
        ],
        pain_points=[{"at": 30, "note": "Month-end takes nine days"}],
    )
    return services.conversation_finish(conversation=conversation)


def given_as_training(conversation: Conversation, trainer: User) -> None:
    reflection_services.exercise_assign(
        trainer=trainer,
        exercise=Exercise.objects.get(title="Walk in their shoes"),
        reps=[conversation.rep],
        due_on=timezone.localdate() + timedelta(days=3),
    )
    Assignment.objects.filter(rep=conversation.rep).update(conversation=conversation)


def test_the_rep_reads_her_own_conversation_as_you(client, rep, tracked):
    html = signed_in(client, rep).get(tracked.get_absolute_url()).content.decode()
    for words in TO_THE_REP:
        assert words in html
    for words in ABOUT_RITA:
        assert words not in html


@pytest.mark.parametrize("persona", ["manager", "trainer"])
def test_a_manager_or_trainer_reads_the_conversation_about_rita(request, client, tracked, persona):
    reader = request.getfixturevalue(persona)
    if persona == "trainer":
        given_as_training(tracked, reader)
    html = signed_in(client, reader).get(tracked.get_absolute_url()).content.decode()
    for words in ABOUT_RITA:
        assert words in html
    for words in TO_THE_REP:
        assert words not in html


def test_the_rep_dashboard_says_how_you_listen_to_the_rep(client, rep, tracked):
    html = signed_in(client, rep).get(reverse("conversations:dashboard")).content.decode()
    assert "How you listen" in html
    assert "How Rita listens" not in html


def test_the_managers_drill_down_says_how_rita_listens(client, manager, rep, tracked):
    tracked.estimate_customer, tracked.estimate_asking = 80, 10
    tracked.estimate_pitching, tracked.estimate_other = 5, 5
    tracked.save()
    url = reverse("conversations:rep_dashboard_for_manager", args=[rep.pk])
    html = signed_in(client, manager).get(url).content.decode()
    assert "How Rita listens" in html
    assert "Rita&#x27;s estimate against what was measured" in html
    assert "Rita both estimated the split and measured it" in html
    assert "How you listen" not in html
    assert "Your estimate" not in html
