from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting


class PlainLabels:
    """Labels read as written: no colon appended (several of ours already end a phrase)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FormRenderer(TemplatesSetting):
    """Every field rendered as a group sits in one wrapper, so grids lay out whole fields."""

    field_template_name = "forms/field.html"
