"""Everything a person put into SalesHeart, as one JSON document they can take away.

The document is streamed: a rep with years of imported transcripts has hundreds of
thousands of timeline lines, and none of it needs to sit in memory at once. Rows are
read with `.values()` so a field added to a model is exported without anyone having
to remember this file; only passwords and session data are left out.

What a person wrote about someone else's work (a coaching note on a rep's
conversation, a review of a rep's reflection) is theirs, but the work itself is
not: those rows are read field by field, the person's own words and a reference
to what they were about (an id, an exercise's title), never the other person's text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import batched
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from conversations.models import (
    CoachingNote,
    Conversation,
    Customer,
    PainPoint,
    ProductTalk,
    TalkSegment,
    Transcript,
)
from reflections.models import Assignment, Exercise, Reflection, Review
from salesheart.models import User

FORMAT = "salesheart-export/1"
# Conversations are read in batches: a handful of queries per batch, whatever its size.
CONVERSATION_BATCH = 200
PERSON_FIELDS = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "date_joined",
    "last_login",
]


def dump(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_array(items: Iterable[Any]) -> Iterator[str]:
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + dump(item)
    yield "]"


def rows(queryset: QuerySet) -> list[dict[str, Any]]:
    return list(queryset.values())


def grouped(model: type[Model], key: str, ids: Iterable[int]) -> dict[int, list[dict]]:
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in model._default_manager.filter(**{f"{key}__in": ids}).order_by("pk").values():
        groups[row[key]].append(row)
    return groups


def person(user: User) -> dict[str, Any]:
    data = {name: getattr(user, name) for name in PERSON_FIELDS}
    data["team"] = user.team.name if user.team_id else None
    data["roles"] = user.roles
    return data


def conversations_of(user: User) -> Iterator[dict[str, Any]]:
    """Every conversation of the rep, deleted ones too, with all that hangs off it."""
    ids = Conversation.objects.filter(rep=user).order_by("pk").values_list("pk", flat=True)
    for batch in batched(ids.iterator(), CONVERSATION_BATCH):
        yield from conversation_batch(list(batch))


def conversation_batch(ids: list[int]) -> Iterator[dict[str, Any]]:
    pain_points = grouped(PainPoint, "conversation_id", ids)
    proposals = grouped(ProductTalk, "conversation_id", ids)
    answers: dict[int, list[int]] = defaultdict(list)
    for proposal_id, pain_point_id in ProductTalk.answers.through.objects.filter(
        producttalk__conversation_id__in=ids
    ).values_list("producttalk_id", "painpoint_id"):
        answers[proposal_id].append(pain_point_id)
    segments = grouped(TalkSegment, "conversation_id", ids)
    # The transcript in use and an upload still waiting for its sellers, in one query.
    transcripts: dict[int, dict] = {}
    waiting: dict[int, dict] = {}
    for row in (
        Transcript.objects.filter(Q(conversation_id__in=ids) | Q(pending_for_id__in=ids))
        .order_by("pk")
        .values()
    ):
        # What the import read from the text, kept to build the timeline: a second copy of
        # the words that raw_text (here) already holds.
        row.pop("parsed", None)
        if row["conversation_id"]:
            transcripts[row["conversation_id"]] = row
        else:
            waiting[row["pending_for_id"]] = row
    notes = grouped(CoachingNote, "conversation_id", ids)
    authors = dict(
        User.objects.filter(
            pk__in={note["author_id"] for group in notes.values() for note in group}
        ).values_list("pk", "username")
    )
    for conversation in Conversation.objects.filter(pk__in=ids).order_by("pk").values():
        pk = conversation["id"]
        conversation["pain_points"] = pain_points[pk]
        conversation["proposals"] = [
            {**proposal, "answers": sorted(answers[proposal["id"]])} for proposal in proposals[pk]
        ]
        conversation["segments"] = segments[pk]
        conversation["transcript"] = transcripts.get(pk)
        conversation["transcript_waiting"] = waiting.get(pk)
        conversation["coaching_notes"] = [
            {**note, "author": authors.get(note["author_id"])} for note in notes[pk]
        ]
        yield conversation


def assignments_of(user: User) -> list[dict[str, Any]]:
    assignments = rows(Assignment.objects.filter(rep=user).order_by("pk"))
    ids = [assignment["id"] for assignment in assignments]
    reflections = {
        row["assignment_id"]: row for row in rows(Reflection.objects.filter(assignment_id__in=ids))
    }
    reviews = grouped(Review, "reflection_id", [row["id"] for row in reflections.values()])
    exercises = {
        row["id"]: row
        for row in Exercise.objects.filter(assignments__in=ids).values(
            "id", "title", "kind", "instructions"
        )
    }
    givers = dict(User.objects.filter(assignments_given__in=ids).values_list("pk", "username"))
    exported = []
    for assignment in assignments:
        reflection = reflections.get(assignment["id"])
        exported.append(
            {
                **assignment,
                "exercise": exercises[assignment["exercise_id"]],
                "assigned_by": givers.get(assignment["assigned_by_id"]),
                "reflection": reflection,
                "reviews": reviews[reflection["id"]] if reflection else [],
            }
        )
    return exported


def coaching_notes_written(user: User) -> list[dict[str, Any]]:
    notes = CoachingNote.objects.filter(author=user).order_by("pk")
    return list(notes.values("id", "conversation_id", "text", "at_seconds", "created_at"))


def reviews_written(user: User) -> list[dict[str, Any]]:
    """The trainer's feedback and decisions, pointing at the reflection by id and exercise:
    the rep's reflection text (kept on the review as `reviewed_text`) stays out."""
    reviews = Review.objects.filter(author=user).order_by("pk")
    return list(
        reviews.values(
            "id",
            "decision",
            "feedback",
            "created_at",
            "reflection_id",
            assignment_id=F("reflection__assignment_id"),
            exercise_title=F("reflection__assignment__exercise__title"),
        )
    )


def personal_data(user: User) -> Iterator[str]:
    """The export, piece by piece: JSON text that joins into one document."""
    yield "{" + dump("format") + ":" + dump(FORMAT)
    yield "," + dump("exported_at") + ":" + dump(timezone.now())
    yield "," + dump("person") + ":" + dump(person(user))
    yield "," + dump("customers") + ":"
    yield from json_array(rows(Customer.objects.filter(rep=user).order_by("pk")))
    yield "," + dump("conversations") + ":"
    yield from json_array(conversations_of(user))
    yield "," + dump("assignments") + ":"
    yield from json_array(assignments_of(user))
    # What the person wrote about others' work: their own words, so theirs to take.
    yield "," + dump("coaching_notes_written") + ":"
    yield from json_array(coaching_notes_written(user))
    yield "," + dump("reviews_written") + ":"
    yield from json_array(reviews_written(user))
    yield "," + dump("exercises_created") + ":"
    yield from json_array(rows(Exercise.objects.filter(created_by=user).order_by("pk")))
    yield "}"
