"""Reading a transcript into cues: the entry point, and plain "Name: text" files.

WebVTT and SRT go to subtitles.py. The rules are in docs/transcripts.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from conversations.transcripts.common import (
    EXPECTED_FORM,
    FORMAT_PLAIN,
    FORMAT_SRT,
    FORMAT_WEBVTT,
    MAX_BYTES,
    MAX_LINES,
    Cue,
    Note,
    ParsedTranscript,
    TranscriptError,
    _backwards,
    _chat_export,
    _damaged_header,
    _Draft,
    _estimate_seconds,
    _too_large,
    _too_many_lines,
    _unnamed,
)
from conversations.transcripts.lines import (
    _CHAT_LINE,
    _END_LINE,
    _LEADING_STAMP,
    _STAMP_LINE,
    _annotation,
    _header_line,
    _read_stamp,
    _speaker_test,
    _split_head,
)
from conversations.transcripts.subtitles import _parse_subtitles

# The line breaks WebVTT and webvtt-py know; str.splitlines would also break on form
# feeds and U+2028, and line numbers in messages would stop matching the rep's editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A WebVTT cue time ("00:01.500", "00:00:01.500"): SRT writes a comma instead of the dot.
_DOT_TIMINGS = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}\s*-->")


def parse_transcript(text: str) -> ParsedTranscript:
    """Read a WebVTT, SRT or plain "Name: text" transcript into cues (module notes)."""
    if len(text) > MAX_BYTES:
        raise _too_large(f"over {MAX_BYTES // (1024 * 1024)} MB")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TranscriptError(
            "empty",
            "This transcript is empty. Upload the file your meeting tool exported, or paste "
            f'the conversation as lines like "{EXPECTED_FORM}"',
        )
    lines = _LINE_BREAK.split(text)
    first = next(index for index, line in enumerate(lines) if line.strip())
    head = lines[first].strip()
    fmt = FORMAT_PLAIN
    if 0 < lines[first].find("WEBVTT") <= 10:
        raise _damaged_header(first + 1, lines[first][: lines[first].index("WEBVTT")])
    subtitle_lines, offset = lines[first:], first
    if head.startswith("WEBVTT"):
        fmt = FORMAT_WEBVTT
    elif "-->" in head or (head.isdigit() and first + 1 < len(lines) and "-->" in lines[first + 1]):
        fmt = FORMAT_SRT
        if _DOT_TIMINGS.match(head if "-->" in head else lines[first + 1]):
            # WebVTT cues without their WEBVTT line: read as what they are, not as SRT.
            fmt = FORMAT_WEBVTT
            subtitle_lines, offset = ["WEBVTT", "", *subtitle_lines], first - 2
    skipped = 0
    carried: dict[str, int] = {}
    if fmt != FORMAT_PLAIN:
        drafts, carried = _parse_subtitles(subtitle_lines, fmt, offset)
    else:
        drafts, skipped = _parse_plain(lines)
    timed = fmt != FORMAT_PLAIN or _time_plain(drafts)

    texts = [(draft, draft.text) for draft in drafts]  # each worked out once
    notes = [Note(text, d.start or 0.0, d.end or 0.0) for d, text in texts if d.note and text]
    spoken = [d for d, text in texts if not d.note and text]
    cues = [Cue(d.speaker, text, d.start, d.end) for d, text in texts if not d.note and text]
    speakers = list(dict.fromkeys(cue.speaker for cue in cues))
    if not speakers:
        raise TranscriptError(
            "no_speakers",
            "We couldn't tell who is speaking. Start each line with the speaker's name and "
            f'a colon, like "{EXPECTED_FORM}", or upload the WebVTT file from Zoom, Teams '
            "or Meet, which names the speakers.",
        )
    if len(speakers) == 1:
        raise TranscriptError(
            "one_speaker",
            f'We found only one speaker, "{speakers[0]}" (first on line {spoken[0].line}). '
            "A conversation needs both sides: check that the other person's lines also start "
            "with their name and a colon.",
            line=spoken[0].line,
        )
    return ParsedTranscript(
        cues=cues,
        format=fmt,
        timed=timed,
        speakers=speakers,
        notes=notes,
        carried=carried,
        skipped=skipped,
    )


def _parse_plain(lines: Sequence[str]) -> tuple[list[_Draft], int]:
    """Drafts of the speakers' lines and notes, and how many lines came before the first."""
    rows = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if line[:1] in "MT" and _END_LINE.match(line):
            break  # a recorder's closing lines: the conversation is over
        if line:
            rows.append((number, raw, line))
    if len(rows) > MAX_LINES:
        raise _too_many_lines(len(rows))
    chat = sum(1 for _, raw, _ in rows if raw[:1].isdigit() and _CHAT_LINE.match(raw))
    if chat and chat * 2 >= sum(1 for _, _, line in rows if line[:1].isdigit()):
        raise _chat_export()
    stamp_lines = [
        _STAMP_LINE.fullmatch(line) if line[-1:].isdigit() or line[-1:] in ")]" else None
        for _, _, line in rows
    ]
    heads = [
        None if stamp else _split_head(line)
        for (_, _, line), stamp in zip(rows, stamp_lines, strict=True)
    ]
    is_speaker = _speaker_test(heads)
    drafts: list[_Draft] = []
    skipped = unnamed = 0
    pending: float | None = None
    for (number, _, line), head, stamp in zip(rows, heads, stamp_lines, strict=True):
        if stamp:
            pending = _read_stamp(stamp["stamp"], number)
            continue
        if head is not None and is_speaker(head):
            draft = _Draft(head.name, [head.text], number, separator="\n")
            if head.stamp is not None:
                draft.start, draft.stamp_from = _read_stamp(head.stamp, number), "line"
            elif pending is not None:
                draft.start, draft.stamp_from = pending, "above"
            pending = None
            drafts.append(draft)
            continue
        if not drafts:
            skipped += 1  # before the first speaker: a title or preamble, left out
            continue
        note = _annotation(line)
        if note is None and _header_line(line):
            note = line
        if note is not None:
            drafts.append(_Draft("", [note], number, note=True))
        else:
            unnamed += 1
            speaking = next(draft for draft in reversed(drafts) if not draft.note)
            speaking.parts.append(_LEADING_STAMP.sub("", line))
    spoken = [draft for draft in drafts if not draft.note]
    # One stray "Word:" in text that names nobody must not make a speaker of "Word" and
    # swallow everything around it: when unnamed lines outnumber named ones ten to one,
    # say so instead.
    if spoken and skipped + unnamed > 20 and len(spoken) * 10 < len(rows):
        raise _unnamed(skipped + unnamed, len(rows), "line", spoken[0])
    return [draft for draft in drafts if draft.text], skipped


def _time_plain(drafts: list[_Draft]) -> bool:
    """Set start and end on plain cues; True when they came from stamps in the text."""
    spoken = [draft for draft in drafts if not draft.note]
    stamped = [draft.start is not None for draft in spoken]
    if any(stamped) and not all(stamped):
        if not any(draft.stamp_from == "above" for draft in spoken):
            missing = spoken[stamped.index(False)]
            raise TranscriptError(
                "malformed",
                f"Line {missing.line} has no time, but other lines do. Give every speaker's line "
                "a time, or remove the times from all of them.",
                line=missing.line,
            )
        # Times every few minutes on lines of their own (Google Meet): each one places
        # the line after it, and the lines in between are laid on from there by their words.
        _check_forward([draft for draft in spoken if draft.start is not None])
        clock = 0.0
        for draft in spoken:
            clock = max(clock, draft.start if draft.start is not None else 0.0)
            draft.start, clock = clock, round(clock + _estimate_seconds(draft.text), 3)
            draft.end = clock
        _place_notes(drafts)
        return False
    if not any(stamped):
        clock = 0.0
        for draft in spoken:
            draft.start, clock = clock, round(clock + _estimate_seconds(draft.text), 3)
            draft.end = clock
        _place_notes(drafts)
        return False
    _check_forward(spoken)
    for previous, draft in zip(spoken, spoken[1:], strict=False):
        previous.end = draft.start
    if spoken:
        last = spoken[-1]
        assert last.start is not None
        last.end = round(last.start + _estimate_seconds(last.text), 3)
    _place_notes(drafts)
    return True


def _check_forward(drafts: Sequence[_Draft]) -> None:
    for previous, draft in zip(drafts, drafts[1:], strict=False):
        assert previous.start is not None and draft.start is not None
        if draft.start < previous.start:
            raise _backwards(f"Line {draft.line}", draft.start, previous.start, draft.line)


def _place_notes(drafts: Sequence[_Draft]) -> None:
    """A note in plain text has no time of its own: it sits where the line above it ends."""
    at = 0.0
    for draft in drafts:
        if draft.note:
            draft.start = draft.end = at
        elif draft.end is not None:
            at = draft.end
