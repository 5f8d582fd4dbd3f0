"""The conversation timeline as drawing instructions for an inline SVG.

Python does the arithmetic; the template only places shapes. Coordinates live
in a fixed 1000-wide viewBox so the SVG scales to any screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
        note_markers=note_markers,
    )


def length_mismatch(conversation: Conversation, timeline: Timeline | None) -> bool:
    """A logged duration and a timeline that disagree by a minute or more: the page must
    say the figures come from the timeline, not from the duration beside it."""
    if timeline is None or not conversation.duration_minutes:
        return False
    return abs(conversation.duration_minutes * 60 - timeline.length) >= 60
