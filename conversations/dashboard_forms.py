from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from conversations.dashboards import Period
from conversations.models import Conversation
from salesheart.forms import PlainLabels, PlausibleDateField

MAX_RANGE_DAYS = 730
# Rendered filter fields by what was asked (see `rendered_fields`); a few hundred at most.
_RENDERED: dict[tuple, SafeString] = {}
_RENDERED_MAX = 256


class DashboardFilterForm(PlainLabels, forms.Form):
    """Period and filters of a dashboard; anything invalid falls back to the last 30 days."""

    period = forms.ChoiceField(
        choices=[("30", "Last 30 days"), ("90", "Last 90 days"), ("custom", "Custom range")],
        initial="30",
        required=False,
    )
    start = PlausibleDateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = PlausibleDateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="Real or practice",
        choices=[("", "Both"), *Conversation.Kind.choices],
        required=False,
    )
    call = forms.ChoiceField(
        label="Kind of call",
        choices=[("", "Every kind"), *Conversation.CallType.choices],
        required=False,
    )
    source = forms.ChoiceField(
        label="Figures from",
        choices=[("", "Any source"), *Conversation.Source.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("period") != "custom":
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if not start or not end:
            self.add_error("start", "Choose both a start and an end date for a custom range.")
        elif start > end:
            self.add_error("end", "The end date is before the start date.")
        elif (end - start).days > MAX_RANGE_DAYS:
            self.add_error("end", "Choose a range of two years at most.")
        elif start > timezone.localdate():
            self.add_error("start", "That range is in the future; there is nothing to show yet.")
        return cleaned

    def _valid(self, name: str, default: str = "") -> str:
        if not self.is_bound or not self.is_valid():
            return self.cleaned_data.get(name, default) if self.is_bound else default
        return self.cleaned_data.get(name) or default

    @property
    def chosen_period(self) -> Period:
        choice = self._valid("period", "30")
        if choice == "90":
            return Period.last_days(90)
        if choice == "custom" and self.is_valid():
            start, end = self.cleaned_data["start"], self.cleaned_data["end"]
            return Period(start, end, f"{start:%d %b %Y} to {end:%d %b %Y}")
        return Period.last_days(30)

    @property
    def chosen_kind(self) -> str:
        return self._valid("kind")

    @property
    def chosen_source(self) -> str:
        return self._valid("source")

    @property
    def chosen_call_type(self) -> str:
        return self._valid("call")

    @property
    def rendered_fields(self) -> SafeString:
        """The six fields as the page shows them, errors included.

        Rendering them through the form templates cost a dashboard more than all its
        figures (benchmarks/profile_page.py). The markup depends only on the values asked
        for, today's date (a range in the future is refused) and the language, so it is
        kept per process by exactly those: never stale, nothing to invalidate."""
        asked = tuple((name, tuple(self.data.getlist(name))) for name in self.fields)
        key = (self.is_bound, asked, timezone.localdate(), translation.get_language())
        rendered = _RENDERED.get(key)
        if rendered is None:
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.clear()
            rendered = mark_safe(  # noqa: S308 (Django's own rendering of the fields)
                "\n  ".join(self[name].as_field_group() for name in self.fields)
            )
            _RENDERED[key] = rendered  # threads may race here: both store the same markup
        return rendered
