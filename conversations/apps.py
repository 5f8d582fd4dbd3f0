from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        from conversations.models import Recording
        from conversations.tasks import recording_deleted

        # A conversation (or a person) erased while its recording waits must not leave
        # the audio behind in the store.
        post_delete.connect(recording_deleted, sender=Recording, dispatch_uid="recording_audio")
