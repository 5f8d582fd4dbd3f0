from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        from conversations import fragments
        from conversations.models import CoachingNote, Conversation, Customer, Recording, TalkBand
        from conversations.tasks import recording_deleted
        from conversations.weeks import on_week_zone_changed
        from salesheart.models import User
        from salesheart.time_zones import week_zone_changed

        # A conversation (or a person) erased while its recording waits must not leave
        # the audio behind in the store.
        post_delete.connect(recording_deleted, sender=Recording, dispatch_uid="recording_audio")
        # Stored weeks follow the rep's team's time zone (salesheart.time_zones).
        week_zone_changed.connect(on_week_zone_changed, dispatch_uid="conversation_weeks")
        # Whatever changes what a dashboard shows gives its reps new stamps, in the same
        # transaction, from every write path (forms, htmx, JSON, the admin, commands).
        for model, receiver in [
            (Conversation, fragments.conversation_or_customer_changed),
            (Customer, fragments.conversation_or_customer_changed),
            (TalkBand, fragments.band_changed),
            (CoachingNote, fragments.note_changed),
        ]:
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"stamp_{model.__name__}")
        post_delete.connect(fragments.person_erased, sender=User, dispatch_uid="stamp_erased")
        post_save.connect(fragments.person_renamed, sender=User, dispatch_uid="stamp_renamed")
