"""Transcripts: read an imported conversation into cues, and tell what kind each rep line is.

Pure Python, no models and no database. The import view decodes an upload with
`decode_upload` (pasted text skips that step), reads it with `parse_transcript`, lets
the rep say which speakers are on the selling side, and labels every cue with
`cue_kinds`. Every problem the rep can fix is a `TranscriptError` whose message is
written for them and can go on the page as it is. The choices, and why: docs/transcripts.md.

    decoding.py     bytes of an upload to text
    parsing.py      text to cues: the entry point, and plain "Name: text" files
    subtitles.py    WebVTT and SRT (through webvtt-py)
    lines.py        one line: its speaker, its time, or a note nobody said
    classifying.py  a rep line's kind: question, pitch or other
    common.py       limits, the parsed result, the rep's messages
"""

from __future__ import annotations

from conversations.transcripts.classifying import classify_rep_line, cue_kinds
from conversations.transcripts.common import (
    EXPECTED_FORM,
    FORMAT_PLAIN,
    FORMAT_SRT,
    FORMAT_WEBVTT,
    MAX_BYTES,
    MAX_LINES,
    MIN_CUE_SECONDS,
    SPEAKER_NAME_MAX,
    WORDS_PER_MINUTE,
    Cue,
    Note,
    ParsedTranscript,
    TranscriptError,
)
from conversations.transcripts.decoding import decode_upload
from conversations.transcripts.parsing import parse_transcript

__all__ = [
    "EXPECTED_FORM",
    "FORMAT_PLAIN",
    "FORMAT_SRT",
    "FORMAT_WEBVTT",
    "MAX_BYTES",
    "MAX_LINES",
    "MIN_CUE_SECONDS",
    "SPEAKER_NAME_MAX",
    "WORDS_PER_MINUTE",
    "Cue",
    "Note",
    "ParsedTranscript",
    "TranscriptError",
    "classify_rep_line",
    "cue_kinds",
    "decode_upload",
    "parse_transcript",
]
