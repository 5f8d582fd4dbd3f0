"""Migration 0012 makes stored figures honest: old estimates and old "(no note)" words."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from conversations import services
from conversations.models import CoachingNote, Conversation, PainPoint
from tests.factories import logged_conversation, start_conversation

migration = import_module("conversations.migrations.0012_honest_figures")


def test_old_estimates_lose_their_diagnosed_first_and_measured_ones_keep_it(rep):
    estimate = logged_conversation(rep)
    Conversation.objects.filter(pk=estimate.pk).update(diagnosed_first=True)
    tracked = start_conversation(rep)
    services.tracking_save(
        conversation=tracked,
        run="kept",
        segments=[{"kind": "customer", "start": 0, "end": 60}],
        pain_points=[{"at": 10, "note": "Audits take weeks"}],
    )

    migration.make_figures_honest(apps, None)

    estimate.refresh_from_db()
    tracked.refresh_from_db()
    assert estimate.diagnosed_first is None
    assert tracked.diagnosed_first is True


def test_words_the_app_made_up_are_emptied_and_the_customers_own_are_kept(rep, manager):
    conversation = start_conversation(rep)
    made_up = PainPoint.objects.create(
        conversation=conversation, description="Pain point heard at 1:20 (no note)", heard_at=80
    )
    line = PainPoint.objects.create(
        conversation=conversation, description="Pain point at 12 s", heard_at=12
    )
    theirs = PainPoint.objects.create(
        conversation=conversation, description="Pain point heard at 1:20 (no note), really"
    )
    note = CoachingNote.objects.create(conversation=conversation, author=manager, text="Old.")

    migration.make_figures_honest(apps, None)

    assert PainPoint.objects.get(pk=made_up.pk).description == ""
    assert PainPoint.objects.get(pk=line.pk).description == ""
    assert PainPoint.objects.get(pk=theirs.pk).description.endswith("really")
    note.refresh_from_db()
    assert note.seen_at == note.created_at
