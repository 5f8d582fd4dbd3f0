from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone

from reflections.models import Assignment
from salesheart.models import User

register = template.Library()

# How many open assignments a rep's dashboard lists; the rest are on their assignments page.
DUE_ON_DASHBOARD = 5


@register.inclusion_tag("reflections/partials/reflections_due.html")
def reflections_due(rep: User) -> dict:
    """The rep dashboard's "Reflections due": drawn here, so the conversations app that
    owns the dashboard needs to know nothing of assignments."""
    due = (
        Assignment.objects.filter(rep=rep)
        .open()
        .overdue_first()
        .select_related("exercise", "reflection")[:DUE_ON_DASHBOARD]
    )
    return {"due": due}


@register.inclusion_tag("reflections/partials/state_badge.html")
def state_badge(assignment: Assignment) -> dict:
    return {"reflection": assignment.reflection, "overdue": assignment.is_overdue}


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


@register.filter
def due_phrase(assignment: Assignment) -> str:
    """ "Due tomorrow", "3 days overdue": the date in the words a rep plans by."""
    days = (assignment.due_on - timezone.localdate()).days
    if not assignment.reflection.is_open:
        return f"Due {short_date(assignment.due_on)}"
    if days < 0:
        plural = "s" if days != -1 else ""
        return f"{-days} day{plural} overdue (due {short_date(assignment.due_on)})"
    if days == 0:
        return "Due today"
    if days == 1:
        return "Due tomorrow"
    return f"Due {short_date(assignment.due_on)}"
