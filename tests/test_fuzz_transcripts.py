"""Hypothesis on the transcript reader: a ParsedTranscript or a TranscriptError, nothing else."""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.transcripts import (
    ParsedTranscript,
    TranscriptError,
    decode_upload,
    parse_transcript,
)

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Pieces that steer the parser into its branches: headers, timings, cue numbers, voices, stamps.
PIECES = [
    "WEBVTT",
    "WEBVTT - title",
    "\ufeff",
    "1",
    "2",
    "00:00:01.000 --> 00:00:04.000",
    "00:00:04,000 --> 00:00:02,000",
    "00:01.000 --> 00:02.000",
    "99:99:99.999 --> 00:00:00.000",
    "--> -->",
    "NOTE a note",
    "STYLE",
    "<v Sam Patel>We lose two days",
    "<v.loud Rita>Hello</v>",
    "<b>bold</b> &amp; &lt;",
    "Sam Patel: We lose two days every month on reports.",
    "Rita: What does that cost you?",
    "[00:01:05] Sam: yes",
    "[00:00:02] Rita: and then?",
    "(12:34) Rita - fine",
    "1:02 Rita: back",
    "Rita (Acme): hello",
    "Speaker 1: hi",
    ": no name",
    "Name:",
    "",
    " ",
    "\t",
    "\r",
    "\u2028",
    "\x0c",
    "😀: emoji speaker",
    "a" * 400,
]
lines = st.one_of(st.sampled_from(PIECES), st.text(max_size=80))
structured = st.lists(lines, max_size=40).flatmap(
    lambda parts: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda sep: sep.join(parts))
)
any_text = st.one_of(st.text(max_size=2000), structured)


def parse_or_refuse(text: str) -> ParsedTranscript | None:
    try:
        parsed = parse_transcript(text)
    except TranscriptError as error:
        assert error.code
        assert error.message
        return None
    assert isinstance(parsed, ParsedTranscript)
    assert parsed.cues
    assert parsed.speakers == list(dict.fromkeys(cue.speaker for cue in parsed.cues))
    return parsed


@settings(FUZZ, max_examples=200)
@given(text=any_text)
def test_parse_transcript_returns_a_transcript_or_refuses_it(text):
    parse_or_refuse(text)


encoded = st.tuples(
    st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
    st.binary(max_size=2000),
).map(b"".join)
re_encoded = st.tuples(
    structured, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1", "cp1252"])
).map(lambda pair: pair[0].encode(pair[1], errors="replace"))


@settings(FUZZ, max_examples=200)
@given(data=st.one_of(st.binary(max_size=2000), encoded, re_encoded))
def test_decode_upload_returns_text_or_refuses_it(data):
    try:
        text = decode_upload(data)
    except TranscriptError as error:
        assert error.code == "encoding"
        return
    assert isinstance(text, str)
    assert "\x00" not in text
    parse_or_refuse(text)


NAME = st.from_regex(r"[A-Z][a-z]{1,10}( [A-Z][a-z]{1,10})?", fullmatch=True)
SAID = st.lists(st.from_regex(r"[A-Za-z][a-z]{0,9}", fullmatch=True), min_size=1, max_size=15).map(
    " ".join
)


@FUZZ
@given(
    names=st.lists(NAME, min_size=2, max_size=2, unique=True),
    turns=st.lists(st.tuples(st.integers(0, 1), SAID), min_size=1, max_size=30),
    separator=st.sampled_from(["\n", "\r\n", "\n\n"]),
    stamped=st.booleans(),
)
def test_two_speaker_transcripts_always_find_both_speakers(names, turns, separator, stamped):
    # Both people speak at least once, whoever starts.
    script = [(0, "Hello there."), (1, "Hi, thanks for calling."), *turns]
    lines = []
    for second, (who, said) in enumerate(script):
        stamp = f"[00:{second // 60:02d}:{second % 60:02d}] " if stamped else ""
        lines.append(f"{stamp}{names[who]}: {said}")
    parsed = parse_transcript(separator.join(lines))
    assert set(parsed.speakers) == set(names)
    assert len(parsed.cues) >= 2
    assert parsed.timed is stamped
