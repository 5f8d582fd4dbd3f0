"""Who gets a reminder today, and what it says.

One email a day at most per person, whatever they hold: a rep hears about
reflections due tomorrow and overdue, a trainer about reflections waiting for
their review, someone who is both gets one email with both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from reflections.models import Assignment, ReminderLog, State

if TYPE_CHECKING:
    from salesheart.models import User


@dataclass
class Reminder:
    user: User
    due_tomorrow: list[Assignment] = field(default_factory=list)
    overdue: list[Assignment] = field(default_factory=list)
    waiting: list[Assignment] = field(default_factory=list)

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.due_tomorrow:
            parts.append(f"{len(self.due_tomorrow)} due tomorrow")
        if self.waiting:
            n = len(self.waiting)
            parts.append(f"{n} reflection{'s' if n != 1 else ''} waiting for your review")
        return "SalesHeart: " + ", ".join(parts)

    @property
    def summary(self) -> str:
        return (
            f"{len(self.overdue)} overdue, {len(self.due_tomorrow)} due tomorrow, "
            f"{len(self.waiting)} waiting"
        )


def reminders_for(today: date) -> list[Reminder]:
    """Everyone with something to hear about today, reminded or not."""
    by_user: dict[int, Reminder] = {}

    def reminder(user: User) -> Reminder:
        return by_user.setdefault(user.pk, Reminder(user))

    open_work = (
        Assignment.objects.open()
        .filter(due_on__lte=today + timedelta(days=1))
        .exclude(due_on=today)
        .select_related("exercise", "rep", "assigned_by")
        .order_by("due_on", "pk")
    )
    for assignment in open_work:
        target = reminder(assignment.rep)
        if assignment.due_on < today:
            target.overdue.append(assignment)
        else:
            target.due_tomorrow.append(assignment)
    waiting = (
        Assignment.objects.filter(reflection__state=State.SUBMITTED, assigned_by__isnull=False)
        .select_related("exercise", "rep", "assigned_by", "reflection")
        .order_by("reflection__submitted_at", "pk")
    )
    for assignment in waiting:
        reminder(assignment.assigned_by).waiting.append(assignment)
    return [item for item in by_user.values() if item.user.is_active and item.user.email]


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    already: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def send_reminders(*, today: date, base_url: str, dry_run: bool = False) -> Outcome:
    outcome = Outcome()
    reminded = set(ReminderLog.objects.filter(sent_on=today).values_list("user_id", flat=True))
    for item in sorted(reminders_for(today), key=lambda r: r.user.username):
        if item.user.pk in reminded:
            outcome.already += 1
            continue
        if dry_run:
            outcome.sent.append(f"{item.user.email}: {item.subject}")
            continue
        body = render_to_string(
            "reflections/email/reminder.txt",
            {
                "reminder": item,
                "base_url": base_url.rstrip("/"),
                "mine_url": reverse("reflections:my_assignments"),
                "dashboard_url": reverse("reflections:training_dashboard"),
            },
        )
        try:
            # The log row and the email stand or fall together: a failed send rolls
            # the row back, so the next run tries again; a second run racing this one
            # waits on the unique (user, day) row and then finds it taken.
            with transaction.atomic():
                _, created = ReminderLog.objects.get_or_create(
                    user=item.user, sent_on=today, defaults={"summary": item.summary}
                )
                if not created:
                    outcome.already += 1
                    continue
                send_mail(item.subject, body, None, [item.user.email])
        except Exception as error:
            # One bad address or a mail server hiccup must not stop the others.
            outcome.failed[item.user.email] = str(error)
            continue
        outcome.sent.append(f"{item.user.email}: {item.subject}")
    return outcome
