"""What the transcript modules share: limits, the parsed result, and the rep's messages.

See docs/transcripts.md for the choices behind every rule.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
# The length a timeline line keeps of a speaker's name (TalkSegment.speaker): names are
# cut here, once, so the speakers list, the lines and the classifier all hold one form.
SPEAKER_NAME_MAX = 120
WORDS_PER_MINUTE = 150
MIN_CUE_SECONDS = 1.0

FORMAT_WEBVTT = "webvtt"
FORMAT_SRT = "srt"
FORMAT_PLAIN = "plain"

EXPECTED_FORM = "Sam Patel: We lose two days every month on reports."


def _wordset(words: str) -> frozenset[str]:
    """A word table written as one string: easier to read and to extend than a list."""
    return frozenset(words.split())


@dataclass(frozen=True)
class Cue:
    """One line of the conversation: who said it, what they said, when (seconds)."""

    speaker: str
    text: str
    start: float | None
    end: float | None


@dataclass(frozen=True)
class Note:
    """Something the file records that nobody said: "[laughter]", "(music)", a caption banner."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class ParsedTranscript:
    cues: list[Cue]
    format: str  # FORMAT_WEBVTT, FORMAT_SRT or FORMAT_PLAIN
    timed: bool  # False when every duration was estimated from word counts
    speakers: list[str]  # in order of first appearance
    notes: list[Note] = field(default_factory=list)  # not talk: on the timeline, in no figure
    # Cues without a name that went to the speaker before them, by speaker.
    carried: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # lines before the first speaker (a title, attendees), left out

    def to_json(self) -> dict:
        """Kept beside the upload (Transcript.parsed), so the steps after it read no file again."""
        return {
            "format": self.format,
            "timed": self.timed,
            "speakers": self.speakers,
            "cues": [[cue.speaker, cue.text, cue.start, cue.end] for cue in self.cues],
            "notes": [[note.text, note.start, note.end] for note in self.notes],
            "carried": self.carried,
            "skipped": self.skipped,
        }

    @classmethod
    def from_json(cls, data: dict) -> ParsedTranscript:
        return cls(
            cues=[Cue(*cue) for cue in data["cues"]],
            format=data["format"],
            timed=data["timed"],
            speakers=data["speakers"],
            notes=[Note(*note) for note in data["notes"]],
            carried=data["carried"],
            skipped=data["skipped"],
        )


class TranscriptError(ValueError):
    """A transcript the app cannot use; `message` is written for the rep, `code` for code."""

    def __init__(self, code: str, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


def _megabytes(size: int) -> str:
    # Rounded up, so a file just over the limit never reads as "2.0 MB, more than 2 MB".
    return f"{math.ceil(size / (1024 * 1024) * 10) / 10:.1f} MB"


def _too_large(size_text: str) -> TranscriptError:
    return TranscriptError(
        "too_large",
        f"This transcript is too large to import: it is {size_text} and the limit is "
        f"{MAX_BYTES // (1024 * 1024)} MB. Remove anything that isn't the conversation, "
        "or split the call into parts and import them one at a time.",
    )


@dataclass
class _Draft:
    speaker: str
    parts: list[str]
    line: int
    start: float | None = None
    end: float | None = None
    # Plain lines were typed as separate lines; caption lines are only wrapped for screen.
    separator: str = " "
    note: bool = False
    # In plain text: where the line's time came from ("line": its own; "above": a time
    # on the line before it); None without one.
    stamp_from: str | None = None

    @property
    def text(self) -> str:
        # str.split() splits on what the regex \s matches, at a fraction of the cost.
        parts = (" ".join(part.split()) for part in self.parts)
        return self.separator.join(part for part in parts if part)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _snippet(text: str, limit: int = 40) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _estimate_seconds(text: str) -> float:
    return max(MIN_CUE_SECONDS, len(text.split()) * 60 / WORDS_PER_MINUTE)


def _too_many_lines(count: int) -> TranscriptError:
    return TranscriptError(
        "too_many_lines",
        f"This transcript has {count:,} lines of speech, more than the {MAX_LINES:,} we can "
        "read at once. Split the call into parts and import them one at a time.",
    )


def _backwards(
    where: str, start: float, previous: float, line: int, noun: str = "line"
) -> TranscriptError:
    return TranscriptError(
        "time_backwards",
        f"{where} starts at {_clock(start)}, before the {noun} above it ({_clock(previous)}). "
        f"Times must only go forward: put the {noun}s back in order, or fix that time.",
        line=line,
    )


def _unnamed(count: int, total: int, noun: str, first: _Draft) -> TranscriptError:
    return TranscriptError(
        "unnamed",
        f"{count:,} of the {total:,} {noun}s in this transcript have no speaker's name, so we "
        f'can\'t tell who said them. The first name we found is "{first.speaker}", on line '
        f"{first.line}: if that is not a person, the file names nobody. Export the transcript "
        "again with the speakers' names (from Zoom or Teams, the .vtt file has them), or paste "
        f'the conversation as lines like "{EXPECTED_FORM}"',
        line=first.line,
    )


def _chat_export() -> TranscriptError:
    return TranscriptError(
        "chat",
        "This is the meeting's chat, not a transcript of what was said: Zoom saves the chat as "
        "meeting_saved_chat.txt next to the recording. Upload the audio transcript instead: "
        "in Zoom, open the recording under Recordings and download the audio transcript "
        "(a .vtt file).",
    )


def _damaged_header(line: int, before: str) -> TranscriptError:
    what = "spaces or a tab" if not before.strip() else f'"{_snippet(before, 20)}"'
    return TranscriptError(
        "malformed",
        f'The header of this WebVTT file is damaged: line {line} has {what} before "WEBVTT", '
        "and a WebVTT file must start with the word WEBVTT itself. Delete what comes before "
        "it, or export the transcript again from your meeting tool.",
        line=line,
    )
