from __future__ import annotations

from typing import Any

from django import forms

from conversations.bands import BAND_FIELDS
from conversations.models import TalkBand
from salesheart.forms import PlainLabels


class TalkBandForm(PlainLabels, forms.ModelForm):
    """One kind of call's bands; the page shows one per kind, each with its own prefix."""

    class Meta:
        model = TalkBand
        fields = BAND_FIELDS
        labels = {
            "listening_min": "Listening from (%)",
            "listening_max": "Listening up to (%)",
            "monologue_max": "Longest monologue at most (seconds)",
            "story_min": "Longest customer story at least (seconds)",
            "questions_min": "Questions from",
            "questions_max": "Questions up to",
            "patience_min": "Patience at least (seconds)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update(inputmode="decimal" if name == "patience_min" else "numeric")
        self.fields["patience_min"].widget.attrs["step"] = "0.1"
