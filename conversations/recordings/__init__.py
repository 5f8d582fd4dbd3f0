"""Measuring talk from a call recording: decode, find who speaks when, (optionally) words.

Small modules, each usable alone: `decode` (any common audio file to 16 kHz PCM per
channel), `layout` (stereo, mono in disguise, per-participant tracks), `voice` (voice
activity per channel and the bleed rule), `analyse` (the whole path with limits and
plain-worded errors). Nothing here touches the database.
"""

from __future__ import annotations
