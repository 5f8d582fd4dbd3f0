"""Transcripts: read an imported conversation into cues, and tell what kind each rep line is.

Pure Python, no models and no database. The import view decodes an upload with
`decode_upload` (pasted text skips that step), reads it with `parse_transcript`, lets
the rep say which speakers are on the selling side, and labels every cue with
`cue_kinds`. Every problem the rep can fix is a `TranscriptError` whose message is
written for them and can go on the page as it is.

Choices, and why
----------------

Encoding
    UTF-8 (with or without a byte order mark), and UTF-16 or UTF-32 with one. There is
    no latin-1 or cp1252 fallback: any bytes at all decode as latin-1, so a guess never
    fails, it quietly turns "José" into "JosÃ©" and a Word file into a page of made-up
    speakers. Re-saving as UTF-8 takes the rep one click and keeps every name right.
    Text holding NUL characters is refused too: that is UTF-16 without a byte order
    mark (or a binary file), which is valid UTF-8 byte for byte but not text.

Limits
    `MAX_BYTES` applies to the upload before decoding. Pasted text is held to the same
    number of characters, which any decoded upload within `MAX_BYTES` also meets.
    `MAX_LINES` counts lines of speech: in WebVTT and SRT the text lines of the cues,
    not cue numbers, timings or blank lines. An hour-long call is about 1,500 cues and
    6,000 raw lines, and must fit.

Formats
    WebVTT when the text starts with "WEBVTT" (Zoom, Teams, Meet exports); SRT when it
    starts with a cue number followed by a timings line, or with a timings line; plain
    "Name: text" lines otherwise. webvtt-py reads the WebVTT and SRT block structure and
    timestamps. It skips a cue whose timings it cannot read without saying so, so every
    timings line is checked against what it returned and the first one it dropped is
    reported as "malformed" by line number; when it read none, the message says so.
    Cues with WebVTT times ("00:01.500") but no WEBVTT line are WebVTT that lost its
    header, read as WebVTT. Anything before "WEBVTT" on its line (a tab, a mis-decoded
    byte order mark) is a damaged header, reported as such with what is there.
    Plain text also takes recorder exports that put the name and time on a line above
    the words: Fathom ("0:01 - Name (Company)"), Zoom's text transcript ("[Name]
    11:02:09") and Otter ("Name  0:03"); their closing lines ("Transcribed by
    https://otter.ai", Google Meet's "Meeting ended after ...") end the conversation.
    Zoom's chat file ("00:21:14<TAB>Name:<TAB>message") is refused as the chat: read as
    timed lines, each message would last until the next one.

Speakers
    A WebVTT voice tag (`<v Jane Doe>text</v>`) names the speaker. Otherwise a
    "Name:" at the start of a line or cue does, followed by a space or the end of the
    line (so "https://..." is not a name). What comes before the colon counts as a name
    when it is at most five words, starts with a letter and either looks like a name
    (a single word such as "me" or "Rita"; or every word capitalised or a number,
    "Speaker 2", with particles such as "de" or "van" and a part in brackets, "Sam
    Patel (Acme)", allowed) or starts two or more lines, so "rita osei:" typed by hand
    works while a one-off "What I mean is: ..." stays in the speech. Header words
    ("Date:", "Meeting title:", "Hosted by:"...) are never speakers. A name in brackets
    ("[Speaker 1] text") or a recorder heading without a colon counts only where that
    shape opens two or more lines and most of the heads. Names are cut to
    `SPEAKER_NAME_MAX` here, once, so speakers, lines and the classifier agree.
    Text before the first speaker is a title or preamble and is left out (counted in
    `skipped`). A speaker must look like one across the file: when most captions, or
    all but one line in ten of plain text, name nobody, the file is refused with the
    count ("unnamed"); one stray "Digo:" would otherwise take every line after it.
    In plain text a line without a speaker continues the cue above it, after a line
    break (a line break also ends a sentence for the classifier). In WebVTT and
    SRT a cue without a speaker is the previous speaker going on, kept as its own cue
    for its own timing, and counted in `carried` so the rep can check it. A WebVTT cue
    with several voices on separate lines is split into one cue per voice, sharing the
    cue's time by word count; webvtt-py's `Caption.voice` only reads the first line,
    which would give the customer's words to the rep.
    Consecutive cues by the same speaker stay separate: the rep may re-tag each one.

Notes
    A line or cue that is wholly an annotation ("[laughter]", "(music)", "♪ ...",
    "<i>Laughter</i>", a "[CAPTION] ..." banner) or a header line after the first
    speaker is a `Note`: nobody's talk, so in no figure, but kept with its time to be
    shown on the timeline. In plain text it sits where the line above it ends.

Times
    WebVTT and SRT cues keep their own start and end. Plain lines may start with a
    stamp (`[hh:mm:ss]`, `hh:mm:ss`, `[mm:ss]`, `mm:ss`, optionally with a fraction)
    or carry one after the name (`Name (00:01:02): text`). Two fields are minutes and
    seconds, not hours and minutes: transcripts count from the start of the call.
    A stamp alone on a line is the time of the speaker's line after it.
    A stamped cue ends where the next one starts; the last one lasts as long as its
    words take to say. Stamps alone on lines before only some speaker lines (Google
    Meet writes one every few minutes) place the line after them; every line is then
    laid on by its words from there (`timed=False`). Without stamps (`timed=False`)
    every cue lasts as long as its words take to say at `WORDS_PER_MINUTE` (a common
    conversational rate), at least `MIN_CUE_SECONDS`, laid end to end from zero.
    Stamps on some speaker lines but not on others, and none alone on a line, are
    refused: guessing the missing ones would invent timings.
    A cue that starts before the cue above it started is refused ("time_backwards"):
    the file was edited or merged out of order, and every figure would be wrong.
    Overlapping cues are fine (people talk over each other). The parser always sets
    `start` and `end`; `None` is for cues built by hand elsewhere.

Classifying rep lines
    "pitch" when the line mentions a team product keyword (whole word, any case, a
    plural "s" or "es" allowed so "demos" matches "demo") or common product phrasing
    ("our platform", "we offer", "let me show you", "free trial"...). Pitch wins over
    question: "Would you like a demo of our platform?" is product talk dressed as a
    question, and counting it as asking would flatter exactly the habit the app is
    there to change.
    "question" when a sentence of the line ends with "?" or opens like a question
    (what, how, could you, do you, tell me, walk me through, I'm curious...), after
    leading fillers and acknowledgements ("So,", "Okay, got it,"). Not questions: a
    line of only "?", a bare tag or check ("Right?", "You know?", "Okay, makes
    sense?"), exclamations ("What a week."), and wh-clauses used as statements ("What
    I'm hearing is...", "When we spoke last week, you mentioned..."); for "When X,
    Y" and "If X, Y" the main clause Y decides. A statement with a tag ("It's
    expensive, right?") ends with "?" and counts: it does ask the customer.
    "other" for everything else.
"""

from __future__ import annotations

import functools
import html
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
# The length a timeline line keeps of a speaker's name (TalkSegment.speaker): names are
# cut here, once, so the speakers list, the lines and the classifier all hold one form.
SPEAKER_NAME_MAX = 120
WORDS_PER_MINUTE = 150
MIN_CUE_SECONDS = 1.0

FORMAT_WEBVTT = "webvtt"
FORMAT_SRT = "srt"
FORMAT_PLAIN = "plain"

# Same values as conversations.metrics.Kind, so the labels feed the talk figures directly.
KIND_CUSTOMER = "customer"
KIND_QUESTION = "question"
KIND_PITCH = "pitch"
KIND_OTHER = "other"

EXPECTED_FORM = "Sam Patel: We lose two days every month on reports."


def _wordset(words: str) -> frozenset[str]:
    """A word table written as one string: easier to read and to extend than a list."""
    return frozenset(words.split())


@dataclass(frozen=True)
class Cue:
    """One line of the conversation: who said it, what they said, when (seconds)."""

    speaker: str
    text: str
    start: float | None
    end: float | None


@dataclass(frozen=True)
class Note:
    """Something the file records that nobody said: "[laughter]", "(music)", a caption banner."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class ParsedTranscript:
    cues: list[Cue]
    format: str  # FORMAT_WEBVTT, FORMAT_SRT or FORMAT_PLAIN
    timed: bool  # False when every duration was estimated from word counts
    speakers: list[str]  # in order of first appearance
    notes: list[Note] = field(default_factory=list)  # not talk: on the timeline, in no figure
    # Cues without a name that went to the speaker before them, by speaker.
    carried: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # lines before the first speaker (a title, attendees), left out


class TranscriptError(ValueError):
    """A transcript the app cannot use; `message` is written for the rep, `code` for code."""

    def __init__(self, code: str, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


# Decoding --------------------------------------------------------------------------------

_BOMS = (
    # UTF-32 first: its little-endian mark starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_ENCODING_MESSAGE = (
    "We couldn't read the characters in this file. Save it as UTF-8 text (in most "
    "editors: Save As, then choose the UTF-8 encoding) and upload it again. If it is a "
    "Word or PDF document, copy the conversation and paste it instead."
)


def _megabytes(size: int) -> str:
    # Rounded up, so a file just over the limit never reads as "2.0 MB, more than 2 MB".
    return f"{math.ceil(size / (1024 * 1024) * 10) / 10:.1f} MB"


def _too_large(size_text: str) -> TranscriptError:
    return TranscriptError(
        "too_large",
        f"This transcript is too large to import: it is {size_text} and the limit is "
        f"{MAX_BYTES // (1024 * 1024)} MB. Remove anything that isn't the conversation, "
        "or split the call into parts and import them one at a time.",
    )


def decode_upload(data: bytes) -> str:
    """The text of an uploaded transcript file; see the module notes for the encodings."""
    if len(data) > MAX_BYTES:
        raise _too_large(_megabytes(len(data)))
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise TranscriptError("encoding", _ENCODING_MESSAGE) from error
    if "\x00" in text:
        raise TranscriptError("encoding", _ENCODING_MESSAGE)
    return text


# Parsing ---------------------------------------------------------------------------------

# The line breaks WebVTT and webvtt-py know; str.splitlines would also break on form
# feeds and U+2028, and line numbers in messages would stop matching the rep's editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[\w-]+)*[ \t]+([^>]+)>")
_TIMINGS = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})\s*-->")
# A WebVTT cue time ("00:01.500", "00:00:01.500"): SRT writes a comma instead of the dot.
_DOT_TIMINGS = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}\s*-->")

_STAMP = r"\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# Bounded repetition: a long line without a colon fails after five words, not at its end.
_NAME = r"[^\W\d_][\w.'’&@-]*(?:[ \t]+(?:[\w.'’&@-]+|\([^():]{1,40}\))){0,4}"
_HEAD = re.compile(
    rf"""
    (?:[\[(]?(?P<lead>{_STAMP})[\])]?[ \t]*(?:[-–—|][ \t]*)?)?
    (?P<name>{_NAME})
    (?:[ \t]*[\[(](?P<trail>{_STAMP})[\])])?
    [ \t]*:(?:[ \t]+(?P<text>.*)|[ \t]*)
    """,
    re.VERBOSE,
)
# Recorder exports that put the name and the time on a line of their own, the words below:
# Fathom "0:01 - Sam Patel (Acme)", Zoom's text transcript "[Sam Patel] 11:02:09", Otter
# "Sam Patel  0:03". And "[Speaker 1] text", a name in brackets, in subtitle files.
_HEADINGS = (
    ("fathom", re.compile(rf"(?P<stamp>{_STAMP})[ \t]+[-–—][ \t]+(?P<name>{_NAME})")),
    ("zoom_text", re.compile(rf"\[(?P<name>{_NAME})\][ \t]+(?P<stamp>{_STAMP})")),
    ("otter", re.compile(rf"(?P<name>{_NAME})[ \t]+(?P<stamp>{_STAMP})")),
    ("bracket", re.compile(rf"\[(?P<name>{_NAME})\](?:[ \t]+(?P<text>.*))?")),
)
# A time on a line of its own gives the time of the line after it.
_STAMP_LINE = re.compile(rf"[\[(]?(?P<stamp>{_STAMP})[\])]?")
# Only a bracketed stamp is taken off a continuation line: "10:30 works for us" is speech.
_LEADING_STAMP = re.compile(rf"^[\[(]{_STAMP}[\])]\s*")
# Zoom's chat file, meeting_saved_chat.txt: "00:21:14<TAB>Name:<TAB>message", and in newer
# versions "00:21:14 From Name to Everyone:".
_CHAT_LINE = re.compile(r"\d{1,2}:\d{2}:\d{2}(?:\t[^\t]+?:\t|[ \t]+From[ \t].+?[ \t]to[ \t].+?:)")
# The closing lines of Google Meet's transcript in Docs and of Otter's text export.
_END_LINE = re.compile(r"Meeting ended after \d|Transcribed by https?://otter\.ai")
_MAX_NAME_WORDS = 5
_NAME_PARTICLES = _wordset("al bin da das de del della der di do dos du ibn la le st van von y")
_HEADER_WORDS = _wordset(
    "agenda attendees date duration location meeting participants recorded recording "
    "subject time title topic transcript"
) | frozenset(
    {
        # Header lines of exported transcripts: never a person, wherever they stand.
        "call title",
        "created by",
        "created on",
        "end time",
        "generated by",
        "hosted by",
        "meeting date",
        "meeting id",
        "meeting link",
        "meeting name",
        "meeting time",
        "meeting title",
        "organised by",
        "organized by",
        "organiser",
        "organizer",
        "passcode",
        "recording link",
        "start time",
    }
)
# Non-speech a transcript marks in brackets: left out of talk time, kept as notes.
_ANNOTATION_WORDS = _wordset(
    "applause background beep beeping chatter chuckle chuckles chuckling clapping cough "
    "coughing coughs crosstalk crying indistinct inaudible laugh laughing laughs laughter "
    "music noise overlapping pause sigh sighs silence static typing unintelligible"
)
_BRACKETED_LINE = re.compile(r"\[[^\[\]]+\]|\([^()]+\)|♪.*")
_ITALIC_LINE = re.compile(r"<i>([^<]{1,60})</i>")
# "[CAPTION] The meeting is being recorded": a tag in capitals, without digits (which
# "[SPEAKER 1]" has), marks what follows as a banner, not a person talking.
_CAPS_TAG = re.compile(r"\[[A-Z][A-Z ]{2,30}\]")


def _speaker_name(raw: str) -> str:
    return _SPACES.sub(" ", raw).strip()[:SPEAKER_NAME_MAX].rstrip()


def _is_annotation_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.casefold())
    return bool(words) and all(word in _ANNOTATION_WORDS for word in words)


def _annotation(raw: str) -> str | None:
    """The note a whole line is ("[laughter]", "(music)", "<i>Laughter</i>"), else None."""
    line = raw.strip()
    if not line or line[0] not in "[(♪<":
        return None  # almost every line: the cheap test first
    if _STAMP_LINE.fullmatch(line):
        return None
    if _BRACKETED_LINE.fullmatch(line) or _CAPS_TAG.match(line):
        return _SPACES.sub(" ", _TAG.sub("", line)).strip()
    italic = _ITALIC_LINE.fullmatch(line)
    if italic and _is_annotation_words(italic[1]):
        return italic[1].strip()
    return None


@dataclass(frozen=True)
class _Head:
    name: str
    text: str
    stamp: str | None
    shape: str = "colon"


@dataclass
class _Draft:
    speaker: str
    parts: list[str]
    line: int
    start: float | None = None
    end: float | None = None
    # Plain lines were typed as separate lines; caption lines are only wrapped for screen.
    separator: str = " "
    note: bool = False
    # In plain text: where the line's time came from ("line": its own; "above": a time
    # on the line before it); None without one.
    stamp_from: str | None = None

    @property
    def text(self) -> str:
        parts = (_SPACES.sub(" ", part).strip() for part in self.parts)
        return self.separator.join(part for part in parts if part)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _snippet(text: str, limit: int = 40) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _estimate_seconds(text: str) -> float:
    return max(MIN_CUE_SECONDS, len(text.split()) * 60 / WORDS_PER_MINUTE)


def _is_header(name: str) -> bool:
    return name.casefold() in _HEADER_WORDS


def _split_head(line: str) -> _Head | None:
    line = line.strip()
    match = _HEAD.fullmatch(line)
    if match:
        name = _SPACES.sub(" ", match["name"]).strip()
        if len(name.split()) > _MAX_NAME_WORDS or _is_header(name):
            return None
        return _Head(
            name[:SPEAKER_NAME_MAX].rstrip(),
            (match["text"] or "").strip(),
            match["lead"] or match["trail"],
        )
    if not line or not (line[0] == "[" or line[0].isdigit() or line[0].isalpha()):
        return None
    for shape, pattern in _HEADINGS:
        match = pattern.fullmatch(line)
        if match:
            name = _SPACES.sub(" ", match["name"]).strip()
            if _is_header(name) or _is_annotation_words(name) or _CAPS_TAG.fullmatch(f"[{name}]"):
                return None
            text = (match.groupdict().get("text") or "").strip()
            return _Head(_speaker_name(name), text, match.groupdict().get("stamp"), shape)
    return None


def _header_line(line: str) -> bool:
    """A line like "Meeting title: Quarterly review": the file's header, nobody's words."""
    match = _HEAD.fullmatch(line.strip())
    return bool(match) and _is_header(_SPACES.sub(" ", match["name"]).strip())


def _looks_like_name(name: str) -> bool:
    words = re.sub(r"\([^)]*\)", " ", name).split()
    if len(words) == 1:
        return True  # "me:", "rep:": a lone word before a colon is rarely speech
    return bool(words) and all(
        word[0].isupper() or word[0].isdigit() or word in _NAME_PARTICLES for word in words
    )


def _speaker_test(heads: Iterable[_Head | None]) -> Callable[[_Head | None], bool]:
    """Which line heads name a speaker: name-like, or opening two or more lines.

    A head without a colon ("Sam Patel  0:03", "[Speaker 1] Hi") is a speaker only in a
    file where that shape opens two or more lines and most of the heads: once, or among
    "Name:" lines, it is more likely speech."""
    heads = [head for head in heads if head]
    counts = Counter(head.name for head in heads)
    shapes = Counter(head.shape for head in heads)
    # Not two stray "Monday 10:30" lines in a file of "Name: text" lines, either.
    shapes_used = {
        shape for shape, count in shapes.items() if count >= 2 and count * 2 > len(heads)
    }

    def is_speaker(head: _Head | None) -> bool:
        if head is None or (head.shape != "colon" and head.shape not in shapes_used):
            return False
        return counts[head.name] >= 2 or _looks_like_name(head.name)

    return is_speaker


def _stamp_seconds(stamp: str) -> float | None:
    main, _, fraction = stamp.replace(",", ".").partition(".")
    fields = [int(part) for part in main.split(":")]
    if fields[-1] > 59 or (len(fields) == 3 and fields[1] > 59):
        return None
    seconds = 0
    for part in fields:
        seconds = seconds * 60 + part
    return seconds + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0)


def _read_stamp(stamp: str, number: int) -> float:
    start = _stamp_seconds(stamp)
    if start is None:
        raise TranscriptError(
            "malformed",
            f'Line {number} has a time we can\'t read ("{stamp}"). Write '
            "times as hh:mm:ss or mm:ss, for example [00:04:05] or 04:05.",
            line=number,
        )
    return start


def _too_many_lines(count: int) -> TranscriptError:
    return TranscriptError(
        "too_many_lines",
        f"This transcript has {count:,} lines of speech, more than the {MAX_LINES:,} we can "
        "read at once. Split the call into parts and import them one at a time.",
    )


def _backwards(
    where: str, start: float, previous: float, line: int, noun: str = "line"
) -> TranscriptError:
    return TranscriptError(
        "time_backwards",
        f"{where} starts at {_clock(start)}, before the {noun} above it ({_clock(previous)}). "
        f"Times must only go forward: put the {noun}s back in order, or fix that time.",
        line=line,
    )


def _unnamed(count: int, total: int, noun: str, first: _Draft) -> TranscriptError:
    return TranscriptError(
        "unnamed",
        f"{count:,} of the {total:,} {noun}s in this transcript have no speaker's name, so we "
        f'can\'t tell who said them. The first name we found is "{first.speaker}", on line '
        f"{first.line}: if that is not a person, the file names nobody. Export the transcript "
        "again with the speakers' names (from Zoom or Teams, the .vtt file has them), or paste "
        f'the conversation as lines like "{EXPECTED_FORM}"',
        line=first.line,
    )


def _chat_export() -> TranscriptError:
    return TranscriptError(
        "chat",
        "This is the meeting's chat, not a transcript of what was said: Zoom saves the chat as "
        "meeting_saved_chat.txt next to the recording. Upload the audio transcript instead: "
        "in Zoom, open the recording under Recordings and download the audio transcript "
        "(a .vtt file).",
    )


def _damaged_header(line: int, before: str) -> TranscriptError:
    what = "spaces or a tab" if not before.strip() else f'"{_snippet(before, 20)}"'
    return TranscriptError(
        "malformed",
        f'The header of this WebVTT file is damaged: line {line} has {what} before "WEBVTT", '
        "and a WebVTT file must start with the word WEBVTT itself. Delete what comes before "
        "it, or export the transcript again from your meeting tool.",
        line=line,
    )


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

    notes = [Note(d.text, d.start or 0.0, d.end or 0.0) for d in drafts if d.note and d.text]
    spoken = [d for d in drafts if not d.note and d.text]
    cues = [Cue(d.speaker, d.text, d.start, d.end) for d in spoken]
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
        match = _VOICE.match(stripped)
        bare = stripped[match.end() :] if match else stripped
        note = _annotation(bare.removesuffix("</v>")) if bare[:1] in "[(♪<" else None
        text = _TAG.sub("", raw)
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


# Classifying -----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")
_CLAUSE_BREAK = re.compile(r"[,;:—–]|\s-\s")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLOSERS = "\"')]”’ "

_FILLERS = _wordset(
    "actually ah alright also and anyway but cool er erm great hm hmm honestly just listen "
    "look mm now oh ok okay perfect right so sure thanks then um uh well wow yeah yes"
)
_ACKNOWLEDGEMENTS = frozenset(
    {
        "all right",
        "fair enough",
        "for sure",
        "good point",
        "got it",
        "great question",
        "i see",
        "makes sense",
        "no worries",
        "of course",
        "one question",
        "quick question",
        "sounds good",
        "that helps",
        "that makes sense",
        "that's great",
        "that's helpful",
        "thank you",
    }
)
# Bare checks for agreement: with a "?" they ask for a nod, not for the customer's world.
_TAGS = frozenset(
    {
        "agreed",
        "correct",
        "don't you",
        "eh",
        "fair",
        "huh",
        "is it",
        "is that right",
        "is that so",
        "isn't it",
        "make sense",
        "no",
        "really",
        "see",
        "seriously",
        "sound good",
        "true",
        "ya",
        "yep",
        "you know",
        "you see",
    }
)
_WH = _wordset("how what when where which who whom whose why")
_AUX = sorted(
    _wordset(
        "am are can could did do does had has have is may might shall should was were will "
        "would aren't can't couldn't didn't doesn't don't hadn't hasn't haven't isn't "
        "shouldn't wasn't weren't won't wouldn't"
    )
)
_AUX_SUBJECTS = sorted(
    _wordset(
        "any anybody anyone anything everybody everyone everything he her his i it my our "
        "she somebody someone something that the their there these they this those we you "
        "your"
    )
)
# "What we found is...", "How it works is...": a wh-clause as the subject of a statement.
_STATEMENT_SUBJECTS = _wordset(
    "he i i'd i'll i'm i've it it's she they they'd they're they've we we'd we'll we're "
    "we've you you'd you'll you're you've"
)
_EXCLAIMED = _wordset(
    "amazing annoying awesome awful cool exciting frustrating fun funny good great "
    "interesting kind lovely nice sad sweet terrible wonderful"
)
_RELATIVE = _wordset("is was means meant makes made")
_SUBORDINATORS = _wordset(
    "after although as because before given if once since though when whenever where while"
)
_OPENERS = re.compile(
    r"^(?:"
    rf"(?:{'|'.join(_AUX)}) (?:{'|'.join(_AUX_SUBJECTS)})\b"
    r"|tell me\b|(?:walk|talk|take) me through\b|help me understand\b"
    r"|i'm curious\b|i am curious\b|curious (?:about|how|what|why|whether|if|to)\b"
    r"|i wonder\b|i'm wondering\b|i was wondering\b"
    r"|i'd (?:love|like) to (?:hear|know|understand|learn)\b"
    r"|any (?:idea|ideas|thoughts)\b|anything else\b"
    r")"
)
_PITCH_PHRASES = re.compile(
    r"\b(?:"
    r"our (?:app|customers|clients|dashboards?|features?|integrations?|module|offering|"
    r"package|plans?|platform|pricing|products?|service|software|solutions?|suite|"
    r"system|technology|tool)"
    r"|we (?:can |could )?(?:offer|provide)"
    r"|we help (?:businesses|clients|companies|customers|firms|organi[sz]ations|people|teams)"
    r"|(?:let me|i can|i could|i'd like to|i'd love to|we can|we could) show you"
    r"|the features?|demos?|discounts?|free trial|case stud(?:y|ies)"
    r")\b"
)


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").casefold()


def _clean_keywords(product_keywords: Iterable[str]) -> tuple[str, ...]:
    if isinstance(product_keywords, str):
        # A team's raw keyword field ("platform, pricing") would otherwise be read as
        # single letters, and every line would be a pitch.
        product_keywords = re.split(r"[,\n]", product_keywords)
    words = {_SPACES.sub(" ", _normalise(word)).strip() for word in product_keywords}
    return tuple(sorted((word for word in words if word), key=lambda w: (-len(w), w)))


@functools.lru_cache(maxsize=64)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keywords:
        return None
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in keywords)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)")


def _strip_fillers(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and words[start] in _FILLERS:
        start += 1
    return words[start:]


def _is_light(words: list[str]) -> bool:
    """A clause with nothing to ask: fillers, acknowledgements and tags only."""
    rest = " ".join(_strip_fillers(words))
    return not rest or rest in _ACKNOWLEDGEMENTS or rest in _TAGS


def _opens_question(words: list[str]) -> bool:
    if not words:
        return False
    first = words[0].split("'")[0]
    second = words[1] if len(words) > 1 else ""
    if first in _WH and words[0] == first:
        if second in _STATEMENT_SUBJECTS:
            return False
        if (first, second) in {("what", "a"), ("what", "an"), ("who", "knows")}:
            return False
        if first == "how" and second in _EXCLAIMED:
            return False
        return not (first == "which" and second in _RELATIVE)
    if first in _WH:
        return True  # what's, how's, who's: a contracted "is" after a wh-word
    return bool(_OPENERS.match(" ".join(words)))


def _is_question(sentence: str) -> bool:
    clauses = [_WORD.findall(part) for part in _CLAUSE_BREAK.split(sentence)]
    substantive = [words for words in clauses if words and not _is_light(words)]
    if not substantive:
        return False  # "?", "Right?", "Okay, you know?"
    if sentence.rstrip(_CLOSERS).endswith("?"):
        return True
    words = _strip_fillers(substantive[0])
    if (
        words
        and words[0] in _SUBORDINATORS
        and not (len(words) > 1 and words[1] in _AUX)  # "When is...", "Where do..."
        and len(substantive) > 1
    ):
        words = _strip_fillers(substantive[1])  # "When you say churn, what do you mean"
    return _opens_question(words)


def _classify(text: str, keywords: re.Pattern[str] | None) -> str:
    normalised = _normalise(text)
    if (keywords is not None and keywords.search(normalised)) or _PITCH_PHRASES.search(normalised):
        return KIND_PITCH
    if any(_is_question(sentence) for sentence in _SENTENCE_END.split(normalised.strip())):
        return KIND_QUESTION
    return KIND_OTHER


def classify_rep_line(text: str, product_keywords: Iterable[str]) -> str:
    """Classify a line said by the selling side: question, pitch or other (module notes)."""
    return _classify(text, _keyword_pattern(_clean_keywords(product_keywords)))


def cue_kinds(
    parsed: ParsedTranscript, rep_speakers: set[str], product_keywords: Iterable[str]
) -> list[str]:
    """The kind of each cue: "customer" off the selling side, else its classification."""
    keywords = _keyword_pattern(_clean_keywords(product_keywords))
    return [
        _classify(cue.text, keywords) if cue.speaker in rep_speakers else KIND_CUSTOMER
        for cue in parsed.cues
    ]
