"""The conversation timeline as drawing instructions for an inline SVG.

Python does the arithmetic; the template only places shapes. Coordinates live
in a fixed 1000-wide viewBox so the SVG scales to any screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse

from conversations.metrics import Segment, figures_from_segments

if TYPE_CHECKING:
    from collections.abc import Iterable

    from conversations.models import CoachingNote, Conversation, PainPoint, TalkSegment

WIDTH = 1000.0
CUSTOMER_ROW_Y = 34
REP_ROW_Y = 74
ROW_HEIGHT = 26
# Bars narrower than this many units are merged with a same-kind neighbour, so a
# 1,500-line transcript draws a few hundred shapes instead of 1,500 slivers.
MERGE_GAP = 1.0
# The transcript's lines come in pages of this many: an hour's call is 1,500 lines, and
# all of them on one page made more than a megabyte to send and to draw (issue 15).
LINES_PER_PAGE = 50


def line_page(index: int) -> int:
    """The page of the transcript lines that shows the line at this index (from 0)."""
    return index // LINES_PER_PAGE + 1


def line_url(conversation_pk: int, segment_pk: int, index: int) -> str:
    """A transcript line on its page of the timeline; page 1 needs no number."""
    url = reverse("conversations:transcript_timeline", args=[conversation_pk])
    page = line_page(index)
    return f"{url}{f'?page={page}' if page > 1 else ''}#segment-{segment_pk}"


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: int
    kind: str
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass(frozen=True)
class NoteMarker:
    """A coaching note pinned to a moment: drawn under the rep's row, linked to the note."""

    x: float
    label: str
    anchor: str
    at: str
    author: str
    text: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Moment:
    """A figure's place on the timeline: a highlight in the drawing and a link target."""

    key: str  # "monologue", "story", "first-pitch", "first-pain"
    name: str
    start: float
    end: float
    x: float
    width: float
    line_href: str = ""  # the transcript line it starts on, when there is one
    line_text: str = ""

    @property
    def anchor(self) -> str:
        return f"moment-{self.key}"

    @property
    def label(self) -> str:
        if self.end > self.start:
            return f"{self.name}: {clock(self.start)}–{clock(self.end)}"
        return f"{self.name}: {clock(self.start)}"


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    pain_markers: list[Marker]
    first_pitch: Marker | None
    first_pain: Marker | None
    ticks: list[Tick]
    length: float
    summary: str
    end_label: str = ""
    note_markers: list[NoteMarker] = field(default_factory=list)
    height: int = 130
    row_height: int = ROW_HEIGHT
    customer_y: int = CUSTOMER_ROW_Y
    rep_y: int = REP_ROW_Y
    moments: list[Moment] = field(default_factory=list)

    def moment(self, key: str) -> Moment | None:
        return next((moment for moment in self.moments if moment.key == key), None)

    # Note markers hang under the rep's row, clear of the pain markers above the customer's.
    note_y: int = REP_ROW_Y + ROW_HEIGHT + 1


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def _tick_step(length: float) -> int:
    for step in (30, 60, 120, 300, 600, 900, 1800, 3600):
        if length / step <= 8:
            return step
    return 7200


def build_timeline(
    conversation: Conversation,
    segments: list[TalkSegment],
    pain_points: list[PainPoint],
    notes: Iterable[CoachingNote] = (),
) -> Timeline | None:
    drawable = [s for s in segments if s.end > s.start]
    if not drawable:
        return None
    length = max(s.end for s in drawable)
    scale = WIDTH / length

    bars: list[Bar] = []
    for segment in drawable:
        y = CUSTOMER_ROW_Y if segment.kind == "customer" else REP_ROW_Y
        x, width = segment.start * scale, (segment.end - segment.start) * scale
        previous = bars[-1] if bars else None
        if (
            previous
            and previous.kind == segment.kind
            and x - (previous.x + previous.width) <= MERGE_GAP
        ):
            start = previous.x / scale
            label = f"{segment.get_kind_display()} {clock(start)}–{clock(segment.end)}"
            bars[-1] = Bar(previous.x, x + width - previous.x, y, segment.kind, label)
            continue
        label = f"{segment.get_kind_display()} {clock(segment.start)}–{clock(segment.end)}"
        bars.append(Bar(x, max(width, 0.6), y, segment.kind, label))

    heard = sorted(p.heard_at for p in pain_points if p.heard_at is not None)
    pain_markers = [Marker(t * scale, f"Pain point heard at {clock(t)}") for t in heard]
    pitches = [s.start for s in drawable if s.kind == "pitch"]
    first_pitch = (
        Marker(min(pitches) * scale, f"First pitch {clock(min(pitches))}") if pitches else None
    )
    first_pain = Marker(heard[0] * scale, f"First pain point {clock(heard[0])}") if heard else None

    # A note's moment was checked against the timeline when it was left; a timeline
    # replaced since may be shorter, so the marker stays at its end rather than off it.
    note_markers = [
        NoteMarker(
            x=min(note.at_seconds, length) * scale,
            label=f"Coaching note at {clock(note.at_seconds)} by {note.author}: {note.text}",
            anchor=f"note-{note.pk}",
            at=clock(note.at_seconds),
            author=str(note.author),
            text=note.text,
        )
        for note in sorted(
            (n for n in notes if n.at_seconds is not None), key=lambda n: n.at_seconds
        )
    ]

    step = _tick_step(length)
    # A label too close to the right edge would be cut off; the end time is in the caption.
    ticks = [
        Tick(t * scale, clock(t))
        for t in range(0, int(length) + 1, step)
        if t * scale <= WIDTH - 40
    ]

    parts = [f"Talk timeline of {clock(length)}."]
    if first_pain:
        parts.append(first_pain.label + ".")
    parts.append(first_pitch.label + "." if first_pitch else "No pitch.")
    if note_markers:
        count = len(note_markers)
        parts.append(f"{count} coaching note{'s' if count > 1 else ''} pinned to a moment.")
    if conversation.listening_ratio is not None:
        parts.append(
            f"The customer talked {round(conversation.listening_ratio * 100)} % of the time."
        )
    return Timeline(
        bars=bars,
        pain_markers=pain_markers,
        first_pitch=first_pitch,
        first_pain=first_pain,
        ticks=ticks,
        length=length,
        summary=" ".join(parts),
        end_label=clock(length),
        moments=timeline_moments(
            conversation, drawable, pain_points, scale, {s.pk: i for i, s in enumerate(segments)}
        ),
        note_markers=note_markers,
    )


def timeline_moments(
    conversation: Conversation,
    segments: list[TalkSegment],
    pain_points: list[PainPoint],
    scale: float,
    indexes: dict[int, int] | None = None,
) -> list[Moment]:
    """Where the longest monologue and story, the first pain point and the first pitch
    are, found by the same rules as the stored figures (conversations/metrics.py).

    `indexes` places each segment among all the conversation's lines, for its page."""
    figures = figures_from_segments(
        Segment(kind=s.kind, start=s.start, end=s.end, text=s.text) for s in segments
    )
    transcript = bool(segments) and segments[0].source == "transcript"
    if indexes is None:
        indexes = {s.pk: i for i, s in enumerate(segments)}

    def line_href(segment: TalkSegment | None) -> str:
        if not (transcript and segment):
            return ""
        return line_url(conversation.pk, segment.pk, indexes.get(segment.pk, 0))

    def starting(at: float, rep: bool) -> TalkSegment | None:
        return next((s for s in segments if s.start == at and s.is_rep == rep), None)

    found: list[tuple[str, str, float, float, TalkSegment | None]] = []
    if span := figures.longest_rep_monologue_span:
        found.append(
            ("monologue", "Longest monologue", span.start, span.end, starting(span.start, True))
        )
    if span := figures.longest_customer_story_span:
        found.append(
            ("story", "Longest customer story", span.start, span.end, starting(span.start, False))
        )
    heard = [p for p in pain_points if p.heard_at is not None]
    if heard:
        first = min(heard, key=lambda p: p.heard_at)
        line = next((s for s in segments if s.pain_point_id == first.pk), None) or next(
            (s for s in segments if not s.is_rep and s.start <= first.heard_at < s.end), None
        )
        found.append(("first-pain", "First pain point", first.heard_at, first.heard_at, line))
    pitch = next((s for s in segments if s.kind == "pitch"), None)
    if pitch:
        found.append(("first-pitch", "First pitch", pitch.start, pitch.start, pitch))
    return [
        Moment(
            key,
            name,
            start,
            end,
            start * scale,
            max((end - start) * scale, 2.0),
            line_href(line),
            line.text[:200] if transcript and line else "",
        )
        for key, name, start, end, line in found
    ]


def length_mismatch(conversation: Conversation, timeline: Timeline | None) -> bool:
    """A logged duration and a timeline that disagree by a minute or more: the page must
    say the figures come from the timeline, not from the duration beside it."""
    if timeline is None or not conversation.duration_minutes:
        return False
    return abs(conversation.duration_minutes * 60 - timeline.length) >= 60
