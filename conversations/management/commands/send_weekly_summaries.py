"""The weekly summary email, for those who asked for it. Safe to run from cron as often as
you like (daily is fine): each person gets at most one summary a week, about the week
before."""

from __future__ import annotations

from typing import Any

from conversations.weekly import Outcome, send_weekly_summaries
from salesheart.email_rounds import EmailRoundCommand


class Command(EmailRoundCommand):
    help = (
        "Email the weekly summary to everyone who asked for it: managers hear who moved "
        "and who needs a conversation, reps their own week; at most once a week per person."
    )
    noun = "summary"
    noun_plural = "summaries"

    def send(self, **round: Any) -> Outcome:
        return send_weekly_summaries(**round)

    def counted(self, outcome: Outcome, count: str) -> str:
        return (
            f"{count}; {outcome.already} already sent this week; "
            f"{outcome.nothing} with nothing to say."
        )
