"""Writes that give exercises to reps and move reflections through their states.

Each is one transaction. State changes lock the reflection row first
(select_for_update), so a double click, a second tab or a retried request sees
the state the first one left and is refused instead of applied twice. Writes
that come from a form also take the version the form was shown with
(salesheart/edits.py): one made from an older text than the stored one raises
EditConflict instead of overwriting it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conversations import services as conversation_services
from conversations.models import Conversation, Customer
from reflections.models import (
    REFLECTION_LIMIT,
    Assignment,
    Exercise,
    Reflection,
    Review,
    State,
)
from salesheart.edits import check_version

if TYPE_CHECKING:
    from salesheart.models import Team, User

PAST_DUE_DATE = "The due date is in the past. Choose today or a later day."
NO_ONE_CHOSEN = "Choose at least one rep or one team."
ARCHIVED = "This exercise is archived. Restore it in the library before assigning it."
EMPTY_REFLECTION = "Your reflection is empty. Write it before you submit it."
ALREADY_SUBMITTED = "This reflection is already submitted: it is with your trainer now."
ALREADY_REVIEWED = "This reflection has been reviewed; it cannot be changed any more."
NOT_SUBMITTED = "Only a submitted reflection can be reviewed. This one is {state}."
EMPTY_FEEDBACK = "Write your feedback: it is the first thing the rep will read."
FOREIGN_CONVERSATION = "Choose one of your own conversations."
NOT_A_SCENARIO = "Only practice scenarios have a practice conversation."


def not_a_rep_message(user: User) -> str:
    return f"{user} is not a rep: only people in a team can be given exercises."


# Assigning ----------------------------------------------------------------------


@dataclass
class AssignResult:
    created: list[Assignment] = field(default_factory=list)
    existing: list[Assignment] = field(default_factory=list)

    @property
    def summary(self) -> str:
        made = len(self.created)
        there = len(self.existing)
        text = f"{made} assignment{'s' if made != 1 else ''} created"
        if there:
            text += f"; {there} {'were' if there != 1 else 'was'} already there"
        return text + "."


@transaction.atomic
def exercise_assign(
    *,
    exercise: Exercise,
    trainer: User,
    due_on: date,
    reps: Iterable[User] = (),
    teams: Iterable[Team] = (),
    note: str = "",
) -> AssignResult:
    """One assignment per rep (a team counts as each of its members), never twice.

    Giving the same exercise to the same rep for the same day again finds the
    existing assignment instead: the unique constraint backs get_or_create even
    when two trainers click at once.
    """
    if not trainer.is_trainer:
        raise ValidationError("Only trainers assign exercises.", code="not_trainer")
    if exercise.is_archived:
        raise ValidationError(ARCHIVED, code="archived")
    if due_on < timezone.localdate():
        raise ValidationError(PAST_DUE_DATE, code="past_due")
    chosen: dict[int, User] = {}
    for rep in reps:
        if not rep.is_rep:
            raise ValidationError(not_a_rep_message(rep), code="not_a_rep")
        chosen[rep.pk] = rep
    for team in teams:
        for member in team.members.filter(is_active=True):
            chosen.setdefault(member.pk, member)
    if not chosen:
        raise ValidationError(NO_ONE_CHOSEN, code="no_one")

    result = AssignResult()
    for rep in sorted(chosen.values(), key=lambda user: (str(user).lower(), user.pk)):
        assignment, created = Assignment.objects.get_or_create(
            exercise=exercise,
            rep=rep,
            due_on=due_on,
            defaults={"assigned_by": trainer, "note": note.strip()},
        )
        if created:
            Reflection.objects.create(assignment=assignment)
            result.created.append(assignment)
        else:
            result.existing.append(assignment)
    return result


@transaction.atomic
def exercise_assign_for_flag(
    *,
    exercise: Exercise,
    rep: User,
    by: User,
    due_on: date,
    skill: str,
    reason: str,
    evidence: dict,
    note: str = "",
) -> tuple[Assignment, bool]:
    """An exercise given from a dashboard flag, carrying the flag's reason and evidence.

    The rep's manager or a trainer gives it; like any assignment it exists once per
    exercise, rep and day, so a second click finds the first one.
    """
    managed = rep.team_id is not None and rep.team_id in by.managed_team_ids
    if not (managed or by.is_trainer):
        raise ValidationError("Only the rep's manager or a trainer assigns exercises.")
    if exercise.is_archived:
        raise ValidationError(ARCHIVED, code="archived")
    if due_on < timezone.localdate():
        raise ValidationError(PAST_DUE_DATE, code="past_due")
    if not rep.is_rep:
        raise ValidationError(not_a_rep_message(rep), code="not_a_rep")
    assignment, created = Assignment.objects.get_or_create(
        exercise=exercise,
        rep=rep,
        due_on=due_on,
        defaults={
            "assigned_by": by,
            "note": note.strip(),
            "skill": skill,
            "reason": reason[:300],
            "evidence": evidence,
        },
    )
    if created:
        Reflection.objects.create(assignment=assignment)
    return assignment, created


# The rep's side -----------------------------------------------------------------


def _locked(reflection: Reflection) -> Reflection:
    return Reflection.objects.select_for_update().get(pk=reflection.pk)


class Unchanged(enum.Enum):
    """Leave the reflection's conversation as it is (a form that did not send one)."""

    KEEP = "keep"


KEEP = Unchanged.KEEP


def _check_conversation(
    reflection: Reflection, conversation: Conversation | None | Unchanged
) -> None:
    rep_id = reflection.assignment.rep_id
    if isinstance(conversation, Conversation) and (
        conversation.rep_id != rep_id or conversation.deleted_at is not None
    ):
        raise ValidationError(FOREIGN_CONVERSATION, code="foreign_conversation")


def _refuse_if_closed(reflection: Reflection) -> None:
    if reflection.state == State.SUBMITTED:
        raise ValidationError(ALREADY_SUBMITTED, code="already_submitted")
    if reflection.state == State.REVIEWED:
        raise ValidationError(ALREADY_REVIEWED, code="already_reviewed")


def _write(
    reflection: Reflection, text: str, conversation: Conversation | None | Unchanged
) -> None:
    # Autosave stores text no form has checked; PostgreSQL cannot store a NUL.
    reflection.text = text.replace("\x00", "")[:REFLECTION_LIMIT]
    if conversation is not KEEP:
        assignment = reflection.assignment
        assignment.conversation = conversation
        assignment.save(update_fields=["conversation"])


def _open_for_writing(
    reflection: Reflection,
    conversation: Conversation | None | Unchanged,
    seen_version: int | None,
) -> Reflection:
    """The reflection locked for this transaction, still open, not changed since the
    rep's form showed seen_version, the conversation the rep's."""
    locked = _locked(reflection)
    _refuse_if_closed(locked)
    check_version(locked, seen_version)
    _check_conversation(reflection, conversation)
    locked.assignment = reflection.assignment
    return locked


@transaction.atomic
def reflection_save_draft(
    *,
    reflection: Reflection,
    text: str,
    conversation: Conversation | None | Unchanged = KEEP,
    seen_version: int | None = None,
) -> Reflection:
    """Keep what the rep wrote so far. A returned reflection becomes a draft again.

    The autosave comes through here too and moves the version on like any save;
    the page takes the new version from its answer, so its own next save goes through."""
    locked = _open_for_writing(reflection, conversation, seen_version)
    _write(locked, text, conversation)
    if locked.state == State.RETURNED or locked.text.strip():
        locked.state = State.DRAFT
    stamps = locked.mark_edited(reflection.assignment.rep)
    locked.save(update_fields=["text", "state", "updated_at", *stamps])
    return locked


@transaction.atomic
def reflection_submit(
    *,
    reflection: Reflection,
    text: str,
    conversation: Conversation | None | Unchanged = KEEP,
    seen_version: int | None = None,
) -> Reflection:
    locked = _open_for_writing(reflection, conversation, seen_version)
    if not text.strip():
        raise ValidationError(EMPTY_REFLECTION, code="empty")
    _write(locked, text.strip(), conversation)
    locked.state = State.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.rounds += 1
    stamps = locked.mark_edited(reflection.assignment.rep)
    locked.save(update_fields=["text", "state", "updated_at", "submitted_at", "rounds", *stamps])
    return locked


# The trainer's side -------------------------------------------------------------


@transaction.atomic
def reflection_review(
    *,
    reflection: Reflection,
    reviewer: User,
    feedback: str,
    decision: str,
    seen_version: int | None = None,
) -> Review:
    """Feedback on a submitted reflection: marked reviewed, or returned for another pass.

    Refused (EditConflict) when the text changed after the review page showed
    seen_version: returned in another tab and submitted again, the trainer has
    not read what they would be answering."""
    locked = _locked(reflection)
    if reflection.assignment.assigned_by_id != reviewer.pk:
        raise ValidationError(
            "Only the trainer who gave this exercise reviews it.", code="not_reviewer"
        )
    if locked.state != State.SUBMITTED:
        raise ValidationError(
            NOT_SUBMITTED.format(state=locked.get_state_display().lower()), code="not_submitted"
        )
    check_version(locked, seen_version)
    if decision not in Review.Decision.values:
        raise ValidationError("Choose to mark it reviewed or to return it.", code="no_decision")
    if not feedback.strip():
        raise ValidationError(EMPTY_FEEDBACK, code="empty_feedback")
    review = Review.objects.create(
        reflection=locked,
        author=reviewer,
        decision=decision,
        feedback=feedback.strip(),
        reviewed_text=locked.text,
    )
    locked.state = decision
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["state", "reviewed_at", "updated_at"])
    return review


# Practice scenarios -------------------------------------------------------------


@transaction.atomic
def practice_start(*, assignment: Assignment) -> Conversation:
    """The practice conversation of a scenario, with a customer named after the persona.

    Starting twice (a double click, a second tab) returns the practice already
    started, as long as it has not been deleted.
    """
    assignment = (
        Assignment.objects.select_for_update().select_related("exercise").get(pk=assignment.pk)
    )
    exercise = assignment.exercise
    if not exercise.is_scenario:
        raise ValidationError(NOT_A_SCENARIO, code="not_a_scenario")
    current = assignment.practice
    if current is not None and current.deleted_at is None:
        return current
    rep = assignment.rep
    name = exercise.persona_name or exercise.title[:120]
    customer = Customer.objects.filter(
        rep=rep, name=name, company=exercise.persona_company
    ).first() or Customer.objects.create(
        rep=rep,
        name=name,
        company=exercise.persona_company,
        notes=f"A practice persona from the scenario “{exercise.title}”.",
    )
    conversation = conversation_services.conversation_start(
        rep=rep,
        customer=customer,
        occurred_at=timezone.now(),
        kind=Conversation.Kind.PRACTICE,
        purpose=f"Practice: {exercise.title}"[:300],
        plan_their_world=exercise.situation,
    )
    assignment.practice = conversation
    fields = ["practice"]
    if assignment.conversation_id is None:
        # The reflection is most likely about this practice; the rep can change that.
        assignment.conversation = conversation
        fields.append("conversation")
        # The reflection form shows which conversation it is about: a form open in
        # another tab must not put "none" back without being told.
        reflection = Reflection.objects.select_for_update().get(assignment=assignment)
        reflection.save(update_fields=reflection.mark_edited(rep))
    assignment.save(update_fields=fields)
    return conversation
