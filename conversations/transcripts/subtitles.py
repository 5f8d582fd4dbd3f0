"""Reading WebVTT and SRT files into drafts of cues (docs/transcripts.md, Formats).

webvtt-py reads the block structure and the times; this module checks that it read
every cue, splits cues by voice and names the speakers.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Sequence

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from conversations.transcripts.common import (
    _TAG,
    FORMAT_SRT,
    FORMAT_WEBVTT,
    MAX_LINES,
    TranscriptError,
    _backwards,
    _clock,
    _Draft,
    _snippet,
    _too_many_lines,
    _unnamed,
)
from conversations.transcripts.lines import (
    _annotation,
    _header_line,
    _speaker_name,
    _speaker_test,
    _split_head,
)

_VOICE = re.compile(r"<v(?:\.[\w-]+)*[ \t]+([^>]+)>")
_TIMINGS = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})\s*-->")


def _parse_subtitles(
    lines: Sequence[str], fmt: str, offset: int
) -> tuple[list[_Draft], dict[str, int]]:
    kind = "WebVTT" if fmt == FORMAT_WEBVTT else "SRT subtitle"
    buffer = io.StringIO("\n".join(lines))
    try:
        captions = webvtt.from_buffer(buffer, format="vtt" if fmt == FORMAT_WEBVTT else "srt")
    except (MalformedFileError, MalformedCaptionError, ValueError) as error:
        if fmt == FORMAT_WEBVTT:
            raise TranscriptError(
                "malformed",
                f"This WebVTT file doesn't start the way one should: line {offset + 1} must be "
                '"WEBVTT" alone, or followed by a space and a title. Export the transcript again '
                "from your meeting tool, or paste the conversation as text instead.",
                line=offset + 1,
            ) from error
        raise TranscriptError(
            "malformed",
            f"This {kind} file doesn't start the way one should: a cue number, then a line "
            "like 00:00:01,000 --> 00:00:04,000. Export the transcript again from your "
            "meeting tool, or paste the conversation as text instead.",
        ) from error
    captions = captions.captions
    if not captions:
        _check_all_read(lines, captions, fmt, kind, offset)
        raise TranscriptError(
            "empty",
            f"This {kind} file has no captions in it. Export the transcript again from your "
            "meeting tool, and check that the recording had transcription switched on.",
        )
    text_lines = sum(len(caption.lines) for caption in captions)
    if text_lines > MAX_LINES:
        raise _too_many_lines(text_lines)
    timing_lines = _check_all_read(lines, captions, fmt, kind, offset)

    drafts: list[_Draft] = []
    previous_start = 0.0
    for number, (caption, line) in enumerate(zip(captions, timing_lines, strict=True), 1):
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        if end < start:
            raise TranscriptError(
                "malformed",
                f"Cue {number} (line {line}) ends at {_clock(end)}, before it starts at "
                f"{_clock(start)}. Fix that cue's times, or export the transcript again.",
                line=line,
            )
        if start < previous_start:
            where = f'Cue {number} (line {line}, "{_snippet(caption.text)}")'
            raise _backwards(where, start, previous_start, line, noun="cue")
        previous_start = start
        drafts.extend(_share_time(_voices(caption.lines, fmt), line, start, end))

    heads = [None if d.speaker or d.note else _split_head(d.parts[0]) for d in drafts]
    is_speaker = _speaker_test(heads)
    named: list[_Draft] = []
    carried: Counter[str] = Counter()
    speaker: str | None = None
    before_first = 0
    for draft, head in zip(drafts, heads, strict=True):
        if draft.note:
            named.append(draft)
            continue
        if draft.speaker:
            speaker = draft.speaker
        elif head is not None and is_speaker(head):
            speaker = head.name
            draft.parts[0] = head.text
        elif _header_line(draft.parts[0]):
            draft.note = True  # "Meeting title: ...": the file's, not anyone's words
            named.append(draft)
            continue
        elif speaker is not None:
            carried[speaker] += 1
        if speaker is None:
            before_first += 1
            continue  # before the first speaker: a title card, not the conversation
        draft.speaker = speaker
        named.append(draft)
    spoken = [draft for draft in named if not draft.note]
    unnamed = before_first + sum(carried.values())
    # A speaker must look like one across the file: a stray "Word:" in captions that name
    # nobody would otherwise take every caption after it, and drop every one before it.
    if spoken and (before_first > 5 or unnamed * 2 > len(spoken) + before_first):
        raise _unnamed(unnamed, len(spoken) + before_first, "caption", spoken[0])
    return named, dict(carried)


def _share_time(
    voices: list[tuple[str, list[str], bool]], line: int, start: float, end: float
) -> list[_Draft]:
    """One draft per voice in a cue, the cue's time shared between them by word count."""
    if len(voices) == 1:  # nearly every cue: nothing to share
        voice, parts, note = voices[0]
        return [_Draft(voice, parts, line, start=start, end=end, note=note)]
    words = [max(len(" ".join(parts).split()), 1) for _, parts, _ in voices]
    total = sum(words)
    drafts: list[_Draft] = []
    clock = start
    for index, ((voice, parts, note), count) in enumerate(zip(voices, words, strict=True)):
        until = end if index == len(voices) - 1 else round(clock + (end - start) * count / total, 3)
        drafts.append(_Draft(voice, parts, line, start=clock, end=until, note=note))
        clock = until
    return drafts


def _voices(raw_lines: Sequence[str], fmt: str) -> list[tuple[str, list[str], bool]]:
    """Split a cue's lines by voice tag ("" when none); untagged lines go on with the one above.

    The third item is True when every line of the piece is a note ("[laughter]")."""
    pieces: list[tuple[str, list[str], bool]] = []
    for raw in raw_lines:
        stripped = raw.strip()
        # Without a "<" there is no voice and no tag: most lines skip both patterns.
        tagged = "<" in raw
        match = _VOICE.match(stripped) if tagged else None
        bare = stripped[match.end() :] if match else stripped
        note = _annotation(bare.removesuffix("</v>")) if bare[:1] in "[(♪<" else None
        text = _TAG.sub("", raw) if tagged else raw
        if fmt == FORMAT_WEBVTT:
            # WebVTT escapes & < > as entities; SRT has no escapes to undo.
            text = html.unescape(text)
        text = note if note is not None else text.strip()
        if match:
            voice = _speaker_name(html.unescape(match[1]))
            pieces.append((voice, [text], note is not None))
        elif pieces:
            voice, parts, all_notes = pieces[-1]
            parts.append(text)
            pieces[-1] = (voice, parts, all_notes and note is not None)
        else:
            pieces.append(("", [text], note is not None))
    return pieces or [("", [""], False)]


def _check_all_read(
    lines: Sequence[str], captions: Sequence[webvtt.Caption], fmt: str, kind: str, offset: int
) -> list[int]:
    """Line number of each caption's timings; "malformed" for a cue webvtt-py skipped."""
    found: list[int] = []
    for index, line in enumerate(lines):
        if "-->" not in line:
            continue
        start = _loose_start(line)
        if (
            len(found) < len(captions)
            and start is not None
            and start == captions[len(found)].start_time.in_milliseconds()
        ):
            found.append(index + 1 + offset)
            continue
        if fmt == FORMAT_SRT and start is not None and _srt_cue_is_empty(lines, index):
            continue  # webvtt-py drops SRT cues without text; nothing is lost.
        example = "00:01:02.500 --> 00:01:05.000"
        if fmt == FORMAT_SRT:
            example = example.replace(".", ",")
        where = f'line {index + 1 + offset} ("{_snippet(line, 60)}")'
        raise TranscriptError(
            "malformed",
            # None read at all: say so, or the rep hunts for one bad line among many.
            f"We couldn't read the cue times of this {kind} file: not one of them. The first "
            f"is on {where}. Times should look like {example}. Export the transcript again "
            "from your meeting tool, or fix those lines."
            if not captions
            else f"Line {index + 1 + offset} of this {kind} file has cue times we can't read "
            f'("{_snippet(line, 60)}"). Times should look like {example}. Export the '
            "transcript again from your meeting tool, or fix that line.",
            line=index + 1 + offset,
        )
    return found


def _loose_start(line: str) -> int | None:
    match = _TIMINGS.match(line)
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(
        fraction.ljust(3, "0")
    )


def _srt_cue_is_empty(lines: Sequence[str], index: int) -> bool:
    after = lines[index + 1] if index + 1 < len(lines) else ""
    return not after.strip()
