"""Files in, a plain result out: what the background job stores and the rep then applies.

The result is JSON (no audio): each side's label, its speech spans and, when words
were asked for, its transcribed lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .analyse import analyse

DECODING = "decoding"
FINDING_SPEECH = "finding_speech"
TRANSCRIBING = "transcribing"

Progress = Callable[[str, float], None]


def _quiet(_step: str, _fraction: float) -> None:
    pass


def measure(
    files: Sequence[tuple[str, str | Path]],
    *,
    max_seconds: float,
    words: bool,
    progress: Progress = _quiet,
) -> dict:
    """Measure the recording; raises RecordingError (a message for the page) when it can't."""
    progress(DECODING, 0.0)
    analysis = analyse(files, max_seconds=max_seconds)
    progress(FINDING_SPEECH, 1.0)
    sides = [
        {
            "label": side.label,
            "spans": [[span.start, span.end] for span in side.spans],
            "talk": side.talk_seconds,
            "lines": None,
        }
        for side in analysis.sides
    ]
    if words:
        from .words import transcribe_side

        total = sum(len(side.spans) for side in analysis.sides) or 1
        done = 0

        def advance(count: int) -> None:
            progress(TRANSCRIBING, (done + count) / total)

        for index, side in enumerate(analysis.sides):
            progress(TRANSCRIBING, done / total)
            lines = transcribe_side(analysis.audio[index], side.spans, progress=advance)
            sides[index]["lines"] = [[line.start, line.end, line.text] for line in lines]
            done += len(side.spans)
    return {"layout": analysis.layout, "seconds": analysis.seconds, "sides": sides}
