"""Every assignment (and its reflection) a view touches comes through here.

Reading: the rep it was given to, the trainer who gave it, and the managers of
the rep's team. Anyone else gets 404, the same answer as for an assignment that
does not exist. Writing is narrower: the rep writes the reflection, the trainer
who gave it reviews it; someone who may read but not write gets 403.

The partner who plays the customer in a practice holds no account at all: the
rep shares a signed link to the persona card, which nobody can make up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from reflections.models import Assignment, Exercise

if TYPE_CHECKING:
    from salesheart.models import User

Writer = Literal["rep", "trainer"]

ONLY_THE_REP = "Only the rep it was given to writes this reflection."
ONLY_THE_TRAINER = "Only the trainer who gave this exercise reviews it."
READ_ONLY = "Managers can follow their team's training but not change it."

PERSONA_SALT = "reflections.persona-card"
# A practice happens within days of sharing the card; a quarter is plenty, and
# an old link forwarded around stops working eventually.
PERSONA_MAX_AGE = 90 * 24 * 3600


def get_assignment_for_user(user: User, pk: int, *, write: Writer | None = None) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.visible_to(user).with_everything(), pk=pk)
    if write == "rep" and assignment.rep_id != user.pk:
        raise PermissionDenied(READ_ONLY if is_manager_of(user, assignment) else ONLY_THE_REP)
    if write == "trainer" and assignment.assigned_by_id != user.pk:
        raise PermissionDenied(READ_ONLY if is_manager_of(user, assignment) else ONLY_THE_TRAINER)
    return assignment


def is_manager_of(user: User, assignment: Assignment) -> bool:
    return assignment.rep.team_id is not None and assignment.rep.team_id in user.managed_team_ids


def can_open_conversation(user: User, assignment: Assignment) -> bool:
    """The conversation a reflection is about is read by the rep, their managers and the
    trainer who gave the assignment (conversations.models' visible_to says the same)."""
    return assignment.conversation_id is not None and (
        assignment.rep_id == user.pk
        or is_manager_of(user, assignment)
        or assignment.assigned_by_id == user.pk
    )


def get_exercise_for_trainer(user: User, pk: int) -> Exercise:
    """The library is shared by every trainer; the role gate sits on the views."""
    return get_object_or_404(Exercise, pk=pk)


def persona_token(assignment: Assignment) -> str:
    return signing.dumps({"assignment": assignment.pk}, salt=PERSONA_SALT, compress=True)


def get_assignment_from_token(token: str) -> Assignment:
    try:
        data = signing.loads(token, salt=PERSONA_SALT, max_age=PERSONA_MAX_AGE)
    except signing.BadSignature:
        raise Http404("No such persona card.") from None
    pk = data.get("assignment") if isinstance(data, dict) else None
    return get_object_or_404(
        Assignment.objects.select_related("exercise", "rep", "reflection", "practice").filter(
            exercise__kind=Exercise.Kind.SCENARIO
        ),
        pk=pk,
    )


def get_coached_rep(user: User, rep_id: int) -> User:
    """The rep a flag's practice is given to: a rep of a team the user manages, or any
    rep for a trainer (trainers give exercises to every team); else not found."""
    from salesheart.models import User as UserModel

    reps = UserModel.objects.select_related("team").filter(is_active=True, team__isnull=False)
    if not user.is_trainer:
        reps = reps.filter(team__in=user.managed_team_ids)
    return get_object_or_404(reps, pk=rep_id)


def manages_rep(user: User, rep: User) -> bool:
    """A rep's manager opens their conversations; a trainer who does not manage the
    team reads the flag's figure but not which customers it stands on."""
    return rep.team_id is not None and rep.team_id in user.managed_team_ids
