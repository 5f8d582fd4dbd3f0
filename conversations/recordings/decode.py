"""Any audio file people have (WAV, MP3, M4A/AAC, OGG/Opus, WebM, FLAC) to 16 kHz PCM."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from .errors import RecordingError

RATE = 16_000


TRUNCATED_MESSAGE = (
    "This recording is cut off: the file ends before the sound it announces. Download it "
    "again from your dialer or meeting tool and upload the complete file."
)


@dataclass(frozen=True)
class Decoded:
    """Signed 16-bit samples at 16 kHz, one array per channel (all the same length)."""

    channels: list[np.ndarray]

    @property
    def seconds(self) -> float:
        return len(self.channels[0]) / RATE if self.channels else 0.0


def _hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _riff_cut_short(path: str | Path) -> bool:
    """A WAV whose header announces more sound than the file holds.

    FFmpeg quietly shortens a WAV's duration to what is there, so the header is read here.
    """
    with open(path, "rb") as handle:
        head = handle.read(4096)
        size = handle.seek(0, 2)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    offset = 12
    while offset + 8 <= len(head):
        chunk, length = (
            head[offset : offset + 4],
            int.from_bytes(head[offset + 4 : offset + 8], "little"),
        )
        if chunk == b"data":
            # 0 and 0xFFFFFFFF mean "unknown" (a recorder streaming its output).
            return 0 < length < 0xFFFFFFFF and offset + 8 + length > size
        offset += 8 + length + (length % 2)
    return False


def decode(path: str | Path, *, max_seconds: float) -> Decoded:
    """Decode the file's first audio stream, keeping its channels apart.

    Raises RecordingError when the file is not audio, has no sound at all, or is longer
    than `max_seconds` (checked while decoding, so a huge file is not read to the end).
    A file cut off mid-way (a broken download) is refused too: measuring the part that
    is left would give figures for a different conversation.
    """
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise RecordingError(
            "not_audio",
            "This file is not a recording we can read. Upload a WAV, MP3, M4A, OGG, WebM or "
            "FLAC file as your dialer or meeting tool saved it.",
        ) from error
    with container:
        stream = next(iter(container.streams.audio), None)
        if stream is None:
            raise RecordingError(
                "no_audio_stream",
                "This file has no sound in it (a video without audio, or not a recording).",
            )
        layout = stream.layout.name if stream.layout else None
        count = stream.channels or 1
        if not layout or count > 2:
            # Tools that write more than two channels write one party per channel too;
            # the analysis looks at the first two, which is what dialers fill.
            layout = "stereo" if count >= 2 else "mono"
        resampler = av.AudioResampler(format="s16p", layout=layout, rate=RATE)
        parts: list[np.ndarray] = []
        total = 0
        declared = container.duration / 1_000_000 if container.duration else None
        limit = int(max_seconds * RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    array = out.to_ndarray()
                    parts.append(array)
                    total += array.shape[1]
                if total > limit:
                    raise RecordingError(
                        "too_long",
                        f"This recording is longer than {_hours(max_seconds)}, the longest we "
                        "measure. Split it or upload the part with the conversation.",
                    )
            for out in resampler.resample(None):
                parts.append(out.to_ndarray())
        except (av.error.FFmpegError, ValueError) as error:
            if isinstance(error, RecordingError):
                raise
            if not parts:
                raise RecordingError(
                    "not_audio",
                    "This file could not be decoded as audio. Upload the recording as your "
                    "dialer or meeting tool saved it (WAV, MP3, M4A, OGG, WebM or FLAC).",
                ) from error
            raise RecordingError("truncated", TRUNCATED_MESSAGE) from error
    if _riff_cut_short(path):
        raise RecordingError("truncated", TRUNCATED_MESSAGE)
    if not parts:
        raise RecordingError("empty", "This recording has no sound in it: it is empty.")
    samples = np.concatenate(parts, axis=1)
    del parts
    decoded = Decoded(channels=[samples[i].copy() for i in range(samples.shape[0])])
    if declared and decoded.seconds < declared - max(1.0, declared * 0.02):
        raise RecordingError("truncated", TRUNCATED_MESSAGE)
    return decoded


def probe_channels(source) -> int:
    """The channel count of an upload (path or open file), read from its header only.

    Raises RecordingError when the file is not audio at all.
    """
    try:
        with av.open(source, mode="r") as container:
            stream = next(iter(container.streams.audio), None)
            if stream is None:
                raise RecordingError(
                    "no_audio_stream",
                    "This file has no sound in it (a video without audio, or not a recording).",
                )
            return stream.channels or 1
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise RecordingError(
            "not_audio",
            "This file is not a recording we can read. Upload a WAV, MP3, M4A, OGG, WebM or "
            "FLAC file as your dialer or meeting tool saved it.",
        ) from error
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
