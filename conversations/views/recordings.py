"""Measure from a recording: upload (with consent), progress, the rep's side, done.

Every step is the owning rep's (someone else's conversation or recording is 404).
The measuring runs in the background; the progress page polls with htmx and, without
JavaScript, refreshes itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from conversations import services
from conversations.access import get_conversation_for_user, get_recording
from conversations.models import Recording
from conversations.recording_forms import RecordingUploadForm, SideForm
from conversations.recordings.errors import MONO_MESSAGE, RecordingError
from conversations.tasks import recording_check_stale
from conversations.transcripts import TranscriptError
from salesheart.http import AuthenticatedHttpRequest
from salesheart.idempotency import create_once
from salesheart.models import User

UPLOAD_TEMPLATE = "conversations/recording_upload.html"
PROGRESS_TEMPLATE = "conversations/recording_progress.html"


def _progress_url(recording: Recording) -> str:
    return reverse(
        "conversations:recording_progress", args=[recording.conversation_id, recording.pk]
    )


def _check_upload(form: RecordingUploadForm) -> None:
    """What can never be measured is refused before anything is stored."""
    try:
        services.recording_check_upload(
            files=form.cleaned_data["files"], max_bytes=settings.RECORDING_MAX_BYTES
        )
    except RecordingError as error:
        raise ValidationError({"files": ValidationError(error.message, code=error.code)}) from error


@require_http_methods(["GET", "POST"])
def recording_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    team = conversation.rep.team
    mono = False
    if request.method == "POST":
        form = RecordingUploadForm(request.POST, request.FILES)
        # A second click must not store the audio twice and start a second job.
        if answer := create_once(
            request,
            form,
            check=lambda: _check_upload(form),
            create=lambda: services.recording_start(
                conversation=conversation,
                files=form.cleaned_data["files"],
                words=form.cleaned_data["words"],
            ),
            url=_progress_url,
        ):
            return answer
        mono = form.has_error("files", "mono")
    else:
        form = RecordingUploadForm(initial={"words": team.recording_words if team else True})
    return render(
        request,
        UPLOAD_TEMPLATE,
        {
            "conversation": conversation,
            "form": form,
            "mono": mono,
            "mono_message": MONO_MESSAGE,
            "active": conversation.recordings.filter(
                state__in=[Recording.State.QUEUED, Recording.State.RUNNING, Recording.State.READY]
            ).first(),
        },
    )


def _likely_rep_sides(recording: Recording, rep: User) -> list[int]:
    """The rep's side by what they chose last time (stereo) or by name (tracks)."""
    sides = recording.result["sides"]
    if recording.layout == "stereo":
        last = (
            Recording.objects.filter(
                conversation__rep=rep, state=Recording.State.DONE, layout="stereo"
            )
            .exclude(pk=recording.pk)
            .values_list("rep_sides", flat=True)
            .first()
        )
        return last[:1] if last and last[0] < len(sides) else []
    names = {part.lower() for part in (rep.first_name, rep.last_name, rep.username) if part}
    return [
        index
        for index, side in enumerate(sides)
        if names & {word.lower() for word in side["label"].replace("-", " ").split()}
    ]


def _sides_preview(recording: Recording, checked: list[int]) -> list[dict]:
    """When each side talks and its share: enough to recognise yourself without playing."""
    result = recording.result
    length = max(result["seconds"], 1.0)
    total = sum(side["talk"] for side in result["sides"]) or 1.0
    return [
        {
            "index": index,
            "label": side["label"],
            "checked": index in checked,
            "talk": side["talk"],
            "share": round(100 * side["talk"] / total),
            "bars": [
                {
                    "x": round(1000 * start / length, 1),
                    "width": max(1.0, round(1000 * (end - start) / length, 1)),
                }
                for start, end in side["spans"]
            ],
            "first_words": next(
                (text for _s, _e, text in side["lines"] or [] if text and text != "…"), ""
            )[:160],
        }
        for index, side in enumerate(result["sides"])
    ]


def _done_url(recording: Recording) -> str:
    if recording.words:
        return reverse("conversations:transcript_timeline", args=[recording.conversation_id])
    return recording.conversation.get_absolute_url()


@require_safe
def recording_progress(request: AuthenticatedHttpRequest, pk: int, recording: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    job = recording_check_stale(get_recording(conversation, recording))
    if request.htmx and not job.is_active:
        # The next step needs the whole page (the side choice or the message).
        return HttpResponseClientRedirect(_progress_url(job))
    if job.state == Recording.State.DONE:
        return redirect(_done_url(job))
    context = {"conversation": conversation, "recording": job}
    if job.state == Recording.State.READY:
        labels = [side["label"] for side in job.result["sides"]]
        context["form"] = SideForm(labels=labels, stereo=job.layout == "stereo")
        context["sides"] = _sides_preview(job, _likely_rep_sides(job, request.user))
    template = PROGRESS_TEMPLATE + "#progress" if request.htmx else PROGRESS_TEMPLATE
    return render(request, template, context)


@require_POST
def recording_choose(request: AuthenticatedHttpRequest, pk: int, recording: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    job = get_recording(conversation, recording)
    if job.state != Recording.State.READY:
        messages.info(request, "This recording was already applied or cancelled.")
        return redirect(_progress_url(job))
    labels = [side["label"] for side in job.result["sides"]]
    form = SideForm(request.POST, labels=labels, stereo=job.layout == "stereo")
    if form.is_valid():
        try:
            services.recording_choose(recording=job, rep_sides=form.chosen)
        except ValidationError as error:
            form.add_error(None, error)
        except TranscriptError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Measured from the recording. The audio is deleted.")
            return redirect(_done_url(job))
    return render(
        request,
        PROGRESS_TEMPLATE,
        {
            "conversation": conversation,
            "recording": job,
            "form": form,
            "sides": _sides_preview(
                job, [int(v) for v in request.POST.getlist("rep_sides") if v.isdigit()]
            ),
        },
    )


@require_POST
def recording_cancel(request: AuthenticatedHttpRequest, pk: int, recording: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    services.recording_cancel(recording=get_recording(conversation, recording))
    messages.info(request, "Cancelled. The recording is deleted.")
    return redirect(conversation.get_absolute_url())
