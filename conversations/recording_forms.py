"""Forms of "Measure from a recording": the upload (with consent) and the rep's side."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from salesheart.forms import PlainLabels

ACCEPT = ".wav,.mp3,.m4a,.aac,.mp4,.ogg,.opus,.oga,.webm,.flac,audio/*"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class RecordingUploadForm(PlainLabels, forms.Form):
    files = MultipleFileField(
        label="The recording",
        help_text=(
            "One stereo file (one side per channel), or one file per participant. "
            "WAV, MP3, M4A, OGG/Opus, WebM or FLAC."
        ),
        error_messages={"required": "Choose the recording to upload."},
    )
    consent = forms.BooleanField(
        label="Everyone on this call agreed to be recorded.",
        error_messages={
            "required": "Confirm that everyone on the call agreed to be recorded. Without "
            "their agreement the recording cannot be used."
        },
    )
    words = forms.BooleanField(
        label="Transcribe the words too (classifies your lines; timing figures only without)",
        required=False,
    )


class SideForm(forms.Form):
    rep_sides = forms.TypedMultipleChoiceField(
        label="Your side (the selling side)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, labels: list[str], stereo: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rep_sides"]
        field.choices = [(index, label) for index, label in enumerate(labels)]
        if stereo:
            # One channel is the rep's: a radio makes the choice one click.
            self.fields["rep_sides"] = forms.TypedChoiceField(
                label="Which channel is you?",
                coerce=int,
                choices=field.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose which channel is you."},
            )

    @property
    def chosen(self) -> list[int]:
        value = self.cleaned_data["rep_sides"]
        return value if isinstance(value, list) else [value]
