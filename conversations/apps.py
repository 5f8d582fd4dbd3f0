from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        from conversations.models import Recording
        from conversations.tasks import recording_deleted
        from conversations.weeks import on_week_zone_changed
        from salesheart.time_zones import week_zone_changed

        # A conversation (or a person) erased while its recording waits must not leave
        # the audio behind in the store.
        post_delete.connect(recording_deleted, sender=Recording, dispatch_uid="recording_audio")
        # Stored weeks follow the rep's team's time zone (salesheart.time_zones).
        week_zone_changed.connect(on_week_zone_changed, dispatch_uid="conversation_weeks")
