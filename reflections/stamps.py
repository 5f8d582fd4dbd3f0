"""What in reflections changes a rep dashboard's kept figures (conversations/fragments.py):
its "what to practise next" and "reflections due" are drawn inside them, so every write to
an assignment, its reflection or its exercise gives the rep a new stamp, in the same
transaction."""

from __future__ import annotations

from typing import Any

from conversations.fragments import is_rename, touch
from reflections.models import Assignment


def assignment_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    touch([instance.rep_id], kwargs)


def reflection_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    assignment = Assignment.objects.filter(pk=instance.assignment_id)
    touch(assignment.values_list("rep_id", flat=True), kwargs)


def exercise_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    touch(Assignment.objects.filter(exercise_id=instance.pk).values_list("rep_id", flat=True))


def person_renamed(sender: type, instance: Any, **kwargs: Any) -> None:
    """The reps whose dashboards name this person as the one who gave an exercise."""
    if is_rename(kwargs):
        touch(Assignment.objects.filter(assigned_by=instance).values_list("rep_id", flat=True))
