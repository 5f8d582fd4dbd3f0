"""Recompute the stored figures of every measured conversation, after a definition changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from conversations import services
from conversations.models import Conversation


class Command(BaseCommand):
    help = (
        "Recompute the figures of conversations with a timeline (tracked or transcript) "
        "by today's definitions in conversations/metrics.py. Safe to run again."
    )

    def handle(self, *args: object, **options: object) -> None:
        measured = Conversation.objects.filter(segments__isnull=False).distinct()
        count = 0
        for conversation in measured.iterator(chunk_size=200):
            services.conversation_refresh_figures(conversation=conversation)
            count += 1
        self.stdout.write(f"Recomputed the figures of {count} conversations.")
