"""Benchmark: measure a 30-minute and a 2-hour stereo call (synthesised, with bleed and noise).

Prints, as times and as a share of the call's length: decoding + finding speech (goal
under 1/100), transcription (goal under 1/5) and the whole job. Needs espeak-ng and sox
(scripts/ensure-audio-tools.sh). Run:

    .venv/bin/python benchmarks/recording.py                 # 30 min and 2 h
    .venv/bin/python benchmarks/recording.py --minutes 30 --words-minutes 5

`--words-minutes N` transcribes only the first N minutes of each call (the time scales
with the speech in it), for a quick reading on a busy machine; the ratio printed is
always against the length actually transcribed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesheart.settings")


def long_call(workdir: Path, minutes: float) -> Path:
    from tests.audio import RATE, make_call, write_wav

    call = make_call(workdir)
    left, right = call.channels()
    repeats = int(np.ceil(minutes * 60 * RATE / len(left)))
    length = int(minutes * 60 * RATE)
    return write_wav(
        workdir / f"call-{minutes:g}min.wav",
        [np.tile(left, repeats)[:length], np.tile(right, repeats)[:length]],
    )


def bench(path: Path, minutes: float, words_minutes: float | None) -> None:
    from conversations.recordings.analyse import analyse
    from conversations.recordings.decode import RATE
    from conversations.recordings.words import _model, transcribe_side

    seconds = minutes * 60
    started = time.perf_counter()
    analysis = analyse([(path.name, path)], max_seconds=3 * 3600)
    finding = time.perf_counter() - started

    _model()  # loaded once per worker process, not per job
    limit = seconds if words_minutes is None else min(seconds, words_minutes * 60)
    started = time.perf_counter()
    for index, side in enumerate(analysis.sides):
        spans = [span for span in side.spans if span.end <= limit]
        transcribe_side(analysis.audio[index][: int(limit * RATE)], spans)
    words = time.perf_counter() - started
    whole = finding + words * (seconds / limit)
    print(f"{minutes:g}-minute stereo call")
    print(f"  decoding + finding speech  {finding:8.1f} s   {finding / seconds:.4f} of the call")
    print(
        f"  transcription ({limit / 60:g} min)  {words:8.1f} s   {words / limit:.4f} of the "
        "transcribed length"
    )
    print(f"  whole job (estimated)      {whole:8.1f} s   {whole / seconds:.4f} of the call")


def main() -> None:
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, nargs="*", default=[30, 120])
    parser.add_argument("--words-minutes", type=float, default=None)
    options = parser.parse_args()
    print(f"{os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as workdir:
        for minutes in options.minutes:
            path = long_call(Path(workdir), minutes)
            bench(path, minutes, options.words_minutes)
            path.unlink()


if __name__ == "__main__":
    main()
