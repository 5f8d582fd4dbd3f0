from __future__ import annotations

from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"
