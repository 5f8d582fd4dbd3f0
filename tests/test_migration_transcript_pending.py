"""The migration that lets a new upload wait beside the transcript in use."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# Every app at the state the migration was written against: a later migration of
# another app (the teams' time zones) would otherwise leave columns the old models
# know nothing of.
BEFORE = [
    ("conversations", "0007_person_deletion_takes_everything"),
    ("salesheart", "0002_submission_tokens"),
]
AFTER = [("conversations", "0009_transcript_in_use_or_pending")]


@pytest.fixture
def migrations_restored(transactional_db):
    """Whatever happens in the test, the database ends at the latest migrations again,
    so no test after it runs on old tables."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_sellers_were_never_chosen_becomes_a_waiting_one(migrations_restored):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Team = apps.get_model("salesheart", "Team")
    User = apps.get_model("salesheart", "User")
    Customer = apps.get_model("conversations", "Customer")
    Conversation = apps.get_model("conversations", "Conversation")
    Transcript = apps.get_model("conversations", "Transcript")
    rep = User.objects.create(username="rita", team=Team.objects.create(name="North"))
    customer = Customer.objects.create(rep=rep, name="Sam Patel")
    waiting, used = (
        Conversation.objects.create(rep=rep, customer=customer, occurred_at=timezone.now())
        for _ in range(2)
    )
    Transcript.objects.create(conversation=waiting, format="plain", raw_text="A: x\nB: y")
    Transcript.objects.create(
        conversation=used, format="plain", raw_text="A: x\nB: y", analysed_at=timezone.now()
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Transcript = executor.loader.project_state(AFTER).apps.get_model("conversations", "Transcript")

    assert list(
        Transcript.objects.order_by("pk").values_list("conversation_id", "pending_for_id")
    ) == [
        (None, waiting.pk),
        (used.pk, None),
    ]
