from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from salesheart.dates import validate_plausible_date


class PlainLabels:
    """Labels read as written: no colon appended (several of ours already end a phrase)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FormRenderer(TemplatesSetting):
    """Every field rendered as a group sits in one wrapper, so grids lay out whole fields."""

    field_template_name = "forms/field.html"


# Ids come from the browser; one larger than the database's integer would reach the
# database and fail there (SQLite raises OverflowError, which Django does not catch).
MAX_ID = 2**63 - 1


def is_plausible_id(value: object) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_plausible_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not is_plausible_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class PlausibleDateField(forms.DateField):
    """A date field that refuses years no conversation or assignment can have."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        validate_plausible_date(value)


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time that refuses years no conversation can have.

    In validate(), not in validators: a form that empties a field's validators
    (a draft's date may be in the future) still gets this check."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        validate_plausible_date(value)


class TimeZoneForm(PlainLabels, forms.Form):
    time_zone = forms.ChoiceField(
        label="Your time zone",
        required=False,
        help_text="Every time you enter or read in SalesHeart is in this time zone.",
    )

    def __init__(self, *args: Any, organisation_zone: str, **kwargs: Any) -> None:
        from salesheart.time_zones import zone_choices

        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", f"The organisation's ({organisation_zone.replace('_', ' ')})"),
            *zone_choices(),
        ]
        self.fields["time_zone"].error_messages["invalid_choice"] = (
            "%(value)s is not a time zone we know. Choose one from the list."
        )
