"""Retry or fail recording jobs whose worker went quiet, and delete their audio."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from conversations.models import Recording
from conversations.tasks import recording_check_stale


class Command(BaseCommand):
    help = (
        "A running recording job whose worker stopped sending a heartbeat is queued again "
        "once, then failed with a message and its audio deleted. Safe to run from cron "
        "and again; scripts/worker.sh runs it before each worker starts."
    )

    def handle(self, *args: object, **options: object) -> None:
        # The progress page makes the same check when someone looks; this one covers the
        # jobs nobody looks at, so no audio waits on disk for a viewer.
        stale_before = timezone.now() - timedelta(seconds=settings.RECORDING_STALE_SECONDS)
        quiet = Recording.objects.filter(state=Recording.State.RUNNING).filter(
            Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale_before)
        )
        outcomes = {Recording.State.QUEUED: 0, Recording.State.FAILED: 0}
        for recording in quiet.iterator():
            state = recording_check_stale(recording).state
            if state in outcomes:
                outcomes[state] += 1
        if options["verbosity"]:
            self.stdout.write(
                f"Queued again: {outcomes[Recording.State.QUEUED]}; "
                f"failed: {outcomes[Recording.State.FAILED]}."
            )
