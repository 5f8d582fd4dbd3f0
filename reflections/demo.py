"""Demo training data: assignments in every state for the demo reps.

Called by the demo command once the organisation exists. Everything is made
through the real services, as a trainer and reps would make it. Running it
again changes nothing: a trainer who has given assignments already is left as
they are. "Walk in their shoes" is left unassigned, for trying the loop by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from django.db import transaction
from django.utils import timezone

from conversations.fragments import touch
from reflections import services
from reflections.library import install_starter_library
from reflections.models import Assignment, Exercise, State

if TYPE_CHECKING:
    from salesheart.models import Team, User

# Per team, member by member (sorted by first name), the state each one reaches.
FIRST_STATES = [State.SUBMITTED, State.DRAFT, State.REVIEWED, State.RETURNED, State.ASSIGNED]
SECOND_STATES = [State.REVIEWED, State.RETURNED, State.SUBMITTED, State.ASSIGNED, State.DRAFT]

DEMO_TEXT = {
    "their-need-not-yours": (
        "On the Harbour Freight call I caught myself pushing for a pilot because my quarter "
        "is thin. Staying where they are costs them two people re-keying orders every Monday, "
        "and errors that reach their own customers. Next time I will ask what one wrong "
        "delivery costs them, in their words, before I say anything about the pilot."
    ),
    "open-questions-drill": (
        "1. “Our dashboard saves hours” became “Where do the hours go in a week like this "
        "one?”\n2. “We integrate with everything” became “Which systems does an order pass "
        "through today?”\n3. “Our support is 24/7” became “What happens when something breaks "
        "on a Sunday?”\nI tried the first two on Tuesday: the customer talked for ten minutes "
        "about month-end."
    ),
    "month-of-listening": "Week one: three meetings, no product. People talk much longer.",
}
DEMO_FEEDBACK = {
    State.REVIEWED: (
        "Good work: the questions are open and they come from their world, not ours. Keep "
        "the one about Sunday breakdowns; it is the best of the three."
    ),
    State.RETURNED: (
        "Good start. Put the cost in the customer's words: what did they say it costs them? "
        "Then add the question you would ask next time."
    ),
}


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _reach(assignment: Assignment, state: str, trainer: User) -> None:
    """Move a fresh assignment's reflection to the given state, through the services."""
    reflection = assignment.reflection
    text = DEMO_TEXT.get(assignment.exercise.starter_key, DEMO_TEXT["their-need-not-yours"])
    if state == State.ASSIGNED:
        return
    if state == State.DRAFT:
        services.reflection_save_draft(reflection=reflection, text=text[: len(text) // 2])
        return
    services.reflection_submit(reflection=reflection, text=text)
    if state in (State.REVIEWED, State.RETURNED):
        services.reflection_review(
            reflection=reflection, reviewer=trainer, feedback=DEMO_FEEDBACK[state], decision=state
        )


@transaction.atomic
def build_demo(
    *, trainer: User, teams: Iterable[Team] | Mapping[str, Team], stdout: TextIO | None = None
) -> list[Assignment]:
    install_starter_library(Exercise)
    if Assignment.objects.filter(assigned_by=trainer).exists():
        _say(stdout, "Training: the demo trainer's assignments are already there.\n")
        return []
    teams = list(teams.values()) if isinstance(teams, Mapping) else list(teams)
    teams.sort(key=lambda team: team.name)
    library = {
        exercise.starter_key: exercise for exercise in Exercise.objects.exclude(starter_key="")
    }
    today = timezone.localdate()
    made: list[Assignment] = []

    for index, team in enumerate(teams):
        members = sorted(team.members.filter(is_active=True), key=lambda user: user.first_name)
        for key, due_in, states in (
            ("their-need-not-yours", 5, FIRST_STATES),
            ("open-questions-drill", 9, SECOND_STATES),
        ):
            result = services.exercise_assign(
                exercise=library[key],
                trainer=trainer,
                teams=[team],
                due_on=today + timedelta(days=due_in + index),
                note="Bring one example to the next team meeting.",
            )
            by_rep = {assignment.rep_id: assignment for assignment in result.created}
            for position, member in enumerate(members):
                if member.pk in by_rep:
                    _reach(by_rep[member.pk], states[(position + index) % len(states)], trainer)
            made.extend(result.created)

    reps = [member for team in teams for member in sorted(team.members.all(), key=str)]
    if reps:
        # Given a while ago: the service refuses due dates in the past, so the date
        # moves back after the fact.
        late = services.exercise_assign(
            exercise=library["month-of-listening"],
            trainer=trainer,
            reps=[reps[0]],
            due_on=today + timedelta(days=1),
        ).created
        for assignment in late:
            _reach(assignment, State.DRAFT, trainer)
            Assignment.objects.filter(pk=assignment.pk).update(due_on=today - timedelta(days=3))
            touch([assignment.rep_id])  # an update sends no signal; the dashboard shows it
        made.extend(late)
        practiser = reps[-1]
        made.extend(
            services.exercise_assign(
                exercise=library["role-play-operations-head"],
                trainer=trainer,
                reps=[practiser],
                due_on=today + timedelta(days=6),
                note="Practise it in threes this week; the observer runs the tracker.",
            ).created
        )
    _say(
        stdout,
        f"Training: {len(made)} assignments for the demo reps, in every state "
        "(one overdue, one practice scenario).\n",
    )
    return made
