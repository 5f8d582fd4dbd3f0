from __future__ import annotations

from django.apps import AppConfig


class SalesheartConfig(AppConfig):
    name = "salesheart"
    verbose_name = "Users and teams"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from salesheart.pending import discard_others_kept_post

        user_logged_in.connect(discard_others_kept_post, dispatch_uid="discard_others_kept_post")

        from salesheart import checks  # noqa: F401  (registers the deployment checks)
