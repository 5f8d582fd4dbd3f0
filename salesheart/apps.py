from __future__ import annotations

from django.apps import AppConfig


class SalesheartConfig(AppConfig):
    name = "salesheart"
    verbose_name = "Users and teams"
