"""Test calls with known truth: espeak-ng speaks each line, numpy places it on its side's
channel with bleed and noise, sox and PyAV write the forms people upload."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
import pytest

RATE = 16_000

needs_audio_tools = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")),
    reason="espeak-ng and sox make the test calls (scripts/ensure-audio-tools.sh installs them)",
)

REP_VOICE = "en-us"
CUSTOMER_VOICE = "en-us+f3"

# A discovery call: the customer's pain comes before the rep's product talk.
DISCOVERY = [
    ("rep", "Hi Dana, thanks for making time today. How are things at the warehouse?"),
    (
        "customer",
        "Honestly it has been a rough quarter. Our pickers lose about two hours a day "
        "walking between aisles, and overtime is eating our budget.",
    ),
    ("rep", "Two hours a day, that sounds painful. What have you tried so far?"),
    (
        "customer",
        "We moved the fast sellers closer to packing, but the layout changes every season "
        "and nobody keeps the map up to date.",
    ),
    ("rep", "What would it mean for you if that walking time went away?"),
    (
        "customer",
        "We could ship same day again. Right now we miss the afternoon trucks twice a week "
        "and our customers notice.",
    ),
    (
        "rep",
        "Our platform plans pick routes every morning from the orders, so the shortest walk "
        "is always on the scanner.",
    ),
    ("customer", "Okay. How long does it take to set up?"),
]


def say(text: str, voice: str, workdir: Path) -> np.ndarray:
    """One line spoken by espeak-ng, at 16 kHz, its leading and trailing silence cut."""
    raw, resampled = workdir / "say.wav", workdir / "say16.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", str(resampled)], check=True)
    samples = read_wav(resampled)[0]
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    return samples[loud[0] : loud[-1] + 1]


def read_wav(path: Path) -> list[np.ndarray]:
    with wave.open(str(path), "rb") as handle:
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
        count = handle.getnchannels()
    return [data[i::count].copy() for i in range(count)]


def write_wav(path: Path, channels: list[np.ndarray], rate: int = RATE) -> Path:
    interleaved = np.stack(channels, axis=1).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(len(channels))
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(interleaved.tobytes())
    return path


def _db(gain_db: float) -> float:
    return float(10 ** (gain_db / 20))


@dataclass
class Call:
    """Two sides' signals and the truth: when each side really spoke."""

    rep: np.ndarray
    customer: np.ndarray
    truth: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    lines: list[tuple[str, str, float]] = field(default_factory=list)

    def talk(self, side: str) -> float:
        return sum(end - start for start, end in self.truth[side])

    @property
    def listening_ratio(self) -> float:
        return self.talk("customer") / (self.talk("customer") + self.talk("rep"))

    def channels(
        self, *, bleed_db: float | None = -24.0, noise_dbfs: float | None = -55.0, seed: int = 7
    ) -> tuple[np.ndarray, np.ndarray]:
        """Left = rep's microphone, right = customer's, each hearing the other softly."""
        rep = self.rep.astype(np.float64)
        customer = self.customer.astype(np.float64) * 0.7  # a quieter line on their side
        left, right = rep.copy(), customer.copy()
        if bleed_db is not None:
            left += customer * _db(bleed_db)
            right += rep * _db(bleed_db)
        if noise_dbfs is not None:
            rng = np.random.default_rng(seed)
            scale = 32768 * _db(noise_dbfs)
            left += rng.normal(0, scale, len(left))
            right += rng.normal(0, scale, len(right))
        return _clip(left), _clip(right)


def _clip(signal: np.ndarray) -> np.ndarray:
    return np.clip(np.round(signal), -32768, 32767).astype(np.int16)


def make_call(workdir: Path, script=DISCOVERY, *, lead_in: float = 1.0) -> Call:
    pieces = {"rep": [], "customer": []}
    truth = {"rep": [], "customer": []}
    lines = []
    cursor = lead_in
    gaps = [0.9, 1.3, 0.8, 1.1]
    for index, (side, text) in enumerate(script):
        clip = say(text, REP_VOICE if side == "rep" else CUSTOMER_VOICE, workdir)
        start = round(cursor, 3)
        pieces[side].append((int(start * RATE), clip))
        end = start + len(clip) / RATE
        truth[side].append((start, end))
        lines.append((side, text, start))
        cursor = end + gaps[index % len(gaps)]
    length = int((cursor + 1.0) * RATE)
    tracks = {}
    for side, placed in pieces.items():
        track = np.zeros(length, dtype=np.int16)
        for offset, clip in placed:
            track[offset : offset + len(clip)] = clip
        tracks[side] = track
    return Call(rep=tracks["rep"], customer=tracks["customer"], truth=truth, lines=lines)


def encode(source_wav: Path, target: Path) -> Path:
    """A compressed copy as people upload it: sox for MP3 and OGG/Vorbis, PyAV for the rest."""
    suffix = target.suffix.lower()
    if suffix in {".mp3", ".ogg", ".flac"}:
        subprocess.run(["sox", str(source_wav), str(target)], check=True)
        return target
    codec, container_format = {
        ".m4a": ("aac", "ipod"),
        ".opus": ("libopus", "ogg"),
        ".webm": ("libopus", "webm"),
    }[suffix]
    channels = read_wav(source_wav)
    layout = "stereo" if len(channels) == 2 else "mono"
    rate = 48_000 if codec == "libopus" else RATE
    with av.open(str(target), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        interleaved = np.stack(channels, axis=0).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(interleaved, format="s16p", layout=layout)
        frame.sample_rate = RATE
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                out.mux(packet)
        for resampled in resampler.resample(None):
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return target
