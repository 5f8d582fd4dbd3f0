from __future__ import annotations

from django.apps import AppConfig


class SalesheartConfig(AppConfig):
    name = "salesheart"
    verbose_name = "Users and teams"

    def ready(self) -> None:
        from salesheart import checks  # noqa: F401  (registers the deployment checks)
