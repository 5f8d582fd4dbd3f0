"""Your data: everyone can take away everything they put in, and nothing of anyone else's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import CoachingNote, Conversation
from reflections.models import State
from salesheart.compose import export
from tests.factories import logged_conversation, make_customer, start_conversation
from tests.reflections_factories import assign_one, make_exercise, reach

ZOOM = Path(__file__).parent / "fixtures" / "transcripts" / "zoom.vtt"
SELLERS = ["Rita Osei", "Tom Reyes"]
# Session and user, the person's team and roles, customers, the conversation ids, one batch
# (conversations, pain points, proposals, their answers, lines, transcripts, notes, note
# authors), the assignments (assignments, reflections, reviews, exercises, givers), what the
# person wrote (notes, reviews, exercises): the same for 3 or 30. The session is not
# saved: it is renewed at most hourly (salesheart/sessions.py).
EXPORT_QUERIES = 18


def download(client) -> tuple[Any, dict[str, Any]]:
    response = client.get(reverse("my_data_export"))
    body = b"".join(response.streaming_content)
    return response, json.loads(body)


def with_transcript(conversation: Conversation) -> Conversation:
    services.transcript_analyse(
        transcript=services.transcript_add(
            conversation=conversation, text=ZOOM.read_text(encoding="utf-8"), filename=ZOOM.name
        ),
        rep_speakers=SELLERS,
    )
    return conversation


@pytest.fixture
def rita_at_work(rep, teammate, manager, trainer):
    """Rita's things, a teammate's customer that must stay out, a note and a review."""
    customer = make_customer(rep, "Amira Haddad", goals="Close the books in three days.")
    conversation = with_transcript(logged_conversation(rep, customer, purpose="Quarterly review"))
    gone = start_conversation(rep, customer, purpose="A call that never happened")
    services.conversation_delete(conversation=gone)
    CoachingNote.objects.create(
        conversation=conversation, author=manager, text="Ask what a late close costs."
    )
    assignment = reach(
        assign_one(make_exercise("Walk in their shoes", created_by=trainer), trainer, rep),
        State.RETURNED,
        text="I asked about the close before anything else.",
    )
    make_customer(teammate, "Bruno Keller")
    return {"conversation": conversation, "gone": gone, "assignment": assignment}


def test_the_page_says_what_the_file_holds_and_links_the_download(client, rep):
    client.force_login(rep)
    html = client.get(reverse("my_data")).content.decode()
    assert "Download my data" in html
    assert f'href="{reverse("my_data_export")}"' in html
    assert "What it leaves out" in html


def test_the_account_menu_leads_to_it(client, rep):
    client.force_login(rep)
    html = client.get(reverse("conversations:list")).content.decode()
    assert f'href="{reverse("my_data")}"' in html


def test_the_export_is_a_dated_json_attachment(client, rep):
    client.force_login(rep)
    response, data = download(client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="salesheart-rita-')
    assert "no-cache" in response["Cache-Control"]
    assert data["format"] == export.FORMAT
    assert data["person"]["username"] == "rita"
    assert data["person"]["team"] == "North"
    assert data["person"]["roles"] == ["rep"]


def test_a_rep_gets_everything_of_theirs(client, rep, rita_at_work):
    client.force_login(rep)
    _, data = download(client)

    assert [c["name"] for c in data["customers"]] == ["Amira Haddad"]
    assert data["customers"][0]["goals"] == "Close the books in three days."
    by_purpose = {c["purpose"]: c for c in data["conversations"]}
    assert set(by_purpose) == {"Quarterly review", "A call that never happened"}
    assert by_purpose["A call that never happened"]["deleted_at"] is not None

    logged = by_purpose["Quarterly review"]
    pain_ids = [p["id"] for p in logged["pain_points"]]
    assert logged["pain_points"][0]["description"] == "Month-end takes nine days."
    assert logged["proposals"][0]["answers"] == pain_ids[:1]
    assert logged["transcript"]["raw_text"] == ZOOM.read_text(encoding="utf-8")
    # What the import read from it is a copy of the same words, left out.
    assert "parsed" not in logged["transcript"]
    assert any("month-end has been" in line["text"] for line in logged["segments"])
    assert len(logged["segments"]) == rita_at_work["conversation"].segments.count()
    assert logged["coaching_notes"][0]["text"] == "Ask what a late close costs."
    assert logged["coaching_notes"][0]["author"] == "mara"
    assert logged["listening_ratio"] == rita_at_work["conversation"].listening_ratio

    [assignment] = data["assignments"]
    assert assignment["exercise"]["title"] == "Walk in their shoes"
    assert assignment["assigned_by"] == "tess"
    assert assignment["reflection"]["text"] == "I asked about the close before anything else."
    assert assignment["reflection"]["state"] == State.RETURNED
    assert assignment["reviews"][0]["feedback"] == "Say what it costs them, in their words."


def test_nothing_of_anyone_else_and_no_password(client, rep, rita_at_work):
    client.force_login(rep)
    response, data = download(client)
    assert "Bruno Keller" not in json.dumps(data)
    assert "password" not in data["person"]
    assert rep.password not in json.dumps(data)
    # What others wrote about other people's work is theirs, not Rita's.
    assert data["coaching_notes_written"] == data["reviews_written"] == []


def test_a_manager_and_a_trainer_get_what_they_wrote(client, manager, trainer, rita_at_work):
    client.force_login(manager)
    _, data = download(client)
    assert [n["text"] for n in data["coaching_notes_written"]] == ["Ask what a late close costs."]
    assert data["conversations"] == data["customers"] == data["assignments"] == []

    client.force_login(trainer)
    _, data = download(client)
    assert [e["title"] for e in data["exercises_created"]] == ["Walk in their shoes"]
    assert [r["feedback"] for r in data["reviews_written"]] == [
        "Say what it costs them, in their words."
    ]


def words_of(value: Any) -> list[str]:
    """Every piece of text in an exported document."""
    if isinstance(value, dict):
        return [word for item in value.values() for word in words_of(item)]
    if isinstance(value, list):
        return [word for item in value for word in words_of(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("reader", ["manager", "trainer"])
def test_what_others_get_holds_none_of_the_reps_words(client, rep, reader, rita_at_work, request):
    rita_wrote = [
        "I asked about the close before anything else.",  # her reflection
        "Quarterly review",  # her conversation
        "Month-end takes nine days.",  # a pain point she recorded
        "Amira Haddad",  # her customer
        "month-end has been",  # a line of her transcript
    ]
    client.force_login(request.getfixturevalue(reader))
    _, data = download(client)
    exported = words_of(data)
    for words in rita_wrote:
        assert not [text for text in exported if words in text], f"{words!r} in the {reader}'s"


def test_a_trainers_review_points_at_the_reflection_it_was_about(client, trainer, rita_at_work):
    client.force_login(trainer)
    _, data = download(client)
    assignment = rita_at_work["assignment"]
    [review] = data["reviews_written"]
    assert review["feedback"] == "Say what it costs them, in their words."
    assert review["decision"] == State.RETURNED
    assert review["reflection_id"] == assignment.reflection.pk
    assert review["assignment_id"] == assignment.pk
    assert review["exercise_title"] == "Walk in their shoes"
    assert "reviewed_text" not in review


def test_conversations_come_in_batches_without_losing_one(client, rep, monkeypatch):
    monkeypatch.setattr(export, "CONVERSATION_BATCH", 2)
    customer = make_customer(rep)
    made = [start_conversation(rep, customer, purpose=f"Call {n}").pk for n in range(5)]
    client.force_login(rep)
    _, data = download(client)
    assert [c["id"] for c in data["conversations"]] == made


@pytest.mark.parametrize("conversations", [3, 30])
def test_the_export_needs_the_same_queries_for_few_or_many(
    client, rep, manager, conversations, django_assert_num_queries
):
    customer = make_customer(rep)
    for n in range(conversations):
        conversation = logged_conversation(rep, customer, purpose=f"Call {n}")
        CoachingNote.objects.create(conversation=conversation, author=manager, text="Good.")
    with_transcript(conversation)
    client.force_login(rep)
    with django_assert_num_queries(EXPORT_QUERIES):
        _, data = download(client)
    assert len(data["conversations"]) == conversations
