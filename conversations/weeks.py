"""Each conversation stores the week it falls in, cut at its rep's team's midnight.

When a rep's week zone changes (a new team, or the team's zone), the base
(salesheart.time_zones) sends week_zone_changed; this recomputes the stored weeks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conversations.fragments import touch
from conversations.models import Conversation
from salesheart.time_zones import week_of, week_zones


def recompute_weeks(rep_ids: Iterable[int]) -> int:
    """Recompute the stored week of every conversation of these reps, after their team
    (or its time zone) changed. Returns how many rows moved to another week."""
    rep_ids = list(rep_ids)
    if not rep_ids:
        return 0
    zones = week_zones(rep_ids)
    moved = []
    rows = Conversation.objects.filter(rep_id__in=rep_ids).only("pk", "rep_id", "occurred_at")
    for conversation in rows.order_by().iterator(chunk_size=2000):
        week = week_of(conversation.occurred_at, zones[conversation.rep_id])
        if week != conversation.occurred_week:
            conversation.occurred_week = week
            moved.append(conversation)
    # A plain bulk update: the week is bookkeeping, it moves no edit version.
    Conversation.objects.bulk_update(moved, ["occurred_week"], batch_size=1000)
    # A bulk update sends no signal: the week tables changed, so do the dashboards' stamps.
    touch(rep_ids)
    return len(moved)


def on_week_zone_changed(sender: object, *, rep_ids: list[int], **kwargs: Any) -> None:
    recompute_weeks(rep_ids)
