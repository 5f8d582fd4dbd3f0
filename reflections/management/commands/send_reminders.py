"""Email reminders about reflections. Safe to run from cron as often as you like:
each person gets at most one email a day."""

from __future__ import annotations

from typing import Any

from reflections.reminders import Outcome, send_reminders
from salesheart.email_rounds import EmailRoundCommand


class Command(EmailRoundCommand):
    help = (
        "Email reps about reflections due tomorrow and overdue, and trainers about "
        "reflections waiting for their review; at most once a day per person."
    )
    noun = "reminder"

    def send(self, **round: Any) -> Outcome:
        return send_reminders(**round)

    def counted(self, outcome: Outcome, count: str) -> str:
        return f"{count}; {outcome.already} already reminded today."
