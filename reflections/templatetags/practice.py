"""What to practise next, and why: the rep's exercises given from a flag, each with its
reason and whether the figure it was about has recovered since.

A template tag, so the rep's dashboard (in conversations) shows it without conversations
importing reflections; it reads the flags the dashboard already computed.
"""

from __future__ import annotations

from django import template

from conversations import coaching
from conversations.dashboard_forms import DashboardFilterForm
from reflections.models import Assignment

register = template.Library()

LIMIT = 5


def practice_items(assignments, flags, summary) -> list[dict]:
    items = []
    for assignment in assignments:
        figure = (assignment.evidence or {}).get("figure", "")
        recovered = summary is not None and coaching.has_recovered(flags, figure, summary)
        items.append(
            {
                "assignment": assignment,
                "recovered": recovered,
                "now": coaching.figure_now(summary, figure) if summary is not None else "",
            }
        )
    return items


@register.inclusion_tag("reflections/partials/practise_next.html", takes_context=True)
def practise_next(context: template.Context, rep) -> dict:
    """One query: the rep's open assignments, those given from a flag first."""
    assignments = list(
        Assignment.objects.filter(rep=rep)
        .open()
        .exclude(reason="")
        .select_related("exercise", "assigned_by", "reflection")
        .order_by("due_on", "pk")[:LIMIT]
    )
    return {
        "items": practice_items(assignments, context.get("coaching", []), context.get("summary")),
        "flags": [flag for flag in context.get("coaching", []) if not flag.is_good],
    }


@register.simple_tag
def recovery(assignment: Assignment) -> dict[str, str]:
    """On the assignment's own page, where the figure stands now (two queries)."""
    figure = (assignment.evidence or {}).get("figure", "")
    if not figure:
        return {}
    found = coaching.for_rep(assignment.rep, DashboardFilterForm(None))
    now = coaching.figure_now(found.summary, figure)
    if coaching.has_recovered(found.flags, figure, found.summary):
        return {"tone": "good", "text": f"Recovered: {now} in the last 30 days"}
    return {"tone": "", "text": f"Not yet: {now} in the last 30 days"} if now else {}
