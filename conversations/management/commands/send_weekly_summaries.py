"""The weekly summary email, for those who asked for it. Safe to run from cron as often as
you like (daily is fine): each person gets at most one summary a week, about the week
before."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from conversations.weekly import send_weekly_summaries
from salesheart.site_url import default_base_url


class Command(BaseCommand):
    help = (
        "Email the weekly summary to everyone who asked for it: managers hear who moved "
        "and who needs a conversation, reps their own week; at most once a week per person."
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
        outcome = send_weekly_summaries(
            today=timezone.localdate(), base_url=str(options["base_url"]), dry_run=dry_run
        )
        for line in outcome.sent:
            self.stdout.write(("Would email " if dry_run else "Emailed ") + line)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"{len(outcome.sent)} summar{'ies' if len(outcome.sent) != 1 else 'y'} {verb}; "
            f"{outcome.already} already sent this week; {outcome.nothing} with nothing to say."
        )
        if outcome.failed:
            for address, error in outcome.failed.items():
                self.stderr.write(f"Could not email {address}: {error}")
            raise CommandError(f"{len(outcome.failed)} summary(ies) failed; run again to retry.")
