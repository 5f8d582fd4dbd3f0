"""Writes that touch several rows of a conversation; each one is atomic.

Size: one module on purpose: every write that takes the conversation's row lock
(lock_conversation) is here, so the rule and the lock order are read in one place.

The rule of the product lives here, below every form and view: no product
talk before a pain point, and every proposal answers pain points of the same
conversation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.backends.utils import debug_transaction
from django.utils import timezone

from conversations import fragments
from conversations.kinds import REP_KINDS
from conversations.metrics import Segment, figures_from_segments
from conversations.models import (
    FIGURE_FIELDS,
    MEASURED_SOURCES,
    WORD_SOURCES,
    CoachingNote,
    Conversation,
    Customer,
    PainPoint,
    ProductTalk,
    Recording,
    TalkBand,
    TalkSegment,
    Transcript,
)
from conversations.transcripts import cue_kinds, parse_transcript

if TYPE_CHECKING:
    from salesheart.models import Team, User

NO_PAIN_POINT_YET = (
    "Record what the customer told you first: add at least one pain point "
    "before anything you proposed."
)
MUST_ANSWER_A_PAIN_POINT = "Choose at least one pain point that this proposal answers."
FOREIGN_PAIN_POINT = "A proposal can only answer pain points heard in this conversation."
PAIN_POINT_STILL_ANSWERED = (
    "This pain point is the only one a proposal answers. Change or remove that proposal first."
)
LAST_PAIN_POINT_OF_A_LOG = (
    "A logged conversation keeps at least one pain point: it is what the customer told you. "
    "Edit this one instead, or add another before removing it."
)
ANSWER_GONE = (
    "A pain point you chose was removed meanwhile (perhaps in another tab). "
    "Choose again from the pain points listed now."
)
CONVERSATION_GONE = "This conversation is not there any more, so nothing was saved."


def _recount(conversation: Conversation) -> None:
    conversation_refresh_figures(conversation=conversation)


def lock_conversation(conversation: Conversation | int) -> Conversation:
    """Take the conversation's row lock, inside the caller's transaction, and return
    the row as stored now.

    Every write to a conversation's pain points or proposals takes this lock first, so
    the rule is checked and written against the same state: whoever comes second waits,
    then reads what the first one left. It is always the first lock taken, so two
    writes never wait on each other the other way round."""
    pk = conversation if isinstance(conversation, int) else conversation.pk
    locked = Conversation.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise ValidationError(CONVERSATION_GONE, code="conversation_gone")
    return locked


@transaction.atomic
def conversation_start(
    *,
    rep: User,
    customer: Customer,
    occurred_at: datetime,
    channel: str = Conversation.Channel.VIDEO,
    kind: str = Conversation.Kind.REAL,
    call_type: str = Conversation.CallType.DISCOVERY,
    purpose: str = "",
    plan_their_world: str = "",
    plan_questions: str = "",
) -> Conversation:
    if customer.rep_id != rep.pk:
        raise ValidationError("Choose one of your own customers.", code="foreign_customer")
    return Conversation.objects.create(
        rep=rep,
        customer=customer,
        occurred_at=occurred_at,
        channel=channel,
        kind=kind,
        call_type=call_type,
        purpose=purpose,
        plan_their_world=plan_their_world,
        plan_questions=plan_questions,
    )


@transaction.atomic
def conversation_start_with_customer(
    *,
    rep: User,
    customer: Customer | None,
    new_customer_name: str = "",
    new_customer_company: str = "",
    **conversation: Any,
) -> Conversation:
    """Start a conversation with one of the rep's customers or, when none is given, with
    a customer met for the first time: both are saved, or neither. The rest of the
    arguments are conversation_start's."""
    if customer is None:
        customer = Customer.objects.create(
            rep=rep, name=new_customer_name.strip(), company=new_customer_company.strip()
        )
    return conversation_start(rep=rep, customer=customer, **conversation)


@transaction.atomic
def pain_point_add(
    *,
    conversation: Conversation,
    description: str,
    impact: str = "",
    urgency: str = PainPoint.Urgency.MEDIUM,
    heard_at: float | None = None,
) -> PainPoint:
    if not description.strip():
        raise ValidationError("Write what the customer told you.", code="empty_pain_point")
    lock_conversation(conversation)
    pain_point = PainPoint.objects.create(
        conversation=conversation,
        description=description.strip(),
        impact=impact.strip(),
        urgency=urgency,
        heard_at=heard_at,
    )
    _recount(conversation)
    return pain_point


def pain_point_removal_refused(pain_point: PainPoint, conversation: Conversation) -> str:
    """Why this pain point cannot be removed now, or "" when it can."""
    if conversation.status == Conversation.Status.LOGGED and not (
        conversation.pain_points.exclude(pk=pain_point.pk).exists()
    ):
        return LAST_PAIN_POINT_OF_A_LOG
    for proposal in pain_point.answered_by.prefetch_related("answers"):
        if {answer.pk for answer in proposal.answers.all()} == {pain_point.pk}:
            return PAIN_POINT_STILL_ANSWERED
    return ""


@transaction.atomic
def pain_point_delete(*, pain_point: PainPoint) -> None:
    """Remove a pain point, unless a proposal would be left answering nothing or a logged
    conversation would be left with nothing the customer told. Removing one that is
    already gone (another tab, a second click) is done already."""
    conversation = lock_conversation(pain_point.conversation_id)
    current = conversation.pain_points.filter(pk=pain_point.pk).first()
    if current is None:
        return
    if refused := pain_point_removal_refused(current, conversation):
        code = "last_pain_point" if refused == LAST_PAIN_POINT_OF_A_LOG else "still_answered"
        raise ValidationError(refused, code=code)
    current.delete()
    _recount(pain_point.conversation)


def _check_answers(conversation: Conversation, answers: Iterable[PainPoint]) -> list[PainPoint]:
    """The chosen pain points as stored now; call it under lock_conversation."""
    chosen = {answer.pk for answer in answers}
    if not conversation.pain_points.exists():
        raise ValidationError(NO_PAIN_POINT_YET, code="no_pain_point")
    if not chosen:
        raise ValidationError(MUST_ANSWER_A_PAIN_POINT, code="no_answer")
    stored = list(PainPoint.objects.filter(pk__in=chosen))
    if any(answer.conversation_id != conversation.pk for answer in stored):
        raise ValidationError(FOREIGN_PAIN_POINT, code="foreign_pain_point")
    if len(stored) < len(chosen):
        raise ValidationError(ANSWER_GONE, code="answer_gone")
    return stored


@transaction.atomic
def product_talk_add(
    *,
    conversation: Conversation,
    proposal: str,
    answers: Iterable[PainPoint],
    said_at: float | None = None,
) -> ProductTalk:
    answers = _check_answers(lock_conversation(conversation), answers)
    if not proposal.strip():
        raise ValidationError("Write what you proposed.", code="empty_proposal")
    product_talk = ProductTalk.objects.create(
        conversation=conversation, proposal=proposal.strip(), said_at=said_at
    )
    product_talk.answers.set(answers)
    return product_talk


@transaction.atomic
def product_talk_update(
    *,
    product_talk: ProductTalk,
    proposal: str,
    answers: Iterable[PainPoint],
    seen_version: int | None = None,
    by: User | None = None,
) -> ProductTalk:
    """Change a proposal and what it answers, refused (EditConflict) when someone saved
    it after the form was shown at seen_version."""
    answers = _check_answers(lock_conversation(product_talk.conversation_id), answers)
    if not proposal.strip():
        raise ValidationError("Write what you proposed.", code="empty_proposal")
    product_talk.proposal = proposal.strip()
    product_talk.save_edit(fields=["proposal"], seen_version=seen_version, by=by)
    product_talk.answers.set(answers)
    return product_talk


@transaction.atomic
def product_talk_delete(*, product_talk: ProductTalk) -> None:
    """Remove a proposal (nothing depends on one); one already gone is done already."""
    conversation = lock_conversation(product_talk.conversation_id)
    conversation.product_talks.filter(pk=product_talk.pk).delete()


def conversation_draft_save(*, conversation: Conversation, draft: dict) -> None:
    """Keep what the rep typed but has not saved (a failed form, an autosave): only the
    draft column, so nothing saved is touched and no version moves."""
    Conversation.objects.filter(pk=conversation.pk).update(
        draft_data={**draft, "_saved_at": timezone.now().isoformat()}
    )


def conversation_draft_discard(*, conversation: Conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(draft_data={})


@transaction.atomic
def coaching_notes_seen(*, conversation: Conversation, note_ids: Iterable[int]) -> None:
    """The rep has read these notes of the conversation: the list and the dashboard stop
    calling them new."""
    notes = CoachingNote.objects.filter(
        conversation=conversation, pk__in=list(note_ids), seen_at=None
    )
    if notes.update(seen_at=timezone.now()):
        # An update sends no signal; the lists' "New coaching note" badges are kept.
        fragments.touch([conversation.rep_id])


@transaction.atomic
def conversation_finish(*, conversation: Conversation) -> Conversation:
    """Turn a draft into a logged conversation once the customer's side is on record."""
    if not lock_conversation(conversation).pain_points.exists():
        raise ValidationError(NO_PAIN_POINT_YET, code="no_pain_point")
    conversation.status = Conversation.Status.LOGGED
    conversation.draft_data = {}
    conversation.save()
    _recount(conversation)
    return conversation


@transaction.atomic
def conversation_delete(*, conversation: Conversation) -> None:
    """Soft delete: the row stays for an undo, and every list forgets it."""
    conversation.deleted_at = timezone.now()
    conversation.save(update_fields=["deleted_at", "updated_at"])


@transaction.atomic
def conversation_restore(*, conversation: Conversation) -> None:
    conversation.deleted_at = None
    conversation.save(update_fields=["deleted_at", "updated_at"])


# Measured talk: segments from the live tracker or a transcript ------------------

MAX_SEGMENTS = 5000
MAX_CONVERSATION_SECONDS = 8 * 3600
PAIN_NOTE_LIMIT = 300


# Only what the figures are: the instance may have been read before the rep saved
# the log in another tab, and its older fields must not be written back.
REFRESHED_FIELDS = [*FIGURE_FIELDS, "pain_point_count", "updated_at"]


def conversation_refresh_figures(
    *, conversation: Conversation, written: tuple[list[Segment], str] | None = None
) -> Conversation:
    """Store figures from the timeline when there is one, else from the rep's estimate.

    `written` is the timeline and its source from a caller that has just stored them,
    so that they are not read back."""
    if written is None:
        # Rows, not models: an hour's transcript is 1,500 lines, read after every re-tag.
        rows = list(conversation.segments.values_list("kind", "start", "end", "text", "source"))
        segments = [Segment(kind=row[0], start=row[1], end=row[2], text=row[3]) for row in rows]
        source = rows[0][4] if rows else ""
    else:
        segments, source = written
    if not segments:
        if conversation.figures_source in MEASURED_SOURCES:
            conversation.figures_source = ""
        conversation.pain_point_count = conversation.pain_points.count()
        conversation.refresh_estimated_figures()
        conversation.save(update_fields=REFRESHED_FIELDS)
        return conversation
    heard_at = list(conversation.pain_points.values_list("heard_at", flat=True))
    figures = figures_from_segments(
        segments,
        pain_points_heard_at=heard_at,
        # Pauses are timed only by a transcript's own timestamps: the tracker's segments
        # touch at every key press, and an untimed transcript's durations are guesses.
        timed=source == Conversation.Source.TRANSCRIPT
        and bool(
            Transcript.objects.filter(conversation=conversation)
            .values_list("timed", flat=True)
            .first()
        ),
    )
    if figures.diagnosed_first is False and not any(t is not None for t in heard_at) and heard_at:
        # Pain points logged by hand carry no moment: whether they came before the
        # pitch cannot be told from this timeline, so say nothing rather than "no".
        figures = replace(figures, diagnosed_first=None)
    conversation.pain_point_count = len(heard_at)
    conversation.store_figures(figures, source)
    conversation.save(update_fields=REFRESHED_FIELDS)
    return conversation


def _checked_segments(raw_segments: Iterable[dict]) -> list[Segment]:
    segments = []
    for raw in raw_segments:
        try:
            segment = Segment(
                kind=str(raw["kind"]), start=float(raw["start"]), end=float(raw["end"])
            )
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                "The tracker sent a timeline this version cannot read. Reload the page "
                "and finish again: nothing recorded on your device is lost.",
                code="bad_timeline",
            ) from None
        if not (0 <= segment.start <= segment.end <= MAX_CONVERSATION_SECONDS):
            raise ValidationError(
                "The timeline has times outside the conversation.", code="bad_timeline"
            )
        segments.append(segment)
    if len(segments) > MAX_SEGMENTS:
        raise ValidationError(
            f"The timeline has more than {MAX_SEGMENTS} parts.", code="bad_timeline"
        )
    return segments


@transaction.atomic
def tracking_save(
    *,
    conversation: Conversation,
    run: str,
    segments: Iterable[dict],
    pain_points: Iterable[dict] = (),
) -> Conversation:
    """Save a live tracker run: its timeline replaces any earlier one, its pain points
    are added. Saving the same run twice (a retry) changes nothing."""
    conversation = lock_conversation(conversation)
    if run and conversation.tracked_run == run:
        return conversation
    checked = _checked_segments(segments)
    stamps = []
    for raw in pain_points:
        try:
            heard_at = float(raw["at"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError("A pain point has no moment.", code="bad_timeline") from None
        if not 0 <= heard_at <= MAX_CONVERSATION_SECONDS:
            raise ValidationError("A pain point is outside the conversation.", code="bad_timeline")
        note = str(raw.get("note") or "").strip()[:PAIN_NOTE_LIMIT]
        stamps.append((heard_at, note))
    conversation.segments.all().delete()
    TalkSegment.objects.bulk_create(
        TalkSegment(
            conversation=conversation,
            source=Conversation.Source.TRACKED,
            kind=segment.kind,
            start=segment.start,
            end=segment.end,
            position=index,
        )
        for index, segment in enumerate(checked)
    )
    for heard_at, note in stamps:
        # No note stays empty: PainPoint.label names the moment, never in the customer's voice.
        PainPoint.objects.create(conversation=conversation, description=note, heard_at=heard_at)
    conversation.tracked_run = run
    conversation.save(update_fields=["tracked_run"])
    return conversation_refresh_figures(conversation=conversation)


@transaction.atomic
def transcript_add(*, conversation: Conversation, text: str, filename: str = "") -> Transcript:
    """Parse a transcript and keep it beside the one in use, waiting for the rep to say who
    sells (`transcript_analyse` puts it in use). An earlier upload still waiting is dropped.

    Raises TranscriptError with a message for the page; nothing is stored then."""
    parsed = parse_transcript(text)
    # Two imports at once would each delete the waiting one and both insert a new one:
    # one at a time, the second simply replaces the first.
    lock_conversation(conversation)
    Transcript.objects.filter(pending_for=conversation).delete()
    return Transcript.objects.create(
        pending_for=conversation,
        filename=filename[:255],
        format=parsed.format,
        timed=parsed.timed,
        raw_text=text,
        parsed=parsed.to_json(),
        speakers=parsed.speakers,
    )


@transaction.atomic
def transcript_discard(*, transcript: Transcript) -> None:
    """Drop an upload whose sellers were never chosen; the transcript in use stays as it is."""
    if transcript.pending_for_id is None:
        raise ValidationError("This transcript is in use; it can't be discarded.", code="in_use")
    transcript.delete()


@transaction.atomic
def transcript_analyse(*, transcript: Transcript, rep_speakers: Iterable[str]) -> Transcript:
    """Turn the transcript into the conversation's timeline, rep lines classified.

    A waiting upload replaces the transcript in use here, and only here."""
    rep_speakers = [name for name in dict.fromkeys(rep_speakers) if name in transcript.speakers]
    if not rep_speakers:
        raise ValidationError("Choose who was on the selling side.", code="no_rep_speaker")
    if len(rep_speakers) == len(transcript.speakers):
        raise ValidationError(
            "Leave at least one speaker on the customer's side.", code="no_customer_speaker"
        )
    if not transcript.has_text:
        raise ValidationError(
            "The transcript text was deleted; import the file again.", code="raw_deleted"
        )
    conversation = transcript.of_conversation
    # Pain points marked on the old timeline are matched to the new one below.
    lock_conversation(conversation)
    if not Transcript.objects.filter(pk=transcript.pk).exists():
        raise ValidationError(
            "This upload was replaced or discarded meanwhile. Import the file again.",
            code="gone",
        )
    parsed = transcript.read()
    if transcript.pending_for_id is not None:
        Transcript.objects.filter(conversation=conversation).delete()
        transcript.pending_for, transcript.conversation = None, conversation
        # Both in one update: a row is always either in use or waiting, never neither.
        transcript.save(update_fields=["pending_for", "conversation"])
    team = conversation.rep.team
    kinds = cue_kinds(parsed, set(rep_speakers), team.keyword_list if team else [])
    # Pain points marked on an earlier analysis stay linked to the same line.
    marked = {
        (heard_at, description): pk
        for pk, heard_at, description in conversation.pain_points.filter(
            heard_at__isnull=False
        ).values_list("pk", "heard_at", "description")
    }
    conversation.segments.all().delete()
    rows = [
        (
            conversation.pk,
            Conversation.Source.TRANSCRIPT,
            kind,
            cue.start or 0.0,
            cue.end if cue.end is not None else (cue.start or 0.0),
            cue.speaker,
            cue.text[:5000],
            index,
            marked.get((cue.start or 0.0, cue.text[:2000])) if kind == "customer" else None,
        )
        for index, (cue, kind) in enumerate(zip(parsed.cues, kinds, strict=True))
    ]
    _insert_segments(rows)
    transcript.rep_speakers = rep_speakers
    transcript.notes = [
        {"start": note.start, "end": note.end, "text": note.text[:500]} for note in parsed.notes
    ]
    transcript.analysed_at = timezone.now()
    # Not the whole row: its text and what was read of it are a megabyte or more.
    transcript.save(update_fields=["rep_speakers", "notes", "analysed_at"])
    # The lines just written, in the order the figures sort them into anyway.
    segments = [Segment(kind=row[2], start=row[3], end=row[4], text=row[6]) for row in rows]
    conversation_refresh_figures(
        conversation=conversation, written=(segments, Conversation.Source.TRANSCRIPT)
    )
    return transcript


_SEGMENT_COLUMNS = (
    "conversation",
    "source",
    "kind",
    "start",
    "end",
    "speaker",
    "text",
    "position",
    "pain_point",
)


def _insert_segments(rows: list[tuple]) -> None:
    """Insert timeline lines given as rows in the order of _SEGMENT_COLUMNS.

    bulk_create builds a model for each of an hour's 1,500 lines and compiles every field
    of every row, which took longer than reading the file (issue 15). The values are plain
    numbers and strings, so nothing is lost by skipping the models. SQLite runs in this
    process: one executemany. PostgreSQL would take that as 1,500 round trips; there the
    rows go as one binary COPY."""
    if not rows:
        return
    fields = [TalkSegment._meta.get_field(name) for name in _SEGMENT_COLUMNS]
    quote = connection.ops.quote_name
    table = quote(TalkSegment._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    if connection.vendor == "postgresql":
        _copy_rows_postgresql(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", fields, rows)
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", rows
        )


def _copy_rows_postgresql(copy: str, fields: list, rows: list[tuple]) -> None:
    """The rows in PostgreSQL's binary COPY format.

    An INSERT had to carry 13,500 values as nine arrays, and the driver spent longer
    building them than the server spent storing the rows; COPY writes each row as it is
    (a quarter less time for an hour's lines, written and committed). Django's cursors
    have no COPY, so this one is logged and counted as a query the way Django logs one,
    and its errors are Django's database errors."""
    # The column's type without its length: "varchar(12)" is dumped as any "varchar".
    types = [field.db_type(connection).split("(", 1)[0] for field in fields]
    connection.validate_no_broken_transaction()
    with (
        debug_transaction(connection, copy),
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(copy) as writer,
    ):
        writer.set_types(types)
        for row in rows:
            writer.write_row(row)


@transaction.atomic
def segment_retag(*, segment: TalkSegment, kind: str) -> TalkSegment:
    if not segment.is_rep or kind not in REP_KINDS:
        raise ValidationError(
            "Rep lines can be a question, product talk or other.", code="bad_kind"
        )
    segment.kind = kind
    segment.save(update_fields=["kind"])
    conversation_refresh_figures(conversation=segment.conversation)
    return segment


@transaction.atomic
def segment_mark_pain(*, segment: TalkSegment) -> PainPoint:
    """A customer line becomes a pain point in their own words, heard at that moment."""
    if segment.is_rep:
        raise ValidationError("Only the customer's lines can be pain points.", code="rep_line")
    # Two quick clicks must make one pain point: read the line again under the lock.
    lock_conversation(segment.conversation_id)
    locked = TalkSegment.objects.filter(pk=segment.pk).first()
    if locked is None:
        raise ValidationError(
            "This line is not on the timeline any more (the transcript was analysed again). "
            "Reload the page.",
            code="line_gone",
        )
    if locked.pain_point_id:
        segment.pain_point = locked.pain_point
        return segment.pain_point
    pain_point = PainPoint.objects.create(
        conversation=segment.conversation,
        description=segment.text[:2000],
        heard_at=segment.start,
    )
    segment.pain_point = pain_point
    segment.save(update_fields=["pain_point"])
    conversation_refresh_figures(conversation=segment.conversation)
    return pain_point


@transaction.atomic
def transcript_delete_raw(*, transcript: Transcript, words_too: bool = False) -> Transcript:
    """Forget the imported text, and with `words_too` the words of every line as well.

    The timeline keeps its shape (who spoke when, and what each of the rep's lines
    did), so the figures stay; pain points stay too, being the rep's own record.
    """
    if not transcript.is_analysed:
        raise ValidationError(
            "Choose who was on the selling side first: the text is still needed to build "
            "the timeline.",
            code="not_analysed",
        )
    transcript.raw_text = ""
    transcript.parsed = None  # the same words, read
    transcript.raw_deleted_at = transcript.raw_deleted_at or timezone.now()
    fields = ["raw_text", "parsed", "raw_deleted_at"]
    if words_too:
        transcript.notes = []  # "[laughter]" is little, but it is what the file said
        fields.append("notes")
    transcript.save(update_fields=fields)
    if words_too:
        transcript.of_conversation.segments.filter(source__in=WORD_SOURCES).exclude(text="").update(
            text=""
        )
    return transcript


@transaction.atomic
def team_bands_save(*, team: Team, bands: dict[str, dict[str, float]]) -> list[TalkBand]:
    """Store a team's bands for each kind of call given (call type -> TalkBand values)."""
    saved = []
    for call_type, values in bands.items():
        band, _ = TalkBand.objects.update_or_create(team=team, call_type=call_type, defaults=values)
        saved.append(band)
    return saved


def _vtt_time(seconds: float) -> str:
    millis = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _vtt_safe(text: str) -> str:
    # File names and recognised words must not be read as WebVTT markup or cue timings.
    return " ".join(text.replace("-->", "→").replace("<", "‹").replace(">", "›").split())


def recording_labels(result: dict) -> list[str]:
    """Each side's speaker name on the timeline: as the file says, made unique."""
    labels: list[str] = []
    for side in result["sides"]:
        base = _vtt_safe(side["label"])[:100] or "Speaker"
        label, number = base, 2
        while label in labels:
            label, number = f"{base} ({number})", number + 1
        labels.append(label)
    return labels


def recording_webvtt(result: dict) -> str:
    """The measured lines as a WebVTT transcript, so they take the transcript path."""
    cues = sorted(
        (start, end, label, text)
        for label, side in zip(recording_labels(result), result["sides"], strict=True)
        for start, end, text in side["lines"] or []
    )
    blocks = ["WEBVTT"]
    for start, end, label, text in cues:
        blocks.append(
            f"{_vtt_time(start)} --> {_vtt_time(end)}\n<v {label}>{_vtt_safe(text) or '…'}"
        )
    return "\n\n".join(blocks) + "\n"


@transaction.atomic
def recording_apply(
    *, conversation: Conversation, result: dict, rep_sides: Iterable[int], filename: str = ""
) -> Conversation:
    """A measured recording becomes the conversation's timeline, labelled "recording".

    With words, the lines go through the transcript path (classification, re-tag, pain
    points, deletable text) as a WebVTT transcript. Without words, each side's speech
    becomes customer talk or rep talk ("other": without words, nothing says what the
    rep's talk did), which still gives the listening ratio and the timing figures.
    """
    sides = result["sides"]
    chosen = sorted({index for index in rep_sides if 0 <= index < len(sides)})
    if not chosen:
        raise ValidationError("Choose which side is yours (the selling side).", code="no_rep_side")
    if len(chosen) == len(sides):
        raise ValidationError("Leave at least one side for the customer.", code="no_customer_side")
    labels = recording_labels(result)
    if all(side["lines"] is not None for side in sides):
        transcript = transcript_add(
            conversation=conversation, text=recording_webvtt(result), filename=filename
        )
        transcript_analyse(transcript=transcript, rep_speakers=[labels[i] for i in chosen])
        conversation.segments.update(source=Conversation.Source.RECORDING)
        return conversation_refresh_figures(conversation=conversation)
    lock_conversation(conversation)
    # An older transcript's words would no longer match the timeline.
    Transcript.objects.filter(conversation=conversation).delete()
    conversation.segments.all().delete()
    spans = sorted(
        (start, end, index) for index, side in enumerate(sides) for start, end in side["spans"]
    )
    TalkSegment.objects.bulk_create(
        TalkSegment(
            conversation=conversation,
            source=Conversation.Source.RECORDING,
            kind=TalkSegment.Kind.OTHER if index in chosen else TalkSegment.Kind.CUSTOMER,
            start=start,
            end=end,
            speaker=labels[index],
            position=position,
        )
        for position, (start, end, index) in enumerate(spans)
    )
    return conversation_refresh_figures(conversation=conversation)


def recording_check_upload(*, files: list, max_bytes: int) -> None:
    """Refuse, before anything is stored, what can never be measured (RecordingError)."""
    from conversations.recordings.analyse import MONO_MESSAGE, check_size
    from conversations.recordings.decode import probe_channels
    from conversations.recordings.errors import RecordingError

    if not files:
        raise RecordingError("no_file", "Choose the recording to upload.")
    if len(files) > MAX_RECORDING_FILES:
        raise RecordingError(
            "too_many", f"Upload at most {MAX_RECORDING_FILES} files, one per participant."
        )
    check_size(sum(upload.size for upload in files), max_bytes=max_bytes)
    channels = [probe_channels(upload) for upload in files]
    if len(files) == 1 and channels[0] < 2:
        raise RecordingError("mono", MONO_MESSAGE)


MAX_RECORDING_FILES = 12


def recording_start(*, conversation: Conversation, files: list, words: bool) -> Recording:
    """Store the uploads and queue the measuring job (which receives only the row's id)."""
    from conversations.tasks import measure_recording, recording_storage

    storage = recording_storage()
    folder = uuid.uuid4().hex
    stored = []
    try:
        for index, upload in enumerate(files):
            suffix = Path(upload.name).suffix.lower()[:10]
            stored.append(
                {
                    "name": upload.name[:255],
                    "path": storage.save(f"{folder}/{index}{suffix}", upload),
                }
            )
        with transaction.atomic():
            recording = Recording.objects.create(
                conversation=conversation, files=stored, words=words
            )
            transaction.on_commit(lambda: measure_recording.enqueue(recording.pk))
    except BaseException:
        for entry in stored:
            storage.delete(entry["path"])
        raise
    return recording


@transaction.atomic
def recording_cancel(*, recording: Recording) -> Recording:
    from conversations.tasks import delete_files

    locked = Recording.objects.select_for_update().get(pk=recording.pk)
    if locked.state in {Recording.State.QUEUED, Recording.State.RUNNING, Recording.State.READY}:
        delete_files(locked)
        locked.state = Recording.State.CANCELLED
        locked.result = None
        locked.finished_at = timezone.now()
        locked.save()
    return locked


@transaction.atomic
def recording_choose(*, recording: Recording, rep_sides: Iterable[int]) -> Recording:
    """The rep's side is chosen: the measured timeline becomes the conversation's."""
    locked = Recording.objects.select_for_update().get(pk=recording.pk)
    if locked.state != Recording.State.READY or not locked.result:
        raise ValidationError(
            "This recording was already applied or cancelled. Reload the page.", code="not_ready"
        )
    rep_sides = list(rep_sides)
    recording_apply(
        conversation=locked.conversation,
        result=locked.result,
        rep_sides=rep_sides,
        filename=locked.filenames,
    )
    locked.rep_sides = sorted(set(rep_sides))
    locked.state = Recording.State.DONE
    # The words now live in the transcript (deletable there); nothing else is kept.
    locked.result = None
    locked.save()
    return locked
