"""Dates a real conversation, plan or assignment can have.

A date typed as year 9999 (a probe, or 20266 cut short) is no conversation's:
stored, it breaks date arithmetic later (the admin's date filters step to the
year after it, which Python cannot hold). Every date a person enters goes
through one check, on the model field (the admin's forms too) and on the form
fields that have no model field behind them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

# Plans and due dates look ahead months, not years; old conversations may be
# logged from notes, but none from before anyone here was selling.
FUTURE_YEARS = 5
PAST_YEARS = 20
_YEAR = timedelta(days=365.25)


def plausible_range() -> tuple[date, date]:
    today = timezone.localdate()
    return today - PAST_YEARS * _YEAR, today + FUTURE_YEARS * _YEAR


def is_plausible(value: date | datetime) -> bool:
    earliest, latest = plausible_range()
    day = value.date() if isinstance(value, datetime) else value
    return earliest <= day <= latest


def validate_plausible_date(value: date | datetime | None) -> None:
    if value is None:
        return
    if not is_plausible(value):
        earliest, latest = plausible_range()
        raise ValidationError(
            "Check the year: a date has to be between %(earliest)s and %(latest)s.",
            code="implausible_date",
            params={"earliest": f"{earliest:%d %b %Y}", "latest": f"{latest:%d %b %Y}"},
        )
