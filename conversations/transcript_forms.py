"""Forms of the transcript import: the file or pasted text, then who is on the selling side.

Decoding an upload happens here, so an unreadable file is a form error like any other.
Parsing happens once, in `services.transcript_add`: its TranscriptError goes on the page
through `add_error`, so the rules of what a transcript looks like live in one place.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from conversations.transcripts import MAX_BYTES, TranscriptError, decode_upload
from salesheart.forms import PlainLabels

ONE_OF_THE_TWO = "Upload a file or paste the text."
NOT_BOTH = (
    "Upload a file or paste the text, not both: we can't tell which one you meant. "
    "Clear the text box, or import without the file."
)
MEGABYTE = 1024 * 1024


def too_large_message(size: int) -> str:
    # Same words as the parser's own limit message, but with the real size of the file:
    # the upload is refused from its size alone, before a byte of it is read.
    megabytes = math.ceil(size / MEGABYTE * 10) / 10
    return (
        f"This transcript is too large to import: it is {megabytes:.1f} MB and the limit is "
        f"{MAX_BYTES // MEGABYTE} MB. Remove anything that isn't the conversation, or split "
        "the call into parts and import them one at a time."
    )


class TranscriptImportForm(PlainLabels, forms.Form):
    file = forms.FileField(
        label="Upload the transcript file",
        required=False,
        # An empty file gets the parser's message, which says what a transcript looks like.
        allow_empty_file=True,
        help_text=(
            "WebVTT (.vtt) from Zoom, Teams or Meet, SRT (.srt), or a text export from "
            "Zoom, Google Meet, Fathom or Otter.ai. Up to "
            f"{MAX_BYTES // MEGABYTE} MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".vtt,.srt,.txt,text/vtt,text/plain"}),
    )
    text = forms.CharField(
        label="Or paste the conversation",
        required=False,
        # Kept exactly as pasted: leading spaces and blank lines are part of some formats.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=(
            "One line per turn, starting with the speaker's name and a colon: "
            "“Sam Patel: We lose two days every month on reports.” Times such as "
            "[00:01:05] at the start of a line are used when every line has one."
        ),
    )

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError(too_large_message(upload.size), code="too_large")
        try:
            self.decoded_text = decode_upload(upload.read())
        except TranscriptError as error:
            raise ValidationError(error.message, code=error.code) from error
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_text = bool(cleaned.get("text", "").strip())
        if self.has_error("file"):
            return cleaned
        if cleaned.get("file") and has_text:
            raise ValidationError(NOT_BOTH, code="both")
        if not cleaned.get("file") and not has_text:
            raise ValidationError(ONE_OF_THE_TWO, code="required")
        return cleaned

    @property
    def source_field(self) -> str:
        """The field the transcript came from, where a problem with it is shown."""
        return "file" if self.cleaned_data.get("file") else "text"

    @property
    def transcript_text(self) -> str:
        return self.decoded_text if self.cleaned_data.get("file") else self.cleaned_data["text"]

    @property
    def refused_file_name(self) -> str:
        """The name of an uploaded file that was refused: the page can't keep the file itself."""
        upload = self.files.get(self.add_prefix("file")) if self.is_bound else None
        return upload.name if upload and self.has_error("file") else ""

    @property
    def filename(self) -> str:
        upload = self.cleaned_data.get("file")
        return upload.name if upload else ""


class SpeakersForm(PlainLabels, forms.Form):
    """Who was on the selling side; the rules (at least one each side) are the service's."""

    rep_speakers = forms.MultipleChoiceField(
        label="On the selling side",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": (
                "“%(value)s” is not one of the speakers in this transcript. Reload the page "
                "and choose again."
            )
        },
    )

    def __init__(
        self, *args: Any, speakers: list[str], locked: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rep_speakers"].choices = [(name, name) for name in speakers]
        self.fields["rep_speakers"].disabled = locked

    def clean_rep_speakers(self) -> list[str]:
        # A name sent twice must not count twice when the service compares the sides.
        return list(dict.fromkeys(self.cleaned_data["rep_speakers"]))
