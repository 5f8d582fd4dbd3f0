"""The whole measurement: files in, each side's speech spans out, or a plain-worded error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .decode import RATE, decode
from .errors import MONO_MESSAGE, RecordingError
from .layout import is_mono_in_disguise
from .voice import SILENT_DBFS, Span, frame_levels, speech_spans

STEREO = "stereo"
TRACKS = "tracks"
# Less talk than this on a side means that side was not recorded (or muted throughout).
MIN_SIDE_SECONDS = 3.0


@dataclass(frozen=True)
class Side:
    """One channel or track: who it is (as far as the file says) and when it talks."""

    label: str
    spans: list[Span]

    @property
    def talk_seconds(self) -> float:
        return round(sum(span.seconds for span in self.spans), 2)


@dataclass(frozen=True)
class Analysis:
    layout: str
    seconds: float
    sides: list[Side]
    # The decoded samples, for transcription; never stored, dropped with the object.
    audio: list[np.ndarray] = field(default_factory=list, repr=False, compare=False)

    @property
    def total_talk(self) -> float:
        return sum(side.talk_seconds for side in self.sides)

    def share(self, index: int) -> float:
        total = self.total_talk
        return self.sides[index].talk_seconds / total if total else 0.0


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def check_size(size: int, *, max_bytes: int) -> None:
    if size > max_bytes:
        raise RecordingError(
            "too_large",
            f"This file is {_megabytes(size)}; the largest we take is {_megabytes(max_bytes)}. "
            "Upload a compressed copy (MP3 or M4A) or the part with the conversation.",
        )


def _track_label(name: str) -> str:
    return Path(name).stem.replace("_", " ").strip()[:120] or "Track"


def _refuse_silence(channels: list[np.ndarray]) -> None:
    loudest = max((float(frame_levels(c).max(initial=-120.0)) for c in channels), default=-120.0)
    if loudest < SILENT_DBFS:
        raise RecordingError(
            "silence", "This recording is silent: there is no talk in it to measure."
        )


def _measure(layout: str, labels: list[str], channels: list[np.ndarray]) -> Analysis:
    seconds = max(len(c) for c in channels) / RATE
    _refuse_silence(channels)
    spans = speech_spans(channels)
    sides = [Side(label, side_spans) for label, side_spans in zip(labels, spans, strict=True)]
    if all(not side.spans for side in sides):
        raise RecordingError(
            "no_speech",
            "We found no speech in this recording, only silence or noise. Check that it is "
            "the right file.",
        )
    quiet = [side.label for side in sides if side.talk_seconds < MIN_SIDE_SECONDS]
    if len(quiet) == len(sides) or len(sides) - len(quiet) < 2:
        raise RecordingError(
            "one_side_silent",
            f"Only one side talks in this recording ({', '.join(quiet)}: silent). Each side "
            "must be on its own channel or file; check the recorder captured both.",
        )
    return Analysis(layout=layout, seconds=round(seconds, 2), sides=sides, audio=channels)


def analyse(files: Sequence[tuple[str, str | Path]], *, max_seconds: float) -> Analysis:
    """Measure one stereo file, or several files with one participant each.

    `files` are (original name, path) pairs. Raises RecordingError with a message for
    the page when the recording is mono, silent, noise, not audio, cut off or too long.
    """
    if not files:
        raise RecordingError("no_file", "Choose a recording to upload.")
    if len(files) == 1:
        decoded = decode(files[0][1], max_seconds=max_seconds)
        channels = decoded.channels[:2]
        _refuse_silence(channels)
        if is_mono_in_disguise(channels):
            raise RecordingError("mono", MONO_MESSAGE)
        return _measure(STEREO, ["Left channel", "Right channel"], channels)
    tracks: list[np.ndarray] = []
    for _name, path in files:
        decoded = decode(path, max_seconds=max_seconds)
        # A participant's own file is one person whatever its channel count.
        mixed = (
            np.mean(np.stack(decoded.channels), axis=0)
            if len(decoded.channels) > 1
            else (decoded.channels[0])
        )
        tracks.append(mixed.astype(np.int16))
    length = max(len(t) for t in tracks)
    # Tracks from one meeting start together; a shorter one just ended earlier.
    tracks = [np.pad(t, (0, length - len(t))) for t in tracks]
    return _measure(TRACKS, [_track_label(name) for name, _path in files], tracks)
