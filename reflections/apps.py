from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ReflectionsConfig(AppConfig):
    name = "reflections"

    def ready(self) -> None:
        from reflections import stamps
        from reflections.models import Assignment, Exercise, Reflection
        from salesheart.models import User

        # The rep dashboard keeps what it shows of these (conversations/fragments.py).
        for model, receiver in [
            (Assignment, stamps.assignment_changed),
            (Reflection, stamps.reflection_changed),
            (Exercise, stamps.exercise_changed),
        ]:
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"stamp_{model.__name__}")
        post_save.connect(stamps.person_renamed, sender=User, dispatch_uid="stamp_assigner")
