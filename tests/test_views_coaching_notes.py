"""Coaching notes: the rep's manager leaves one, optionally at a moment; the rep reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import CoachingNote, Conversation
from salesheart.models import User
from tests.factories import logged_conversation, make_customer, start_conversation

# The detail page's exact count (test_views_conversation_detail.py asserts it at two sizes).
DETAIL_QUERIES = 12

NOTE = "Ask what the nine days cost them before the checklist."


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def note_url(conversation: Conversation) -> str:
    return reverse("conversations:coaching_note_add", args=[conversation.pk])


@pytest.fixture
def conversation(rep) -> Conversation:
    """A hand-logged conversation: no timeline, so any moment is allowed."""
    return logged_conversation(
        rep, make_customer(rep, "Amira Haddad"), occurred_at=timezone.now() - timedelta(days=2)
    )


@pytest.fixture
def tracked(rep) -> Conversation:
    """A conversation measured with the live tracker: ten minutes long."""
    conversation = start_conversation(rep, occurred_at=timezone.now() - timedelta(days=1))
    conversation = services.tracking_save(
        conversation=conversation,
        run="ten-minutes",
        segments=[
            {"kind": "customer", "start": 0, "end": 400},
            {"kind": "pitch", "start": 400, "end": 600},
        ],
        pain_points=[{"at": 120, "note": "Month-end takes nine days"}],
    )
    return services.conversation_finish(conversation=conversation)


def test_the_reps_manager_leaves_a_note_without_a_moment(client, manager, conversation):
    response = signed_in(client, manager).post(note_url(conversation), {"text": NOTE})

    assert response.status_code == 302
    assert response["Location"] == f"{conversation.get_absolute_url()}#notes"
    note = CoachingNote.objects.get()
    assert (note.conversation, note.author, note.text) == (conversation, manager, NOTE)
    assert note.at_seconds is None


def test_a_note_pinned_to_four_thirty_is_at_two_hundred_and_seventy_seconds(
    client, manager, conversation
):
    signed_in(client, manager).post(note_url(conversation), {"text": NOTE, "moment": "4:30"})

    assert CoachingNote.objects.get().at_seconds == 270


@pytest.mark.parametrize(("moment", "seconds"), [("0:05", 5), ("10:00", 600), (" 2:00 ", 120)])
def test_a_moment_within_the_tracked_conversation_is_accepted(
    client, manager, tracked, moment, seconds
):
    response = signed_in(client, manager).post(note_url(tracked), {"text": NOTE, "moment": moment})

    assert response.status_code == 302
    assert CoachingNote.objects.get().at_seconds == seconds


def test_the_manager_is_told_the_rep_will_see_the_note(client, manager, conversation):
    response = signed_in(client, manager).post(note_url(conversation), {"text": NOTE}, follow=True)

    assert "Note saved; Rita Osei will see it." in response.content.decode()
    assert NOTE in response.content.decode()


def test_the_rep_reads_the_note_on_the_conversation_page(client, manager, rep, conversation):
    signed_in(client, manager).post(note_url(conversation), {"text": NOTE, "moment": "4:30"})

    page = signed_in(client, rep).get(conversation.get_absolute_url()).content.decode()

    assert NOTE in page
    assert "Mara Jensen," in page
    assert "· at 4 min 30 s" in page
    assert "No coaching notes yet." not in page


def test_the_rep_reads_the_note_on_their_dashboard(client, manager, rep, conversation):
    signed_in(client, manager).post(note_url(conversation), {"text": NOTE, "moment": "4:30"})

    page = signed_in(client, rep).get(reverse("conversations:dashboard")).content.decode()

    assert NOTE in page
    assert "Mara Jensen on" in page
    assert "at 4 min 30 s" in page


def test_the_manager_sees_the_note_form_and_the_rep_does_not(client, manager, rep, conversation):
    as_manager = signed_in(client, manager).get(conversation.get_absolute_url()).content.decode()
    as_rep = signed_in(client, rep).get(conversation.get_absolute_url()).content.decode()

    assert f'action="{note_url(conversation)}"' in as_manager
    assert "Leave the note" in as_manager
    assert f'action="{note_url(conversation)}"' not in as_rep
    assert "No coaching notes yet." in as_rep


def test_a_moment_after_the_end_of_the_tracked_conversation_is_refused(client, manager, tracked):
    response = signed_in(client, manager).post(note_url(tracked), {"text": NOTE, "moment": "10:01"})

    assert response.status_code == 200
    assert "That moment is outside the conversation." in response.content.decode()
    assert NOTE in response.content.decode()
    assert not CoachingNote.objects.exists()


@pytest.mark.parametrize("moment", ["abc", "4:xx", "1:2:3", "4.5"])
def test_a_malformed_moment_is_refused_with_an_example(client, manager, conversation, moment):
    response = signed_in(client, manager).post(
        note_url(conversation), {"text": NOTE, "moment": moment}
    )

    assert response.status_code == 200
    assert "Write the moment as minutes:seconds, like 4:30." in response.content.decode()
    assert not CoachingNote.objects.exists()


def test_a_negative_moment_is_outside_the_conversation(client, manager, conversation):
    response = signed_in(client, manager).post(
        note_url(conversation), {"text": NOTE, "moment": "-1:00"}
    )

    assert "That moment is outside the conversation." in response.content.decode()
    assert not CoachingNote.objects.exists()


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_note_asks_for_the_note(client, manager, conversation, text):
    response = signed_in(client, manager).post(note_url(conversation), {"text": text})

    assert response.status_code == 200
    assert "Write the note." in response.content.decode()
    assert not CoachingNote.objects.exists()


def test_the_rep_cannot_leave_a_note_on_their_own_conversation(client, rep, conversation):
    response = signed_in(client, rep).post(note_url(conversation), {"text": NOTE})

    assert response.status_code == 403
    assert not CoachingNote.objects.exists()


@pytest.mark.parametrize("persona", ["teammate", "other_manager", "other_rep", "trainer", "staff"])
def test_people_who_cannot_see_the_conversation_cannot_leave_a_note(
    client, request, conversation, persona
):
    user = request.getfixturevalue(persona)

    response = signed_in(client, user).post(note_url(conversation), {"text": NOTE})

    assert response.status_code == 404
    assert not CoachingNote.objects.exists()


def test_a_manager_who_also_sells_in_the_team_cannot_coach_their_own_conversation(
    client, manager, team
):
    manager.team = team
    manager.save()
    own = logged_conversation(manager, occurred_at=timezone.now() - timedelta(days=1))

    response = signed_in(client, manager).post(note_url(own), {"text": NOTE})

    assert response.status_code == 403
    assert not CoachingNote.objects.exists()


def test_a_deleted_conversation_takes_no_notes(client, manager, conversation):
    services.conversation_delete(conversation=conversation)

    response = signed_in(client, manager).post(note_url(conversation), {"text": NOTE})

    assert response.status_code == 404
    assert not CoachingNote.objects.exists()


def test_notes_are_only_posted(client, manager, conversation):
    response = signed_in(client, manager).get(note_url(conversation))

    assert response.status_code == 405


def test_a_trainer_reads_and_notes_a_conversation_tied_to_their_assignment(client, rep, trainer):
    from datetime import timedelta

    from django.utils import timezone

    from conversations.models import Conversation
    from reflections import services as reflection_services
    from reflections.models import Assignment, Exercise
    from tests.factories import logged_conversation

    conversation = logged_conversation(rep)
    other = logged_conversation(rep)
    reflection_services.exercise_assign(
        trainer=trainer,
        exercise=Exercise.objects.get(title="Walk in their shoes"),
        reps=[rep],
        due_on=timezone.localdate() + timedelta(days=3),
    )
    # The rep ties her conversation to the assignment as she writes, not yet a word in.
    reflection_services.reflection_save_draft(
        reflection=Assignment.objects.get(rep=rep).reflection, text="", conversation=conversation
    )
    client.force_login(trainer)
    assert client.get(conversation.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    client.post(
        reverse("conversations:coaching_note_add", args=[conversation.pk]),
        {"text": "Good questions early on."},
    )
    assert conversation.coaching_notes.get().author == trainer
    assert client.get(reverse("conversations:log", args=[conversation.pk])).status_code == 403
    assert Conversation.objects.visible_to(trainer).count() == 1


def test_the_reps_list_flags_a_note_she_has_not_read_until_she_opens_it(
    client, manager, rep, conversation
):
    signed_in(client, manager).post(note_url(conversation), {"text": NOTE})
    # The manager reading the page again does not count as the rep having read it.
    client.get(conversation.get_absolute_url())
    assert CoachingNote.objects.get().seen_at is None

    signed_in(client, rep)
    listing = client.get(reverse("conversations:list")).content.decode()
    assert f'href="{conversation.get_absolute_url()}#notes">New coaching note' in listing
    assert '<span class="badge warn">New</span>' in (
        client.get(reverse("conversations:dashboard")).content.decode()
    )

    page = client.get(conversation.get_absolute_url()).content.decode()
    assert f'<span class="badge warn">New</span> {NOTE}' in page
    assert CoachingNote.objects.get().seen_at is not None
    assert "New coaching note" not in client.get(reverse("conversations:list")).content.decode()
    again = client.get(conversation.get_absolute_url()).content.decode()
    assert '<span class="badge warn">New</span>' not in again


def test_only_conversations_with_an_unread_note_are_flagged(client, manager, rep, conversation):
    read = logged_conversation(rep, make_customer(rep, "Ben Carter"))
    CoachingNote.objects.create(
        conversation=read, author=manager, text="Read already.", seen_at=timezone.now()
    )
    CoachingNote.objects.create(conversation=conversation, author=manager, text=NOTE)

    listing = signed_in(client, rep).get(reverse("conversations:list")).content.decode()

    assert listing.count("New coaching note<span") == 1
    assert f'href="{conversation.get_absolute_url()}#notes">New coaching note' in listing


@pytest.mark.parametrize("notes", [1, 10])
def test_marking_notes_read_costs_one_update_and_only_on_the_first_visit(
    client, manager, rep, conversation, django_assert_num_queries, notes
):
    for number in range(notes):
        CoachingNote.objects.create(conversation=conversation, author=manager, text=f"{number}.")
    signed_in(client, rep)
    client.get(conversation.get_absolute_url())  # sign-in leftovers out of the way
    CoachingNote.objects.update(seen_at=None)

    # The detail page as it always is, and one UPDATE for all the unread notes at once,
    # with the rep's new stamp (their kept list shows the notes as new), in one transaction
    # (savepoint and release, in a test).
    with django_assert_num_queries(DETAIL_QUERIES + 4) as first:
        client.get(conversation.get_absolute_url())
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(conversation.get_absolute_url())

    updates = [q["sql"] for q in first.captured_queries if q["sql"].startswith("UPDATE")]
    assert len([sql for sql in updates if '"conversations_coachingnote"' in sql]) == 1
    assert not CoachingNote.objects.filter(seen_at=None).exists()
