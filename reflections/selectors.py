"""Reads the trainer's and the manager's pages share: counts by state and completion.

Each is one aggregate query, whatever the number of assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from reflections.models import AssignmentQuerySet, State, overdue_filter


@dataclass(frozen=True)
class StateCount:
    key: str
    label: str
    count: int
    tone: str = ""


def state_counts(assignments: AssignmentQuerySet, today: date | None = None) -> list[StateCount]:
    """Overdue first, then every state in the order a reflection moves through them."""
    today = today or timezone.localdate()
    totals = assignments.order_by().aggregate(
        overdue=Count("pk", filter=overdue_filter(today)),
        **{state.value: Count("pk", filter=Q(reflection__state=state)) for state in State},
    )
    tones = {"overdue": "bad", State.SUBMITTED: "warn", State.RETURNED: "bad"}
    return [
        StateCount("overdue", "Overdue", totals["overdue"], tones["overdue"]),
        *[
            StateCount(state.value, state.label, totals[state.value], tones.get(state, ""))
            for state in (
                State.ASSIGNED,
                State.DRAFT,
                State.SUBMITTED,
                State.RETURNED,
                State.REVIEWED,
            )
        ],
    ]


@dataclass(frozen=True)
class Completion:
    label: str
    total: int
    submitted: int
    reviewed: int
    overdue: int

    @property
    def done(self) -> int:
        """The rep's part is done once the reflection is submitted."""
        return self.submitted + self.reviewed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


GROUPS = {
    "team": ("rep__team__name",),
    "exercise": ("exercise__title", "exercise_id"),
    "rep": ("rep__first_name", "rep__last_name", "rep__username", "rep_id"),
}


def _label(group: str, row: dict) -> str:
    if group == "team":
        return row["rep__team__name"] or "No team any more"
    if group == "exercise":
        return row["exercise__title"]
    name = f"{row['rep__first_name']} {row['rep__last_name']}".strip()
    return name or row["rep__username"]


def completion(
    assignments: AssignmentQuerySet, *, by: str, today: date | None = None
) -> list[Completion]:
    today = today or timezone.localdate()
    fields = GROUPS[by]
    rows = (
        assignments.order_by()
        .values(*fields)
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(reflection__state=State.SUBMITTED)),
            reviewed=Count("pk", filter=Q(reflection__state=State.REVIEWED)),
            overdue=Count("pk", filter=overdue_filter(today)),
        )
    )
    result = [
        Completion(
            label=_label(by, row),
            total=row["total"],
            submitted=row["submitted"],
            reviewed=row["reviewed"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda item: item.label.lower())
