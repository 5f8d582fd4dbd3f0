"""Who speaks when: voice activity per channel, the bleed rule, and speech segments.

Real recordings bleed: each side's microphone hears the other a little, so the
detector on the rep's channel also fires, softly, while the customer talks. The rule:

* A frame (30 ms) is voiced on a channel when WebRTC's detector hears a voice there
  AND the channel is clearly above its own background (`NOISE_MARGIN_DB` over its
  quiet level), so steady hiss or hum is never talk.
* When several channels are voiced in the same frame, the frame counts for the
  loudest one, and for another channel only if that one is within `BLEED_MARGIN_DB`
  of the loudest. Bleed is typically 15-30 dB softer than the person it leaks from,
  so it never counts; two people really talking at once are both at speaking level,
  so both count (real cross-talk).
* Then each channel's frames are smoothed into segments: pauses shorter than
  `BRIDGE_SECONDS` inside one side's talk are bridged (breaths, between words), and
  bursts shorter than `MIN_SPEECH_SECONDS` are dropped (clicks, coughs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import webrtcvad

from .decode import RATE

FRAME_SECONDS = 0.03
FRAME = int(RATE * FRAME_SECONDS)
VAD_MODE = 3  # the strictest: least likely to call noise speech
NOISE_MARGIN_DB = 9.0
BLEED_MARGIN_DB = 6.0
SILENT_DBFS = -55.0  # below this a frame is silence whatever the detector says
BRIDGE_SECONDS = 0.5
MIN_SPEECH_SECONDS = 0.25


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """Level of each 30 ms frame in dB relative to full scale."""
    count = len(samples) // FRAME
    levels = np.empty(count, dtype=np.float32)
    # In slices, so a two-hour channel never needs a float copy of itself.
    step = 10_000
    for first in range(0, count, step):
        last = min(count, first + step)
        block = samples[first * FRAME : last * FRAME].astype(np.float32).reshape(-1, FRAME)
        power = np.mean(block * block, axis=1) / (32768.0 * 32768.0)
        levels[first:last] = 10.0 * np.log10(power + 1e-12)
    return levels


def detector_flags(samples: np.ndarray) -> np.ndarray:
    """WebRTC's voice/no-voice answer for each 30 ms frame."""
    vad = webrtcvad.Vad(VAD_MODE)
    count = len(samples) // FRAME
    raw = samples[: count * FRAME].astype("<i2").tobytes()
    width = FRAME * 2
    return np.fromiter(
        (vad.is_speech(raw[i * width : (i + 1) * width], RATE) for i in range(count)),
        dtype=bool,
        count=count,
    )


def voiced_frames(samples: np.ndarray, levels: np.ndarray | None = None) -> np.ndarray:
    """Frames where this channel alone sounds like a voice above its own background."""
    levels = frame_levels(samples) if levels is None else levels
    if not len(levels):
        return np.zeros(0, dtype=bool)
    quiet = float(np.percentile(levels, 10))
    loud_enough = (levels > quiet + NOISE_MARGIN_DB) & (levels > SILENT_DBFS)
    return detector_flags(samples) & loud_enough


def apply_bleed_rule(
    voiced: Sequence[np.ndarray], levels: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Who talks in each frame once bleed is taken out (see the module's docstring)."""
    count = min(len(v) for v in voiced)
    voiced_m = np.stack([v[:count] for v in voiced])
    levels_m = np.stack([lv[:count] for lv in levels])
    masked = np.where(voiced_m, levels_m, -np.inf)
    loudest = masked.max(axis=0)
    speaking = voiced_m & (masked >= loudest - BLEED_MARGIN_DB)
    return [speaking[i] for i in range(speaking.shape[0])]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def smooth(flags: np.ndarray) -> list[Span]:
    """Frames to speech spans: short pauses bridged, short bursts dropped."""
    bridge = round(BRIDGE_SECONDS / FRAME_SECONDS)
    shortest = round(MIN_SPEECH_SECONDS / FRAME_SECONDS)
    merged: list[list[int]] = []
    for start, end in _runs(flags):
        if merged and start - merged[-1][1] <= bridge:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [
        Span(round(start * FRAME_SECONDS, 2), round(end * FRAME_SECONDS, 2))
        for start, end in merged
        if end - start >= shortest
    ]


def speech_spans(channels: Sequence[np.ndarray]) -> list[list[Span]]:
    """Each channel's speech spans, with the bleed rule applied across channels."""
    levels = [frame_levels(samples) for samples in channels]
    voiced = [voiced_frames(s, lv) for s, lv in zip(channels, levels, strict=True)]
    return [smooth(flags) for flags in apply_bleed_rule(voiced, levels)]
