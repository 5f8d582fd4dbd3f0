"""Training test data, made through the real services as trainers and reps make it."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from reflections import services
from reflections.library import install_starter_library
from reflections.models import Assignment, Exercise, Reflection, State
from salesheart.models import Team, User

WALK = "walk-in-their-shoes"
OPERATIONS_HEAD = "role-play-operations-head"


def library() -> dict[str, Exercise]:
    """The starter library, reinstalled if a transactional test flushed it away."""
    install_starter_library(Exercise)
    return {exercise.starter_key: exercise for exercise in Exercise.objects.exclude(starter_key="")}


def starter(key: str = WALK) -> Exercise:
    return library()[key]


def make_exercise(title: str = "Listen for a week", **fields) -> Exercise:
    fields.setdefault("instructions", "Meet three customers and only ask questions.")
    return Exercise.objects.create(title=title, **fields)


def make_scenario(title: str = "Role-play: the busy buyer", **fields) -> Exercise:
    fields.setdefault("persona_name", "Helen Marsh")
    fields.setdefault("persona_company", "Marsh & Dale Bakeries")
    fields.setdefault("persona", "Head of Operations at a bakery chain.")
    fields.setdefault("situation", "She has thirty minutes and is distracted.")
    fields.setdefault(
        "hidden_pain_points",
        "Two night bakers left and the night shift is short-staffed\n"
        "Shop orders arrive by phone and get written down wrong\n"
        "Flour prices went up and she cannot pass the cost on",
    )
    return make_exercise(title, kind=Exercise.Kind.SCENARIO, **fields)


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def assign(
    exercise: Exercise,
    trainer: User,
    *,
    reps: list[User] = (),
    teams: list[Team] = (),
    due_on: date | None = None,
    note: str = "",
) -> list[Assignment]:
    result = services.exercise_assign(
        exercise=exercise,
        trainer=trainer,
        reps=list(reps),
        teams=list(teams),
        due_on=due_on or in_days(7),
        note=note,
    )
    return result.created + result.existing


def assign_one(exercise: Exercise, trainer: User, rep: User, **kwargs) -> Assignment:
    return assign(exercise, trainer, reps=[rep], **kwargs)[0]


def fresh(assignment: Assignment) -> Assignment:
    return Assignment.objects.with_everything().get(pk=assignment.pk)


def reach(
    assignment: Assignment, state: str, *, text: str = "I listened more than I talked."
) -> Assignment:
    """Move an assignment's reflection to a state the way people would."""
    reflection = fresh(assignment).reflection
    if state == State.ASSIGNED:
        return fresh(assignment)
    if state == State.DRAFT:
        services.reflection_save_draft(reflection=reflection, text=text)
        return fresh(assignment)
    services.reflection_submit(reflection=reflection, text=text)
    if state in (State.REVIEWED, State.RETURNED):
        services.reflection_review(
            reflection=fresh(assignment).reflection,
            reviewer=assignment.assigned_by,
            feedback="Say what it costs them, in their words.",
            decision=state,
        )
    return fresh(assignment)


def make_overdue(assignment: Assignment, days: int = 3) -> Assignment:
    """As if given a while ago: the service refuses due dates in the past."""
    Assignment.objects.filter(pk=assignment.pk).update(due_on=in_days(-days))
    return fresh(assignment)


def state_of(assignment: Assignment) -> str:
    return Reflection.objects.get(assignment=assignment).state
