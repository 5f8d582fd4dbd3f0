"""The transcript's lines: the timeline page, re-tagging and pain points, deleting the text.

Every page is the owning rep's (a manager who may read the conversation gets 403,
anyone else 404). The lines come in pages (timeline.LINES_PER_PAGE): an hour's call is
1,500 of them. Each rep line can be re-tagged and each customer line marked as a pain
point: in place with htmx, the figures box redrawn out of band, and without JavaScript
as one form for the page whose buttons each post their own line, coming back to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Window
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import services
from conversations.access import get_conversation_for_user, get_segment
from conversations.kinds import REP_KIND_CHOICES
from conversations.models import WORD_SOURCES, Conversation, TalkSegment, Transcript
from conversations.templatetags.talk import percent
from conversations.timeline import LINES_PER_PAGE, line_url

# The lookups of the transcript in use and the upload waiting are the import's.
from conversations.views.transcripts import _both_of, _pending_of, _transcript_of, _url
from salesheart.http import AuthenticatedHttpRequest
from salesheart.pending import kept_post

TIMELINE_TEMPLATE = "conversations/transcript_timeline.html"
# More pages than any transcript has (MAX_LINES lines at most), and a number any database takes.
_PAGES_AT_MOST = 10_000


def _clock(seconds: float, *, estimated: bool) -> str:
    """00:05, 1:02:03; "≈" marks a time worked out from word counts, not read from the file."""
    hours, rest = divmod(int(max(seconds, 0.0)), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return f"≈{text}" if estimated else text


def _dress(
    segments: list[TalkSegment],
    transcript: Transcript | None,
    kept_kinds: dict[int, str] | None = None,
) -> list[TalkSegment]:
    """Give each line what the template shows, so rendering asks the database nothing."""
    estimated = transcript is not None and not transcript.timed
    kept_kinds = kept_kinds or {}
    for segment in segments:
        from_text = segment.source in WORD_SOURCES
        segment.clock = _clock(segment.start, estimated=estimated and from_text)
        segment.iso_offset = f"PT{segment.start:.3f}S"
        segment.chosen_kind = kept_kinds.get(segment.pk, segment.kind)
    return segments


@dataclass(frozen=True)
class TimelineNote:
    """What the file marked between the lines ("[laughter]"): shown, and counted nowhere."""

    text: str
    start: float
    clock: str
    is_note: bool = True

    @property
    def iso_offset(self) -> str:
        return f"PT{self.start:.3f}S"


def _with_notes(
    segments: list[TalkSegment],
    transcript: Transcript,
    before: float | None = None,
    *,
    last: bool = True,
) -> list[Any]:
    """A page of lines with the transcript's notes in their places, a note before a line
    at its time. A page holds the notes after the line before it (`before`, None on the
    first page) up to its own last line, and the last page every note after that."""
    if not transcript.notes:
        return segments
    estimated = not transcript.timed
    notes = [
        TimelineNote(note["text"], note["start"], _clock(note["start"], estimated=estimated))
        for note in transcript.notes
        if (before is None or note["start"] > before)
        and (last or not segments or note["start"] <= segments[-1].start)
    ]
    rows: list[Any] = []
    index = 0
    for segment in segments:
        while index < len(notes) and notes[index].start <= segment.start:
            rows.append(notes[index])
            index += 1
        rows.append(segment)
    return rows + notes[index:]


# Timeline ----------------------------------------------------------------------------------


def _figures_context(conversation: Conversation) -> dict[str, Any]:
    return {"conversation": conversation, "team": conversation.rep.team}


def _kept_retag(
    request: AuthenticatedHttpRequest, conversation: Conversation, lines: list[TalkSegment]
) -> dict[int, str]:
    """A re-tag sent after the session ran out, shown chosen on its line to be sent again.

    Taken only on the page that shows its line, so it is never dropped unseen."""
    peek = kept_post(request, "conversations:segment_retag", pk=conversation.pk, take=False)
    if peek is None or peek.kwargs.get("segment") not in {line.pk for line in lines}:
        return {}
    line = peek.kwargs["segment"]
    kept = kept_post(request, "conversations:segment_retag", pk=conversation.pk, segment=line)
    return {line: kept.data.get(f"kind-{line}", kept.data.get("kind", ""))} if kept else {}


@dataclass(frozen=True)
class LinesPage:
    """One page of the transcript's lines, and where the others are."""

    number: int
    count: int  # pages in all
    first: int  # the number of its first line, from 1
    last: int
    total: int  # lines in all

    @property
    def numbers(self) -> range:
        return range(1, self.count + 1)


def _page_number(request: AuthenticatedHttpRequest) -> int:
    """The page asked for; a word or a number below 1 is the first, and a number past
    the last (held to what a database takes) is the last."""
    try:
        return min(max(int(request.GET.get("page", "1")), 1), _PAGES_AT_MOST)
    except ValueError:
        return 1


def _lines_page(
    conversation: Conversation, number: int
) -> tuple[LinesPage, list[TalkSegment], float | None]:
    """The page's lines and how many there are in all, in one query at any length, with
    the line before them: its start says which of the file's notes are this page's."""
    offset = (number - 1) * LINES_PER_PAGE
    segments = list(
        conversation.segments.annotate(lines=Window(Count("pk")))[
            max(offset - 1, 0) : offset + LINES_PER_PAGE
        ]
    )
    before = segments.pop(0).start if offset and segments else None
    if not segments and number > 1:
        # Past the end (the timeline was built again, shorter): its last page.
        last = max(math.ceil(conversation.segments.count() / LINES_PER_PAGE), 1)
        return _lines_page(conversation, last)
    total = segments[0].lines if segments else 0
    page = LinesPage(
        number, max(math.ceil(total / LINES_PER_PAGE), 1), offset + 1, offset + len(segments), total
    )
    return page, segments, before


@require_safe
def transcript_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    transcript, pending = _both_of(conversation)
    if transcript is None and pending is not None:
        return redirect(_url("transcript_speakers", conversation))
    if transcript is None:
        messages.info(request, "Import a transcript first.")
        return redirect(_url("transcript_import", conversation))
    page, segments, before = _lines_page(conversation, _page_number(request))
    if not segments:
        return redirect(_url("transcript_speakers", conversation))
    return render(
        request,
        TIMELINE_TEMPLATE,
        {
            **_figures_context(conversation),
            "transcript": transcript,
            "pending": pending,
            "page": page,
            "segments": _dress(segments, transcript, _kept_retag(request, conversation, segments)),
            "rows": _with_notes(segments, transcript, before, last=page.number == page.count),
            # Only said once the text is deleted: then the words of the lines may be too.
            "words_left": transcript.raw_deleted_at is not None
            and conversation.segments.filter(source__in=WORD_SOURCES).exclude(text="").exists(),
            "kind_choices": REP_KIND_CHOICES,
        },
    )


def _line_response(
    request: AuthenticatedHttpRequest,
    conversation: Conversation,
    segment: TalkSegment,
    *,
    error: str = "",
    just_marked: bool = False,
) -> HttpResponse:
    """The line swapped in place; the figures box and the spoken status out of band."""
    _dress([segment], _transcript_of(conversation))
    context = {
        **_figures_context(conversation),
        "segment": segment,
        "kind_choices": REP_KIND_CHOICES,
        "error": error,
        # The button that was pressed is gone: the focus goes to what replaced it.
        "just_marked": just_marked,
        "status": error or _status(segment, conversation),
        "oob": True,
    }
    html = render_to_string(f"{TIMELINE_TEMPLATE}#line", context, request)
    if not error:
        html += render_to_string(f"{TIMELINE_TEMPLATE}#figures", context, request)
    html += render_to_string(f"{TIMELINE_TEMPLATE}#status", context, request)
    return HttpResponse(html)


def _status(segment: TalkSegment, conversation: Conversation) -> str:
    """What changed, in words: the figures box changes silently for a screen reader."""
    if segment.is_rep:
        kind = dict(REP_KIND_CHOICES).get(segment.kind, segment.kind)
        return (
            f"Line at {segment.clock} is now {kind}. "
            f"Pitch share {percent(conversation.pitch_share)}."
        )
    count = conversation.pain_point_count
    return f"Marked as a pain point. {count} pain point{'' if count == 1 else 's'} in all."


def _back_to_line(segment: TalkSegment) -> HttpResponse:
    """Back to the line on its page of the timeline, counted in the lines' own order."""
    earlier = segment.conversation.segments.filter(
        Q(start__lt=segment.start)
        | Q(start=segment.start, position__lt=segment.position)
        | Q(start=segment.start, position=segment.position, pk__lt=segment.pk)
    ).count()
    return redirect(line_url(segment.conversation_id, segment.pk, earlier))


def _posted_kind(request: AuthenticatedHttpRequest, line: TalkSegment) -> str:
    """The kind chosen for this line: the timeline's one form holds a choice for every
    line of its page, each named after its line ("kind-12"); a single "kind" also does."""
    return request.POST.get(f"kind-{line.pk}", request.POST.get("kind", ""))


@require_POST
def segment_retag(request: AuthenticatedHttpRequest, pk: int, segment: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    line = get_segment(conversation, segment)
    try:
        services.segment_retag(segment=line, kind=_posted_kind(request, line))
    except ValidationError as error:
        line.refresh_from_db(fields=["kind"])
        if request.htmx:
            return _line_response(request, conversation, line, error=error.messages[0])
        messages.error(request, error.messages[0])
        return _back_to_line(line)
    if request.htmx:
        return _line_response(request, conversation, line)
    messages.success(request, f"Line at {_clock(line.start, estimated=False)} re-tagged.")
    return _back_to_line(line)


@require_POST
def segment_mark_pain(request: AuthenticatedHttpRequest, pk: int, segment: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    line = get_segment(conversation, segment)
    try:
        services.segment_mark_pain(segment=line)
    except ValidationError as error:
        if request.htmx:
            return _line_response(request, conversation, line, error=error.messages[0])
        messages.error(request, error.messages[0])
        return _back_to_line(line)
    if request.htmx:
        return _line_response(request, conversation, line, just_marked=True)
    messages.success(request, "Marked as a pain point, heard at that moment.")
    return _back_to_line(line)


# Deleting the raw text --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def transcript_delete_raw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    transcript = _transcript_of(conversation) or _pending_of(conversation)
    if transcript is None:
        messages.info(request, "There is no transcript to delete.")
        return redirect(_url("transcript_import", conversation))
    if not transcript.is_analysed:
        # Without the text the selling side can never be chosen, so there would be no timeline.
        messages.error(
            request,
            "Choose the selling side first: the timeline is built from the text, "
            "so it can only be deleted afterwards.",
        )
        return redirect(_url("transcript_speakers", conversation))
    words_left = conversation.segments.filter(source__in=WORD_SOURCES).exclude(text="")
    if request.method == "POST":
        # A post without the choice (a page from before it existed) deletes the least.
        words_too = request.POST.get("scope") == "words"
        if transcript.raw_deleted_at is None or (words_too and words_left.exists()):
            services.transcript_delete_raw(transcript=transcript, words_too=words_too)
            messages.success(
                request,
                "The transcript text and the words of every line are deleted. The timeline's "
                "shape, its figures and your pain points stay."
                if words_too
                else "The transcript text is deleted. The timeline, its figures and your pain "
                "points stay.",
            )
        return redirect(_url("transcript_timeline", conversation))
    # The question is asked on the timeline's own page, which shows it instead of the lines.
    return render(
        request,
        TIMELINE_TEMPLATE,
        {
            **_figures_context(conversation),
            "transcript": transcript,
            "confirm_delete": True,
            "words_left": words_left.exists(),
            "line_count": conversation.segments.count(),
        },
    )
