"""Transcript import: the file or pasted text, then the selling side.

Every step is the owning rep's (a manager who may read the conversation gets 403,
anyone else 404). The timeline built from it, its lines and what can be done with
them, is in transcript_lines.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from conversations import services
from conversations.access import get_conversation_for_user
from conversations.models import Conversation, Transcript
from conversations.transcript_forms import SpeakersForm, TranscriptImportForm
from conversations.transcripts import TranscriptError
from salesheart.http import AuthenticatedHttpRequest
from salesheart.idempotency import create_once
from salesheart.models import User
from salesheart.pending import kept_post

IMPORT_TEMPLATE = "conversations/transcript_import.html"
SPEAKERS_TEMPLATE = "conversations/transcript_speakers.html"
SAMPLE_LENGTH = 140
_BRACKETS = re.compile(r"\([^)]*\)")


def _url(name: str, conversation: Conversation, anchor: str = "") -> str:
    url = reverse(f"conversations:{name}", args=[conversation.pk])
    return f"{url}#{anchor}" if anchor else url


def _first(transcripts: QuerySet[Transcript], *, with_text: bool) -> Transcript | None:
    # Up to 2 MB as uploaded, and as much again as read: only the speakers step reads the
    # text, and as read (`parsed`); the upload itself only for a transcript kept without it.
    return transcripts.defer("raw_text", *(() if with_text else ("parsed",))).first()


def _transcript_of(conversation: Conversation, *, with_text: bool = False) -> Transcript | None:
    """The transcript in use: the one the timeline was built from."""
    return _first(Transcript.objects.filter(conversation=conversation), with_text=with_text)


def _pending_of(conversation: Conversation, *, with_text: bool = False) -> Transcript | None:
    """An upload waiting for the rep to say who sells; it replaces nothing until then."""
    return _first(Transcript.objects.filter(pending_for=conversation), with_text=with_text)


def _both_of(conversation: Conversation) -> tuple[Transcript | None, Transcript | None]:
    """The transcript in use and the upload waiting, in one query (without their text)."""
    both = Transcript.objects.filter(
        Q(conversation=conversation) | Q(pending_for=conversation)
    ).defer("raw_text", "parsed")
    in_use = next((t for t in both if t.conversation_id), None)
    return in_use, next((t for t in both if t.pending_for_id), None)


# Import ------------------------------------------------------------------------------------


def _transcript_add(conversation: Conversation, form: TranscriptImportForm) -> Transcript:
    try:
        return services.transcript_add(
            conversation=conversation, text=form.transcript_text, filename=form.filename
        )
    except TranscriptError as error:
        # Said beside the file or the box it came from.
        raise ValidationError({form.source_field: error.message}) from error


@require_http_methods(["GET", "POST"])
def transcript_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    existing, waiting = _both_of(conversation)
    if request.method == "POST":
        form = TranscriptImportForm(request.POST, request.FILES)
        # A repeat is answered first: importing the same file again would undo a
        # choice of speakers made since.
        if answer := create_once(
            request,
            form,
            create=lambda: _transcript_add(conversation, form),
            url=lambda _: _url("transcript_speakers", conversation),
        ):
            return answer
    else:
        initial = {}
        # A paste sent after the session ran out comes back into the box after sign-in.
        if kept := kept_post(request, "conversations:transcript_import", pk=conversation.pk):
            initial["text"] = kept.data.get("text", "")
        form = TranscriptImportForm(initial=initial)
    return render(
        request,
        IMPORT_TEMPLATE,
        {
            "conversation": conversation,
            "form": form,
            "existing": existing,
            "pending": waiting,
            "has_tracked_timeline": existing is None
            and conversation.figures_source == Conversation.Source.TRACKED,
        },
    )


# Speakers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerSummary:
    name: str
    lines: int
    sample: str
    carried: int = 0  # lines without a name in the file, given to this speaker


def _summaries(transcript: Transcript) -> tuple[list[SpeakerSummary], int]:
    """Each speaker in order of first appearance, with their number of lines and first line;
    and how many lines before the first speaker were left out."""
    carried: dict[str, int] = {}
    skipped = 0
    if transcript.has_text:
        try:
            parsed = transcript.read()
        except TranscriptError:
            lines = []  # It was read once when imported; a parser change must not break this page.
        else:
            lines = [(cue.speaker, cue.text) for cue in parsed.cues]
            carried, skipped = parsed.carried, parsed.skipped
    else:
        lines = list(
            transcript.of_conversation.segments.order_by("start", "position").values_list(
                "speaker", "text"
            )
        )
    counts = Counter(speaker for speaker, _ in lines)
    firsts: dict[str, str] = {}
    for speaker, text in lines:
        firsts.setdefault(speaker, text)
    summaries = [
        SpeakerSummary(name, counts[name], _shorten(firsts.get(name, "")), carried.get(name, 0))
        for name in transcript.speakers
    ]
    return summaries, skipped


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SAMPLE_LENGTH else text[: SAMPLE_LENGTH - 1].rstrip() + "…"


def _normal_name(name: str) -> str:
    return " ".join(_BRACKETS.sub(" ", name).split()).casefold()


def _likely_rep_speakers(transcript: Transcript, rep: User) -> list[str]:
    """The rep's earlier choice, else the speaker named like the rep ("Rita", "Rita Osei")."""
    if transcript.rep_speakers:
        return list(transcript.rep_speakers)
    names = {_normal_name(rep.first_name), _normal_name(rep.get_full_name())} - {""}
    return [speaker for speaker in transcript.speakers if _normal_name(speaker) in names]


@require_http_methods(["GET", "POST"])
def transcript_speakers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    # A waiting upload is the one to choose for; without one, the choice can be changed.
    transcript = _pending_of(conversation, with_text=True)
    in_use = _transcript_of(conversation) if transcript else None
    transcript = transcript or _transcript_of(conversation, with_text=True)
    if transcript is None:
        messages.info(request, "Import a transcript first.")
        return redirect(_url("transcript_import", conversation))
    chosen = _likely_rep_speakers(transcript, conversation.rep)
    if request.method == "GET" and (
        kept := kept_post(request, "conversations:transcript_speakers", pk=conversation.pk)
    ):
        chosen = kept.data.getlist("rep_speakers")
    form = SpeakersForm(
        request.POST if request.method == "POST" else None,
        initial={"rep_speakers": chosen},
        speakers=transcript.speakers,
        # Once the text is deleted the choice is shown as made: changing it needs the text.
        locked=transcript.raw_deleted_at is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.transcript_analyse(
                transcript=transcript, rep_speakers=form.cleaned_data["rep_speakers"]
            )
        except ValidationError as error:
            form.add_error("rep_speakers", error)
        else:
            count = conversation.segments.count()
            messages.success(
                request,
                f"Timeline ready: {count} line{'' if count == 1 else 's'}. Re-tag any rep "
                "line we got wrong, and mark what hurts the customer as pain points.",
            )
            return redirect(_url("transcript_timeline", conversation))
    if transcript.conversation_id:
        transcript.conversation = conversation
    else:
        transcript.pending_for = conversation
    summaries, skipped = _summaries(transcript)
    return render(
        request,
        SPEAKERS_TEMPLATE,
        {
            "conversation": conversation,
            "transcript": transcript,
            "in_use": in_use,
            "form": form,
            "rows": list(zip(form["rep_speakers"], summaries, strict=True)),
            "carried": sum(summary.carried for summary in summaries),
            "skipped": skipped,
        },
    )


@require_POST
def transcript_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    pending = _pending_of(conversation)
    if pending is not None:
        services.transcript_discard(transcript=pending)
        name = f"“{pending.filename}”" if pending.filename else "The text you pasted"
        messages.success(request, f"{name} is discarded. Nothing else changed.")
    if _transcript_of(conversation) is not None:
        return redirect(_url("transcript_timeline", conversation))
    return redirect(_url("transcript_import", conversation))
