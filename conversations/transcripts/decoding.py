"""Decoding an uploaded transcript file into text (docs/transcripts.md, Encoding)."""

from __future__ import annotations

from conversations.transcripts.common import (
    MAX_BYTES,
    TranscriptError,
    _megabytes,
    _too_large,
)

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
