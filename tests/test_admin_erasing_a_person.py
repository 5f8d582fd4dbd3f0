"""An admin can remove a person and everything of theirs; a customer alone stays protected."""

from __future__ import annotations

import pytest
from django.db.models import RestrictedError
from django.urls import reverse

from conversations import services
from conversations.models import (
    CoachingNote,
    Conversation,
    Customer,
    PainPoint,
    TalkSegment,
    Transcript,
)
from reflections.models import Assignment, Reflection, State
from salesheart.models import User
from tests.factories import logged_conversation, make_customer
from tests.reflections_factories import assign_one, make_exercise, reach

TRANSCRIPT = "[00:00] Rita: What happens at month-end?\n[00:05] Amira: It takes nine days."


@pytest.fixture
def rita_with_everything(rep, teammate, manager, trainer):
    conversation = logged_conversation(rep, make_customer(rep, "Amira Haddad"))
    services.transcript_analyse(
        transcript=services.transcript_add(conversation=conversation, text=TRANSCRIPT),
        rep_speakers=["Rita"],
    )
    CoachingNote.objects.create(conversation=conversation, author=manager, text="Good question.")
    reach(assign_one(make_exercise(created_by=trainer), trainer, rep), State.SUBMITTED)
    logged_conversation(teammate, make_customer(teammate, "Bruno Keller"))
    return conversation


def test_deleting_a_rep_in_the_admin_removes_everything_of_theirs(
    client, staff, rep, teammate, manager, rita_with_everything
):
    client.force_login(staff)
    url = reverse("admin:salesheart_user_delete", args=[rep.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Amira Haddad" in confirm.content.decode()

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=rep.pk).exists()
    for model in (Customer, Conversation, Assignment):
        assert not model.objects.filter(rep_id=rep.pk).exists(), model
    for model in (PainPoint, TalkSegment, Transcript, CoachingNote):
        assert not model.objects.filter(conversation_id=rita_with_everything.pk).exists(), model
    assert not Reflection.objects.filter(assignment__rep_id=rep.pk).exists()
    # Nobody else's things go with her.
    assert Customer.objects.filter(rep=teammate).count() == 1
    assert Conversation.objects.filter(rep=teammate).count() == 1
    assert User.objects.filter(pk=manager.pk).exists()


def test_a_customer_with_conversations_cannot_be_deleted_on_its_own(rep):
    conversation = logged_conversation(rep)
    with pytest.raises(RestrictedError):
        conversation.customer.delete()
    assert Conversation.objects.filter(pk=conversation.pk).exists()
