"""Email reminders about reflections. Safe to run from cron as often as you like:
each person gets at most one email a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reflections.reminders import send_reminders
from salesheart.site_url import default_base_url


class Command(BaseCommand):
    help = (
        "Email reps about reflections due tomorrow and overdue, and trainers about "
        "reflections waiting for their review; at most once a day per person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=default_base_url(),
            help="Where the links in the emails point (default: SITE_URL, or local).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )

    def handle(self, *args: object, **options: object) -> None:
        dry_run = bool(options["dry_run"])
        outcome = send_reminders(
            today=timezone.localdate(), base_url=str(options["base_url"]), dry_run=dry_run
        )
        for line in outcome.sent:
            self.stdout.write(("Would email " if dry_run else "Emailed ") + line)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"{len(outcome.sent)} reminder{'s' if len(outcome.sent) != 1 else ''} {verb}; "
            f"{outcome.already} already reminded today."
        )
        if outcome.failed:
            for address, error in outcome.failed.items():
                self.stderr.write(f"Could not email {address}: {error}")
            raise CommandError(f"{len(outcome.failed)} reminder(s) failed; run again to retry.")
