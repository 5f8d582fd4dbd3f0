"""Versions on what people edit (salesheart/edits.py): only an edit moves one, a stale
edit is refused, and nothing else ever writes a version back."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from conversations import services
from conversations.models import Conversation, Customer, PainPoint
from salesheart.edits import EditConflict, EditTargetGone
from tests.factories import add_pain_point, logged_conversation, make_customer, start_conversation


def test_an_edit_moves_the_version_on_and_says_who_and_when(rep):
    customer = make_customer(rep)
    assert customer.version == 1
    customer.goals = "Close in five days."
    customer.save_edit(fields=["goals"], seen_version=1, by=rep)
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.version, stored.goals, stored.edited_by) == (2, "Close in five days.", rep)
    assert stored.edited_at is not None
    assert customer.version == 2


def test_an_edit_from_an_older_version_is_refused_and_writes_nothing(rep):
    customer = make_customer(rep)
    first, second = Customer.objects.get(pk=customer.pk), Customer.objects.get(pk=customer.pk)
    first.goals = "First"
    first.save_edit(fields=["goals"], seen_version=1, by=rep)
    second.goals = "Second"
    with pytest.raises(EditConflict) as refused:
        second.save_edit(fields=["goals"], seen_version=1, by=rep)
    assert refused.value.stored.version == 2
    assert refused.value.stored.goals == "First"
    assert Customer.objects.get(pk=customer.pk).goals == "First"


def test_an_edit_without_a_version_is_saved_over_the_last_one(rep):
    customer = make_customer(rep)
    customer.goals = "First"
    customer.save_edit(fields=["goals"], seen_version=1, by=rep)
    customer.goals = "Unversioned"
    customer.save_edit(fields=["goals"], seen_version=None, by=rep)
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.goals, stored.version) == ("Unversioned", 3)


def test_an_edit_of_a_deleted_conversation_finds_it_gone(rep):
    conversation = start_conversation(rep)
    services.conversation_delete(conversation=conversation)
    with pytest.raises(EditTargetGone):
        conversation.save_edit(fields=["notes"], seen_version=1, by=rep)


def test_an_edit_of_a_removed_pain_point_finds_it_gone(rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    stale = PainPoint.objects.get(pk=pain.pk)
    pain.delete()
    stale.description = "Still typing"
    with pytest.raises(EditTargetGone):
        stale.save_edit(fields=["description"], seen_version=1, by=rep)
    assert not PainPoint.objects.filter(pk=stale.pk).exists()


def test_a_whole_save_of_an_older_instance_never_writes_the_version_back(rep):
    customer = make_customer(rep)
    stale = Customer.objects.get(pk=customer.pk)
    customer.goals = "Edited"
    customer.save_edit(fields=["goals"], seen_version=1, by=rep)
    stale.notes = "Saved whole from an old copy"
    stale.save()
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.version, stored.edited_by) == (2, rep)


def test_bookkeeping_moves_no_version(rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation)
    services.tracking_save(
        conversation=conversation,
        run="run-1",
        segments=[{"kind": "customer", "start": 0, "end": 30}],
    )
    services.conversation_finish(conversation=Conversation.objects.get(pk=conversation.pk))
    Conversation.objects.filter(pk=conversation.pk).update(draft_data={"notes": "typed"})
    assert Conversation.objects.get(pk=conversation.pk).version == 1


def test_figures_refreshed_from_an_older_instance_leave_the_log_alone(rep):
    conversation = logged_conversation(rep)
    stale = Conversation.objects.get(pk=conversation.pk)
    conversation.next_step = "Saved in the other tab"
    conversation.save_edit(fields=["next_step"], seen_version=1, by=rep)
    services.pain_point_add(conversation=stale, description="Heard while the tab was open")
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.next_step == "Saved in the other tab"
    assert stored.pain_point_count == 2
    assert stored.version == 2


@pytest.mark.django_db(transaction=True)
def test_two_edits_at_the_same_moment_one_wins_one_is_told(rep):
    if connection.vendor != "postgresql":
        # The in-memory test database shares one cache between threads, where a second
        # writer fails at once ("table is locked") instead of waiting as on a file.
        pytest.skip("Two writers at once need PostgreSQL (or SQLite on a file).")
    customer = make_customer(rep)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(text: str) -> None:
        try:
            mine = Customer.objects.get(pk=customer.pk)
            mine.goals = text
            start.wait(timeout=10)
            mine.save_edit(fields=["goals"], seen_version=1, by=None)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("told")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(text,)) for text in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["saved", "told"]
    assert Customer.objects.get(pk=customer.pk).version == 2
