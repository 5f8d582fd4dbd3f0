"""Time zones: each person sees and enters times in their own, a team's weeks follow the team's.

One deployment serves one organisation, whose TIME_ZONE stands in for anyone (person or
team) who has not chosen one. A person's zone is proposed from their browser on their
first sign-in and can be changed from the account menu.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import Signal, receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

if TYPE_CHECKING:
    from salesheart.models import User

# The sign-in form's hidden field that the page's script fills from the browser.
BROWSER_FIELD = "browser_time_zone"


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_zones())]


def validate_time_zone(value: str) -> None:
    if value and value not in known_zones():
        raise ValidationError(
            "%(value)s is not a time zone we know. Choose one from the list, "
            "such as Europe/London or America/New_York.",
            code="unknown_time_zone",
            params={"value": value},
        )


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The zone of that name, or the organisation's for an empty or unknown one."""
    if name and name in known_zones():
        return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def week_of(moment: datetime | None, zone: zoneinfo.ZoneInfo) -> date | None:
    """The Monday of the week a moment falls in, where the week is kept (a team's zone)."""
    if moment is None:
        return None
    day = timezone.localtime(moment, zone).date()
    return day - timedelta(days=day.weekday())


# Sent inside the saving transaction when reps' weeks may have moved: they changed team,
# or their team changed its zone. The apps that store a week per row (conversations)
# recompute theirs; the base sends rather than calls, so it imports no app.
week_zone_changed = Signal()


def recompute_weeks(rep_ids: Iterable[int]) -> None:
    """Have every stored week of these reps recomputed, after their week zone changed."""
    rep_ids = list(rep_ids)
    if rep_ids:
        week_zone_changed.send(sender=None, rep_ids=rep_ids)


def week_zones(rep_ids: Iterable[int]) -> dict[int, zoneinfo.ZoneInfo]:
    """Each rep's week zone: their team's, or the organisation's without a team."""
    from salesheart.models import User

    rows = User.objects.filter(pk__in=list(rep_ids)).values_list("pk", "team__time_zone")
    return {pk: zone_named(name or "") for pk, name in rows}


class TimeZoneMiddleware:
    """Every time a signed-in person enters or reads is in their own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            timezone.activate(zone_named(user.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


@receiver(user_logged_in, dispatch_uid="salesheart.propose_time_zone")
def propose_time_zone(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """On the first sign-in, take the browser's time zone and say so, with where to change it."""
    if request is None or user.time_zone or request.method != "POST":
        return
    proposed = request.POST.get(BROWSER_FIELD, "").strip()
    if proposed not in known_zones():
        return
    user.time_zone = proposed
    user.save(update_fields=["time_zone"])
    timezone.activate(zone_named(proposed))
    messages.info(
        request,
        format_html(
            'Times are shown in {}, your browser\'s time zone. Not right? <a href="{}">Change '
            "your time zone</a> (also in the menu under your name).",
            proposed.replace("_", " "),
            reverse("time_zone"),
        ),
    )
