"""What kind of recording this is: one side per channel, or everyone mixed together."""

from __future__ import annotations

import numpy as np

# Above this the two channels carry the same sound (a mono call saved as stereo, maybe
# panned a little); a real one-side-per-channel call with bleed stays far below.
SAME_SOUND_CORRELATION = 0.9


def channel_correlation(left: np.ndarray, right: np.ndarray) -> float:
    """Pearson correlation of two channels, in slices so long calls need little memory."""
    count = min(len(left), len(right))
    sums = np.zeros(5)
    step = 1_000_000
    for first in range(0, count, step):
        a = left[first : first + step].astype(np.float64)
        b = right[first : first + step].astype(np.float64)
        sums += (a.sum(), b.sum(), (a * a).sum(), (b * b).sum(), (a * b).sum())
    if not count:
        return 1.0
    sa, sb, saa, sbb, sab = sums / count
    var_a, var_b = saa - sa * sa, sbb - sb * sb
    if var_a <= 0 or var_b <= 0:
        # A silent channel next to a sounding one is a different problem (one side silent).
        return 1.0 if var_a <= 0 and var_b <= 0 else 0.0
    return float((sab - sa * sb) / np.sqrt(var_a * var_b))


def is_mono_in_disguise(channels: list[np.ndarray]) -> bool:
    return (
        len(channels) < 2 or channel_correlation(channels[0], channels[1]) >= SAME_SOUND_CORRELATION
    )
