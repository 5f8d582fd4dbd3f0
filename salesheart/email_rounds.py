"""Emails sent in rounds from cron (reminders, weekly summaries): where their links point,
and the command both rounds run as."""

from __future__ import annotations

import os
from typing import Any, Protocol

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


def default_base_url() -> str:
    # Emails are sent from cron, outside any request: the settings (or the environment)
    # say where the site lives; a developer's machine serves it on 127.0.0.1:8000.
    return (
        getattr(settings, "SITE_URL", "")
        or os.environ.get("SITE_URL", "")
        or "http://127.0.0.1:8000"
    )


class Outcome(Protocol):
    sent: list[str]
    failed: dict[str, str]


class EmailRoundCommand(BaseCommand):
    """A round of emails: `--base-url`, `--dry-run`, one line per person emailed, a count,
    and a failing exit (so cron says so) when any address could not be emailed; run
    again to retry, since each round sends a person at most their one email."""

    noun = "email"

    def send(self, *, today: Any, base_url: str, dry_run: bool) -> Outcome:
        raise NotImplementedError

    def counted(self, outcome: Any, count: str) -> str:
        """The last line: how many were sent, and what else the round found."""
        return count

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
        outcome = self.send(
            today=timezone.localdate(), base_url=str(options["base_url"]), dry_run=dry_run
        )
        for line in outcome.sent:
            self.stdout.write(("Would email " if dry_run else "Emailed ") + line)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            self.counted(outcome, f"{len(outcome.sent)} {self.plural(len(outcome.sent))} {verb}")
        )
        if outcome.failed:
            for address, error in outcome.failed.items():
                self.stderr.write(f"Could not email {address}: {error}")
            failed = len(outcome.failed)
            raise CommandError(f"{failed} {self.plural(failed)} failed; run again to retry.")

    def plural(self, count: int) -> str:
        return self.noun if count == 1 else self.noun_plural

    @property
    def noun_plural(self) -> str:
        return self.noun + "s"
